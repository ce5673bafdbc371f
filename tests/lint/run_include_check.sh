#!/usr/bin/env bash
# scripts/check-includes.sh passes on the tree as it is and fails, naming
# the file and the rule, on a copy with one bad include injected: a
# backwards dependency, a private header of another module, an include
# that does not name its module, an unknown module folder.
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
check="$here/scripts/check-includes.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }

if out=$(bash "$check" "$here/src" 2>&1); then
  ok "the tree as it is"
else
  bad "the tree as it is: $out"
fi

# inject FILE LINE: a fresh copy of src with LINE added to FILE.
inject() {
  rm -rf "$work/src"
  cp -R "$here/src" "$work/src"
  mkdir -p "$(dirname "$work/src/$1")"
  printf '%s\n' "$2" >>"$work/src/$1"
}

# expect_fail WHAT FILE LINE PATTERN [WHERE]: the check exits 1 and its
# report names WHERE (default FILE) and matches PATTERN.
expect_fail() {
  local what=$1 file=$2 line=$3 pattern=$4 where=${5:-$2} out rc
  inject "$file" "$line"
  out=$(bash "$check" "$work/src" 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ] && grep -q "^$where:.*$pattern" <<<"$out"; then
    ok "$what"
  else
    bad "$what (rc $rc): $out"
  fi
}

expect_fail "ids including mcp (backwards)" ids/doc.c '#include "mcp/mcp.h"' "ids may not depend on mcp"
expect_fail "session including tools (backwards)" session/store.c '#include "tools/tools.h"' \
  "session may not depend on tools"
expect_fail "base including ids (base depends on nothing)" base/buf.c '#include "ids/ids.h"' \
  "base may not depend on ids"
expect_fail "tools including a private header of session" tools/catalogue.c \
  '#include "session/session_internal.h"' "a private header of session"
expect_fail "main.c including a private header" main.c '#include "ids/ids_internal.h"' \
  "a private header of ids"
expect_fail "an include without its module" check/check.c '#include "check_internal.h"' \
  "name the module"
expect_fail "a folder the graph does not know" extra/extra.c '#include "base/base.h"' \
  "not in the allowed graph" extra

# Allowed: a public header of a module below, anything from main.c.
inject tools/catalogue.c '#include "ids/ids.h"'
if bash "$check" "$work/src" >/dev/null 2>&1; then ok "tools including ids"; else bad "tools including ids"; fi
inject main.c '#include "check/check.h"'
if bash "$check" "$work/src" >/dev/null 2>&1; then ok "main.c including check"; else bad "main.c including check"; fi

if [ "$fails" -ne 0 ]; then
  echo "$fails failed"
  exit 1
fi
