#!/usr/bin/env bash
# `idsd check --format html|markdown|bcf`: the report formats of an IFC
# check. Without --ifc they are refused with a reason before any file is
# read, bcf without --output as well; an unknown format names them all.
#
# usage: run_check_reports.sh path/to/idsd
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
# expect NAME RC PATTERN -- ARGS...: the exit status and a line of stderr.
expect() {
  local name="$1" want="$2" pattern="$3"
  shift 4
  "$IDSD_BIN" check "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, want $want ($(head -c 300 "$work/err"))"
  elif ! grep -q -- "$pattern" "$work/err"; then
    fail "$name: stderr lacks '$pattern': $(head -c 300 "$work/err")"
  else
    ok "$name"
  fi
}

printf '<ids/>\n' >"$work/a.ids"
for fmt in html markdown md; do
  expect "--format $fmt needs --ifc" 2 "give --ifc MODEL.ifc" -- --format "$fmt" "$work/a.ids"
done
expect "--format bcf needs --ifc" 2 "give --ifc" -- --format bcf --output "$work/r.bcf" "$work/a.ids"
[ ! -e "$work/r.bcf" ] && ok "nothing written on a usage error" || fail "r.bcf written"
expect "--format=html form" 2 "give --ifc" -- --format=html "$work/a.ids"
expect "unknown format names the report formats" 2 "html, markdown or bcf" -- --format pdf "$work/a.ids"
"$IDSD_BIN" check --help | grep -q "bcf" && ok "--help names bcf" || fail "--help lacks bcf"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
