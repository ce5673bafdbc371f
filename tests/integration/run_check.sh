#!/usr/bin/env bash
# Drives `idsd check` over the buildingSMART test cases: exit statuses, the
# JSON report parses (python3), the JUnit report parses (xmllint), the
# order is the same with --jobs 1 and --jobs 2, "-" reads a list, and
# usage and I/O errors give exit status 2.
#
# usage: run_check.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) when the shared test cases, python3 or xmllint are
# missing.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
need_shared_cases
need_commands python3 xmllint
xsd_args=()
# The XSD is used when it compiles offline here (the W3C copies exist).
if [ -f "$IDSD_SHARED_IDS/ids.xsd" ] &&
   ! "$bin" check --xsd "$IDSD_SHARED_IDS/ids.xsd" --quiet --no-timings "$cases" 2>&1 |
     grep -q -- "--xsd"; then
  xsd_args=(--xsd "$IDSD_SHARED_IDS/ids.xsd")
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/idsd-check-XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0
n=0
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }
expect_rc() {  # description, expected, actual
  if [ "$3" -eq "$2" ]; then ok "$1 (exit $3)"; else fail "$1: exit $3, expected $2"; fi
}

# The test cases hold a few files the rules without IFC data call invalid.
"$bin" check "${xsd_args[@]}" --no-progress "$cases" >"$work/text" 2>"$work/err"
expect_rc "text over the test cases" 1 $?
if tail -1 "$work/text" | grep -qE '^[0-9]+ files: [0-9]+ valid, [0-9]+ invalid, 0 failed'; then
  ok "text summary line"
else
  fail "text summary line: $(tail -1 "$work/text")"
fi
[ ! -s "$work/err" ] && ok "nothing on stderr when it is not a terminal" ||
  fail "stderr: $(head -3 "$work/err")"

"$bin" check "${xsd_args[@]}" --format json "$cases" >"$work/json"
expect_rc "json" 1 $?
if python3 - "$work/json" "$cases" <<'EOF'
import json, os, sys
doc = json.load(open(sys.argv[1]))
files = doc["files"]
count = sum(1 for root, _, names in os.walk(sys.argv[2])
            for name in names if name.lower().endswith(".ids") and not name.startswith("."))
assert len(files) == count == doc["summary"]["files"], (len(files), count)
assert doc["summary"]["valid"] + doc["summary"]["invalid"] == count
for f in files:
    for key in ("path", "valid", "structure_valid", "audit_valid", "xsd_checked",
                "specifications", "millis", "errors", "error"):
        assert key in f, key
    for e in f["errors"]:
        assert set(("rule", "severity", "message", "path", "line")) <= set(e)
EOF
then ok "json parses and has the expected shape"; else fail "json shape"; fi

"$bin" check "${xsd_args[@]}" --format junit --output "$work/junit.xml" "$cases" >"$work/out"
expect_rc "junit to --output" 1 $?
[ ! -s "$work/out" ] && ok "--output leaves stdout empty" || fail "--output wrote to stdout"
xmllint --noout "$work/junit.xml" && ok "junit parses" || fail "junit does not parse"
tests=$(xmllint --xpath 'string(/testsuites/testsuite/@tests)' "$work/junit.xml")
cases_n=$(xmllint --xpath 'count(//testcase)' "$work/junit.xml")
failures_n=$(xmllint --xpath 'string(/testsuites/testsuite/@failures)' "$work/junit.xml")
failure_elems=$(xmllint --xpath 'count(//testcase/failure)' "$work/junit.xml")
if [ "$tests" = "$cases_n" ] && [ "$failures_n" = "$failure_elems" ] && [ "$tests" -gt 0 ]; then
  ok "junit counts ($tests tests, $failures_n failures)"
else
  fail "junit counts: tests=$tests testcases=$cases_n failures=$failures_n elements=$failure_elems"
fi

for fmt in text json junit; do
  "$bin" check "${xsd_args[@]}" --format "$fmt" --no-timings --jobs 1 "$cases" >"$work/j1.$fmt"
  "$bin" check "${xsd_args[@]}" --format "$fmt" --no-timings --jobs 2 "$cases" >"$work/j2.$fmt"
  "$bin" check "${xsd_args[@]}" --format "$fmt" --no-timings --jobs 7 "$cases" >"$work/j7.$fmt"
  if cmp -s "$work/j1.$fmt" "$work/j2.$fmt" && cmp -s "$work/j1.$fmt" "$work/j7.$fmt"; then
    ok "$fmt: same bytes with --jobs 1, 2 and 7"
  else
    fail "$fmt: output differs between --jobs 1 and --jobs 2/7"
  fi
done

# "-": the same files listed on stdin, in reverse order, are reported in
# that order.
find "$cases" -name '*.ids' | sort -r >"$work/list"
"$bin" check --no-timings --format json - <"$work/list" >"$work/stdin.json"
expect_rc "paths from stdin" 1 $?
if python3 - "$work/stdin.json" "$work/list" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
listed = [line.rstrip("\n") for line in open(sys.argv[2]) if line.strip()]
assert [f["path"] for f in doc["files"]] == listed
EOF
then ok "stdin list order kept"; else fail "stdin list order"; fi

"$bin" check "$work/no-such-file.ids" >"$work/out" 2>&1
expect_rc "a missing file" 2 $?
grep -q "no-such-file.ids: error: cannot open" "$work/out" && ok "missing file reported in place" ||
  fail "missing file report: $(cat "$work/out")"

printf '<ids xmlns="http://standards.buildingsmart.org/IDS">\n<info>\n' >"$work/broken.ids"
"$bin" check "$work/broken.ids" >"$work/out" 2>&1
expect_rc "a malformed file" 1 $?
grep -q "broken.ids: invalid: not well-formed XML at line" "$work/out" && ok "malformed file has its line" ||
  fail "malformed report: $(cat "$work/out")"

"$bin" check "$work/broken.ids" "$work/no-such-file.ids" >/dev/null 2>&1
expect_rc "an I/O error dominates an invalid file" 2 $?

"$bin" check >/dev/null 2>"$work/err"
expect_rc "no input" 2 $?
[ "$(wc -l <"$work/err")" -eq 1 ] && ok "usage error is one line" || fail "usage error: $(cat "$work/err")"
"$bin" check --format yaml "$cases" >/dev/null 2>&1
expect_rc "bad --format" 2 $?
"$bin" check --jobs 0 "$cases" >/dev/null 2>&1
expect_rc "bad --jobs" 2 $?
"$bin" check --xsd "$work/no-such.xsd" "$cases" >/dev/null 2>&1
expect_rc "unreadable --xsd" 2 $?
# grep reads the whole help: grep -q quits at the first match, and idsd,
# still writing a help of more than one buffer, dies of SIGPIPE (pipefail).
"$bin" check --help | grep -- "--format" >/dev/null && ok "check --help lists flags" || fail "check --help"
"$bin" --help | grep "check" >/dev/null && ok "idsd --help mentions check" || fail "idsd --help"

echo "# pass $((n - failures))"
echo "# fail $failures"
[ "$failures" -eq 0 ]
