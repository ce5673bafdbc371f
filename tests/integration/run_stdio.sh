#!/usr/bin/env bash
# Drives the real idsd binary over stdio with the official MCP TypeScript
# clients: @modelcontextprotocol/sdk (legacy era, initialize handshake) and
# @modelcontextprotocol/client 2.x (2026-07-28, per-request _meta), plus
# hand-built JSON lines for framing and errors.
#
# usage: run_stdio.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) when node/npm are missing or the packages cannot be
# installed; the node dependencies are installed here, with `npm ci`, from
# the committed package-lock.json.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"

ensure_node_packages

default_shared_ids

cd "$here" || exit 2
# One test file at a time keeps the output readable; the TAP summary ends
# with "# pass N" and "# fail N".
exec node --test --test-concurrency=1 --test-reporter=tap \
  stdio_raw.test.mjs stdio_legacy.test.mjs stdio_modern.test.mjs
