// The host side of the MCP App test, bundled for the browser by
// run_view_live.sh (esbuild): the official AppBridge and PostMessageTransport
// of @modelcontextprotocol/ext-apps and the official MCP client, as a
// host page uses them.
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

window.idsdHost = { AppBridge, PostMessageTransport, Client, StreamableHTTPClientTransport };
