#!/usr/bin/env bash
# Drives the real idsd binary over Streamable HTTP: the official MCP
# TypeScript clients (@modelcontextprotocol/sdk for the legacy era,
# @modelcontextprotocol/client 2.x for 2026-07-28) and raw fetch for the
# transport rules (sessions, status codes, Origin, limits, metrics). Each
# test file starts its own servers on free ports (--listen 127.0.0.1:0) and
# checks that they shut down cleanly on SIGTERM.
#
# usage: run_http.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) without node/npm or when the packages cannot be installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
. "$here/http_server.sh"
ensure_node_packages
default_shared_ids
cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap \
  http_raw.test.mjs http_sdk.test.mjs
