#!/usr/bin/env bash
# `idsd check --load-into URL` against a real idsd over HTTP on a free
# port: every reported session holds its file's document (get_ids_info
# over the modern wire: title and specification names as in the file),
# sessions are distinct, a malformed file is reported invalid and not
# loaded, the bearer token is sent (401 without it), https and other
# schemes are refused, an unreachable server and a full server fail files
# (exit 2), and each server exits 0 on SIGTERM (a leak under ASan fails).
#
# usage: run_load_into.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) without the shared test cases or python3.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
need_shared_cases
need_commands python3
. "$here/http_server.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/idsd-load-XXXXXX")"
cleanup() { stop_idsd >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
failures=0
n=0
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }
expect_rc() {  # description, expected, actual
  if [ "$3" -eq "$2" ]; then ok "$1 (exit $3)"; else fail "$1: exit $3, expected $2"; fi
}
stop_ok() {  # description
  if stop_idsd; then ok "$1: server exits 0 on SIGTERM"; else fail "$1: server exit status"; fi
}

printf '<ids><oops>' >"$work/broken.ids"
# A few folders of the test cases (valid and invalid documents) and the
# broken file in the middle, so order and per-file results are exercised.
inputs=("$cases/attribute" "$work/broken.ids" "$cases/ids" "$cases/property")
# Folders without invalid-* files: every document in them passes the audit.
valid=("$cases/material" "$cases/tolerance")

# ---- the documents arrive, one session each ----
start_idsd "$bin" || exit 1
url=$IDSD_URL
"$bin" check --format json --jobs 3 --load-into "$url" "${inputs[@]}" >"$work/json" 2>"$work/err"
expect_rc "json over test cases and a broken file (some invalid)" 1 $?
if python3 - "$work/json" "$url" "$work/broken.ids" <<'EOF'
import json, sys, urllib.request
import xml.etree.ElementTree as ET

doc = json.load(open(sys.argv[1]))
url, broken = sys.argv[2], sys.argv[3]
NS = "{http://standards.buildingsmart.org/IDS}"
V = "2026-07-28"

def call(name, args):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": name, "arguments": args,
                       "_meta": {"io.modelcontextprotocol/protocolVersion": V,
                                 "io.modelcontextprotocol/clientCapabilities": {}}}}
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "MCP-Protocol-Version": V, "Mcp-Method": "tools/call", "Mcp-Name": name}
    if "session_id" in args:
        headers["Mcp-Param-Session"] = args["session_id"]
    req = urllib.request.Request(url, json.dumps(body).encode(), headers)
    with urllib.request.urlopen(req) as r:
        return json.load(r)["result"]

files = doc["files"]
assert doc["summary"]["files"] == len(files)
sids = [f["session_id"] for f in files if f["session_id"]]
assert len(sids) == len(set(sids)), "session ids repeat"
assert doc["summary"]["loaded"] == len(sids) == len(files) - 1, (doc["summary"], len(sids))
seen_broken = False
for f in files:
    if f["path"] == broken:
        seen_broken = True
        assert f["status"] == "invalid" and f["session_id"] is None, f
        assert f["load_error"] and "not well-formed" in f["load_error"], f["load_error"]
        continue
    assert f["load_error"] is None, f
    root = ET.parse(f["path"]).getroot()
    title = root.find(NS + "info/" + NS + "title").text
    names = [s.get("name") for s in root.iter(NS + "specification")]
    res = call("get_ids_info", {"session_id": f["session_id"]})
    assert not res.get("isError"), res
    sc = res["structuredContent"]
    assert sc["session_id"] == f["session_id"]
    assert sc["info"]["title"] == title, (f["path"], sc["info"]["title"], title)
    assert sc["specification_count"] == len(names) == f["specifications"], f["path"]
    assert [s["name"] for s in sc["specifications"]] == names, f["path"]
assert seen_broken
print("checked", len(sids), "sessions")
EOF
then ok "every session holds its file's document (get_ids_info)"; else fail "sessions"; fi
[ ! -s "$work/err" ] && ok "nothing on stderr" || fail "stderr: $(head -3 "$work/err")"

"$bin" check -q --jobs 1 --load-into "$url" "${valid[@]}" >"$work/text"
expect_rc "text, one job, valid files only" 0 $?
count=$(find "${valid[@]}" -name '*.ids' | wc -l)
if tail -1 "$work/text" | grep -qE "^$count files: $count valid, 0 invalid, 0 failed; .*; $count loaded"; then
  ok "text summary counts the loaded files"
