#!/usr/bin/env bash
# A model's flow with IFC names (refusal with candidates, look-ups,
# allow_unknown, completion, ifc:// resources), driven over stdio by the
# official MCP TypeScript clients.
#
# usage: run_ifc_names.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) when node/npm are missing or the packages cannot be
# installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"

ensure_node_packages

default_shared_ids

cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap stdio_ifc_names.test.mjs
