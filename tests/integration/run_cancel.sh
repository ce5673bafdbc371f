#!/usr/bin/env bash
# Cancelling a running model check over stdio and both HTTP eras, with the
# official MCP TypeScript SDK clients (specs/ifc-check.md, "Cancellation").
# The model is synthetic: bench/gen_ifc.py writes 20 MB, bench/gen_ids.py
# 50 specifications, so that a check lasts long enough to be cancelled.
#
# usage: run_cancel.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) when node, npm or python3 is missing.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"

if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIPPED: python3 writes the test model"
  exit 77
fi
ensure_node_packages

dir="$(mktemp -d "${TMPDIR:-/tmp}/idsd-cancel.XXXXXX")" || exit 2
trap 'rm -rf "$dir"' EXIT
bench="$here/../../bench"
python3 "$bench/gen_ifc.py" 20M "$dir/model.ifc" --seed 7 || exit 2
python3 "$bench/gen_ids.py" "$dir/spec.ids" --count 50 || exit 2

export IDSD_CANCEL_DIR="$dir"
cd "$here" || exit 2
node --test --test-concurrency=1 --test-reporter=tap cancel.test.mjs
