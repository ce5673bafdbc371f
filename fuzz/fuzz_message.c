/*
 * fuzz_message.c - libFuzzer target for the JSON-RPC reader and the MCP
 * dispatcher alone: the input is one message (or batch), handled by
 * mcp_handle_text on a new connection with the whole tool catalogue, and
 * checked as fuzz_jsonrpc.c checks its replies. fuzz_jsonrpc feeds up to
 * 16 messages per input, so that calls can build on each other (a
 * document, then its edits); one message per input runs many times more
 * inputs a second through the reader, the methods' parameter checks and
 * the tools' argument checks.
 */
#define FUZZ_ONE_MESSAGE 1
#include "fuzz_jsonrpc.c"
