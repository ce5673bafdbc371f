#!/usr/bin/env bash
# Regenerates src/ifc/gen/ from the pinned npm packages (needs node, npm
# and the npm registry; the C build needs neither).
#
#   scripts/ifc-schema/regenerate.sh          write src/ifc/gen/
#   scripts/ifc-schema/regenerate.sh --check  generate twice into temporary
#                                             folders and compare both runs
#                                             with each other and with the
#                                             committed files, byte for byte
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gen="$here/../../src/ifc/gen"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund >/dev/null
if [ "${1:-}" = "--check" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    node generate.mjs "$tmp/a" >/dev/null
    node generate.mjs "$tmp/b" >/dev/null
    diff -r "$tmp/a" "$tmp/b"
    diff -r "$tmp/a" "$gen"
    echo "two runs and the committed tables are identical:"
    (cd "$tmp/a" && sha256sum *.c)
else
    node generate.mjs "$gen"
fi
