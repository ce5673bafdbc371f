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

# ---- with --ifc: the reports of a real check -----------------------------
need_shared_cases
need_commands python3
# Every pass-/fail- case as JUnit: failures in the report exactly when the
# case fails (exit 1), none when it passes (exit 0); and as BCF: a topic
# folder per failure, only bcf.version for a pass.
python3 - "$IDSD_BIN" "$cases" "$work" <<'PY' && ok "junit and bcf agree with every case's verdict" || fail "junit/bcf against the verdicts"
import os, subprocess, sys, zipfile, xml.etree.ElementTree as ET
idsd, cases, work = sys.argv[1:4]
bad = []
n = 0
for root, _, names in sorted(os.walk(cases)):
    for name in sorted(names):
        if not (name.endswith(".ids") and name[:5] in ("pass-", "fail-")):
            continue
        ids = os.path.join(root, name)
        ifc = ids[:-4] + ".ifc"
        if not os.path.exists(ifc):
            continue
        n += 1
        want_fail = name.startswith("fail-")
        j = subprocess.run([idsd, "check", "--ifc", ifc, ids, "--format", "junit", "--no-timings"],
                           capture_output=True)
        suites = ET.fromstring(j.stdout)
        failures = int(suites.get("failures"))
        if j.returncode != (1 if want_fail else 0) or (failures > 0) != want_fail:
            bad.append(f"{name}: junit exit {j.returncode}, {failures} failures")
            continue
        bcf = os.path.join(work, "case.bcf")
        b = subprocess.run([idsd, "check", "--ifc", ifc, ids, "--format", "bcf", "--output", bcf],
                           capture_output=True)
        with zipfile.ZipFile(bcf) as z:
            assert z.testzip() is None
            topics = [x for x in z.namelist() if x.endswith("/markup.bcf")]
            for t in topics:
                ET.fromstring(z.read(t))
        if b.returncode != j.returncode or (len(topics) > 0) != want_fail:
            bad.append(f"{name}: bcf exit {b.returncode}, {len(topics)} topics")
print(f"{n} cases, {len(bad)} disagreements")
for line in bad[:20]:
    print("  " + line)
sys.exit(1 if bad or n < 280 else 0)
PY

# One model, several IDS files: one report of all their specifications; an
# invalid document among them is a line on stderr and exit status 1.
model="$cases/property/fail-a_prohibited_facet_returns_the_opposite_of_a_required_facet.ifc"
ids1="${model%.ifc}.ids"
ids2="$cases/property/pass-a_number_specified_as_a_string_is_treated_as_a_string.ids"
printf '<ids/>\n' >"$work/bad.ids"
"$IDSD_BIN" check --ifc "$model" "$ids1" "$ids2" "$work/bad.ids" --format junit --output "$work/all.xml" 2>"$work/err"
rc=$?
suites=$(python3 -c "import xml.etree.ElementTree as E,sys; print(len(E.parse(sys.argv[1]).getroot().findall('testsuite')))" "$work/all.xml")
[ "$rc" -eq 1 ] && [ "$suites" -eq 2 ] && grep -q "bad.ids: invalid document, not checked" "$work/err" &&
  ok "several IDS files: one report, the invalid one on stderr" || fail "several IDS files: rc $rc, $suites suites"
"$IDSD_BIN" check --ifc "$model" "$ids1" --format html --output "$work/r.html"
[ $? -eq 1 ] && grep -q "Content-Security-Policy" "$work/r.html" && grep -q "must not have property" "$work/r.html" &&
  ok "html report written" || fail "html report"
"$IDSD_BIN" check --ifc "$model" "$ids1" --format markdown >"$work/r.md"
[ $? -eq 1 ] && grep -q "^# IFC check of" "$work/r.md" && ok "markdown report" || fail "markdown report"
expect "--format bcf with --ifc needs --output" 2 "give --output" -- --ifc "$model" --format bcf "$ids1"
"$IDSD_BIN" check --ifc "$work/missing.ifc" "$ids1" --format html --output "$work/m.html" 2>/dev/null
[ $? -eq 2 ] && ok "a model that cannot be read: exit 2" || fail "missing model"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
