#!/usr/bin/env bash
# Drives load_ifc_model and validate_ifc_model of the real idsd binary over
# stdio with the official MCP TypeScript SDK (specs/ifc-check.md).
#
# usage: run_ifc.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) when node/npm are missing or the packages cannot be
# installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"

ensure_node_packages

default_shared_ids

cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap stdio_ifc.test.mjs