else
  fail "text summary: $(tail -1 "$work/text")"
fi
"$bin" check --no-timings --load-into "$url" "${valid[@]}" >"$work/text"
if [ "$(grep -c -- ' -> session [0-9a-f]\{32\}$' "$work/text")" -eq "$count" ]; then
  ok "text gives each file's session"
else
  fail "text sessions: $(head -2 "$work/text")"
fi
"$bin" check --format junit --load-into "$url" "$work/broken.ids" "${valid[@]}" >"$work/junit.xml"
expect_rc "junit with a broken file" 1 $?
if python3 - "$work/junit.xml" "$count" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
outs = [e.text for e in root.iter("system-out")]
errs = [e.text for e in root.iter("system-err")]
assert len(outs) == int(sys.argv[2]) and all(o.startswith("session ") for o in outs), outs[:2]
assert len(errs) == 1 and errs[0].startswith("not loaded: "), errs
EOF
then ok "junit carries the sessions and the load error"; else fail "junit"; fi

# The HTTP server's metrics saw the sessions.
if python3 - "$url" <<'EOF'
import sys, urllib.request
base = sys.argv[1].rsplit("/", 1)[0]
text = urllib.request.urlopen(base + "/metrics").read().decode()
live = [l for l in text.splitlines() if l.startswith("idsd_sessions_live ")]
assert live and int(float(live[0].split()[1])) > 300, live
EOF
then ok "the server holds the sessions (/metrics)"; else fail "metrics"; fi
stop_ok "plain"

# ---- usage errors ----
"$bin" check --load-into https://127.0.0.1:1/mcp "$cases/attribute" >/dev/null 2>"$work/err"
expect_rc "https refused" 2 $?
grep -q "https is not supported" "$work/err" && ok "https message" ||
  fail "https message: $(cat "$work/err")"
"$bin" check --load-into ftp://127.0.0.1/mcp "$cases/attribute" >/dev/null 2>"$work/err"
expect_rc "other scheme refused" 2 $?
"$bin" check --load-into "$cases/attribute" >/dev/null 2>"$work/err"
expect_rc "--load-into without an input" 2 $?

# ---- nobody listening: every file fails ----
"$bin" check --format json --load-into "$url" "$cases/attribute" >"$work/json" 2>/dev/null
expect_rc "server gone" 2 $?
if python3 - "$work/json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["summary"]["failed"] == doc["summary"]["files"] > 0
assert doc["summary"]["loaded"] == 0
assert all("cannot connect" in f["load_error"] for f in doc["files"])
EOF
then ok "unreachable server: each file failed with the reason"; else fail "unreachable"; fi

# ---- bearer token ----
start_idsd "$bin" --auth-token s3cret-token-0123456789 || exit 1
"$bin" check --format json --load-into "$IDSD_URL" "$cases/attribute" >"$work/json" 2>/dev/null
expect_rc "no token" 2 $?
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all("401" in f["load_error"] for f in d["files"])' "$work/json"; then
  ok "no token: 401 per file"
else
  fail "no token report"
fi
IDSD_AUTH_TOKEN=s3cret-token-0123456789 "$bin" check -q --load-into "$IDSD_URL" "${valid[@]}" >"$work/text"
expect_rc "IDSD_AUTH_TOKEN" 0 $?
"$bin" check -q --auth-token s3cret-token-0123456789 --load-into "$IDSD_URL" "${valid[@]}" >"$work/text"
expect_rc "--auth-token" 0 $?
"$bin" check -q --auth-token 'bad token' --load-into "$IDSD_URL" "$cases/attribute" >/dev/null 2>&1
expect_rc "a token with a space is refused" 2 $?
stop_ok "token"

# ---- a full server: the files over capacity fail, the others load ----
start_idsd "$bin" --max-sessions 5 || exit 1
"$bin" check --format json --jobs 2 --load-into "$IDSD_URL" "$cases/attribute" >"$work/json" 2>/dev/null
expect_rc "server at --max-sessions" 2 $?
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["summary"]; assert s["loaded"]==5 and s["failed"]==s["files"]-5, s' "$work/json"; then
  ok "capacity: 5 loaded, the rest failed"
else
  fail "capacity: $(tail -1 "$work/json")"
fi
stop_ok "capacity"

echo "1..$n"
[ "$failures" -eq 0 ]
