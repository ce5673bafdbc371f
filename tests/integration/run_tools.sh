#!/usr/bin/env bash
# The tools contract (specs/tools.md) as a model meets it: stable handles,
# no silent data loss, update_facet, inferred defaults, one vocabulary,
# forgiving input, the 2026-07-28 hint, the catalogue budget and the hints,
# each driven by the official TypeScript clients over stdio, legacy HTTP
# and 2026-07-28 HTTP, plus a table of plausible model mistakes.
#
# usage: run_tools.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) without node/npm or when the packages cannot be installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
ensure_node_packages
default_shared_ids
cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap tools_misuse.test.mjs
