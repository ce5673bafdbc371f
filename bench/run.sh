#!/usr/bin/env bash
# The benchmark harness: builds the Release tree (make bench), starts idsd
# (and the fixed-answer server) on free loopback ports, runs every
# measurement RUNS times, prints one table of medians with the machine and
# writes bench/results/results-<date>.json. Not part of the test command.
#
#   bench/run.sh            full run (about 4 minutes on 2 cores)
#   bench/run.sh --quick    one short run of everything, to smoke-test
#   bench/run.sh --no-build use build-bench as it is
#
# IDSD_SHARED_IDS names the folder with testcases/ and ids.xsd (default
# ../shared/ids next to the repository). Only 127.0.0.1 is ever used;
# everything started is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
quick=0; build=1
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: bench/run.sh [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done
if [ $quick -eq 1 ]; then
  RUNS=1; DUR=1; WARM=0.3; SCALE="1000 10000"; REAP_N=10000; REAP_TTL=3s; REPEAT=5
else
  RUNS=3; DUR=4; WARM=1; SCALE="1000 10000 100000"; REAP_N=100000; REAP_TTL=12s; REPEAT=30
fi
shared="${IDSD_SHARED_IDS:-$root/../shared/ids}"
bb="$root/build-bench"
idsd="$bb/idsd"; gen="$bb/bench/bench_http"; fixed="$bb/bench/bench_fixed_server"
floor="$bb/bench/bench_check_floor"
command -v python3 >/dev/null || { echo "bench/run.sh: python3 is needed" >&2; exit 2; }
if [ $build -eq 1 ]; then (cd "$root" && make bench >/dev/null); fi
for b in "$idsd" "$gen" "$fixed" "$floor"; do
  [ -x "$b" ] || { echo "bench/run.sh: $b missing (make bench)" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/idsd-bench-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
out="$work/results.jsonl"; : >"$out"

# start NAME CMD... : runs a server printing "listening on URL"; sets URL, PID.
start() {
  local name=$1; shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  PID=$!; pids+=("$PID")
  for _ in $(seq 200); do
    URL=$(sed -n 's/^listening on //p' "$work/$name.out" 2>/dev/null | head -1)
    [ -n "$URL" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench/run.sh: $name did not start"; cat "$work/$name.err"; exit 1
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# emit KEY JSON : one result line tagged with its figure.
emit() { python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["key"]=sys.argv[1]; print(json.dumps(d))' "$1" "$2" >>"$out"; }
say() { echo "[bench] $*" >&2; }

# ---- 1 + 6: HTTP loop, get_ids_info vs the fixed-answer limit ----
start idsd "$idsd" serve --listen 127.0.0.1:0 --log-level error
srv=$PID; srv_url=$URL
start fixed "$fixed"
fx=$PID; fx_url=$URL
for run in $(seq $RUNS); do
  for wire in legacy modern; do
    for c in 1 16 64; do
      say "run $run: loop $wire $c clients"
      emit "loop/$wire/$c" "$("$gen" --url "$srv_url" --mode loop --wire $wire --clients $c --duration $DUR --warmup $WARM)"
    done
    # Interleaved, so both see the same machine state.
    say "run $run: get_ids_info $wire 16 clients, idsd and the fixed server"
    emit "info/$wire/16" "$("$gen" --url "$srv_url" --mode info --wire $wire --clients 16 --duration $DUR --warmup $WARM)"
    emit "fixed/$wire/16" "$("$gen" --url "$fx_url" --mode info --wire $wire --clients 16 --duration $DUR --warmup $WARM)"
  done
done
stop $srv; stop $fx

# ---- 7: the catalogue a model reads (tools/list bytes per wire) ----
say "catalogue: tools/list over stdio (legacy) and 2026-07-28 HTTP"
start idsd-catalogue "$idsd" serve --listen 127.0.0.1:0 --log-level error
cat_srv=$PID
emit "catalogue" "$(python3 - "$idsd" "$URL" <<'EOF'
import json, subprocess, sys, urllib.request
idsd, url = sys.argv[1], sys.argv[2]
init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
lines = subprocess.run([idsd, "serve", "--stdio", "--log-level", "error"], capture_output=True, text=True,
                       input=json.dumps(init) + "\n" + json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}) + "\n").stdout.splitlines()
tools = json.loads(lines[1])["result"]["tools"]
size = lambda t: len(json.dumps(t, separators=(",", ":"), ensure_ascii=False).encode())
meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"}}
req = urllib.request.Request(url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": meta}}).encode(),
                             headers={"content-type": "application/json", "accept": "application/json, text/event-stream",
                                      "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list"})
modern = json.loads(urllib.request.urlopen(req).read())["result"]["tools"]
print(json.dumps({"tools": len(tools), "legacy_bytes": size(tools), "modern_bytes": size(modern),
                  "largest": max(size(t) for t in tools + modern)}))
EOF
)"
stop $cat_srv

# ---- 2: stdio, one client ----
for run in $(seq $RUNS); do
  say "run $run: stdio loop"
  emit "stdio/1" "$("$gen" --mode stdio --idsd "$idsd" --duration $DUR --warmup $WARM)"
done

# ---- 3: session scale ----
for run in $(seq $RUNS); do
  for n in $SCALE; do
    say "run $run: $n sessions"
    start scale "$idsd" serve --listen 127.0.0.1:0 --log-level error --max-sessions 200000 \
      --session-rate 1000000
    before=$(rss_kb $PID)
    res=$("$gen" --url "$URL" --mode create --sessions $n --clients 16)
    sleep 0.2
    after=$(rss_kb $PID)
    emit "scale/$n" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(rss_before_kb=int(sys.argv[2]), rss_kb=int(sys.argv[3])); print(json.dumps(d))' "$res" "$before" "$after")"
    stop $PID
  done
done

# ---- 4: the loop while the reaper evicts REAP_N idle sessions ----
# The TTL is longer than creating the sessions takes, so eviction starts
# after creation ended and the loop (4 clients, whose own sessions stay
# active) runs through all of it.
for run in $(seq $RUNS); do
  say "run $run: reaper, $REAP_N idle sessions, idle TTL $REAP_TTL"
  start reap "$idsd" serve --listen 127.0.0.1:0 --log-level error --max-sessions 200000 \
    --session-rate 1000000 \
    --idle-ttl $REAP_TTL --reap-interval 100ms
  "$gen" --url "$URL" --mode create --sessions $REAP_N --clients 16 >/dev/null
  emit "reaper/$REAP_N" "$("$gen" --url "$URL" --mode loop --wire modern --clients 4 --warmup 0 --duration 120 --until-evicted $REAP_N)"
  stop $PID
done

# ---- 5: idsd check on all cores vs the libxml2 floor ----
find "$shared/testcases" -name '*.ids' | LC_ALL=C sort >"$work/list1"
for _ in $(seq $REPEAT); do cat "$work/list1"; done >"$work/list"
cores=$(nproc)
for run in $(seq $RUNS); do
  say "run $run: check floor, idsd check --jobs $cores and --jobs 1"
  fl=$("$floor" --xsd "$shared/ids.xsd" --repeat $REPEAT - <"$work/list1")
  # Exit 1: the test cases hold a few invalid files.
  ck=$("$idsd" check -q --jobs "$cores" --xsd "$shared/ids.xsd" - <"$work/list" | tail -1) || true
  # One worker too: how much of the ratio is per-file work and how much
  # the second core (on a shared VM two cores do not always scale).
  ck1=$("$idsd" check -q --jobs 1 --xsd "$shared/ids.xsd" - <"$work/list" | tail -1) || true
  emit "batch" "$(python3 - "$fl" "$ck" "$ck1" <<'EOF'
import json, re, sys
f = re.search(r"floor: (\d+) files.*, ([\d.]+) ms, (\d+) files/s", sys.argv[1])
c = re.search(r"^(\d+) files: .*; ([\d.]+) ms \((\d+) files/s\)", sys.argv[2])
c1 = re.search(r"^(\d+) files: .*; ([\d.]+) ms \((\d+) files/s\)", sys.argv[3])
print(json.dumps({"files": int(f.group(1)), "floor_ms": float(f.group(2)),
                  "floor_fps": int(f.group(3)), "check_ms": float(c.group(2)),
                  "check_fps": int(c.group(3)), "check1_fps": int(c1.group(3))}))
EOF
)"
done

# ---- the table and the result file ----
mkdir -p "$here/results"
result="$here/results/results-$(date +%Y%m%d-%H%M%S).json"
python3 - "$out" "$result" "$cores" "$quick" "$RUNS" <<'EOF'
import json, statistics, sys, platform
rows = [json.loads(l) for l in open(sys.argv[1])]
result_path, cores, quick, runs = sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1", int(sys.argv[5])
by = {}
for r in rows:
    by.setdefault(r["key"], []).append(r)
def med(key, field):
    v = [r[field] for r in by.get(key, []) if field in r]
    return statistics.median(v) if v else float("nan")
mem = next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal:"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
machine = f"{cores} cores ({cpu}), {int(mem) / 1048576:.1f} GiB RAM, {platform.system()} {platform.release()}"
lines = [f"machine: {machine}; median of {runs} run(s){' (quick)' if quick else ''}", ""]
lines.append("| figure | req/s | p50 | p99 | errors | note |")
lines.append("|---|---|---|---|---|---|")
def us(x):
    return f"{x / 1000:.2f} ms" if x >= 1000 else f"{x:.0f} µs"
for wire in ("legacy", "modern"):
    for c in (1, 16, 64):
        k = f"loop/{wire}/{c}"
        if k in by:
            lines.append(f"| HTTP loop, {wire}, {c} client{'' if c == 1 else 's'} | {med(k,'rps'):,.0f} | {us(med(k,'p50_us'))} | {us(med(k,'p99_us'))} | {sum(r['errors'] for r in by[k])} | {med(k,'loops'):,.0f} loops |")
summary = {}
for wire in ("legacy", "modern"):
    i, f = f"info/{wire}/16", f"fixed/{wire}/16"
    if i in by and f in by:
        frac = med(i, "rps") / med(f, "rps")
        summary[f"info_vs_limit_{wire}"] = frac
        lines.append(f"| get_ids_info, {wire}, 16 clients | {med(i,'rps'):,.0f} | {us(med(i,'p50_us'))} | {us(med(i,'p99_us'))} | {sum(r['errors'] for r in by[i])} | **{frac:.2f}** of the limit |")
        lines.append(f"| fixed-answer limit, {wire}, 16 clients | {med(f,'rps'):,.0f} | {us(med(f,'p50_us'))} | {us(med(f,'p99_us'))} | {sum(r['errors'] for r in by[f])} | libmicrohttpd, no work |")
if "stdio/1" in by:
    k = "stdio/1"
    lines.append(f"| stdio loop, 1 client | {med(k,'rps'):,.0f} | {us(med(k,'p50_us'))} | {us(med(k,'p99_us'))} | {sum(r['errors'] for r in by[k])} | {med(k,'loops'):,.0f} loops |")
lines += ["", "| sessions | create time | sessions/s | server RSS | RSS per session |", "|---|---|---|---|---|"]
for k in sorted((k for k in by if k.startswith("scale/")), key=lambda k: int(k.split("/")[1])):
    n = int(k.split("/")[1])
    rss = med(k, "rss_kb") * 1024
    per = (med(k, "rss_kb") - med(k, "rss_before_kb")) * 1024 / n
    summary[f"rss_bytes_{n}"] = rss
    lines.append(f"| {n:,} | {med(k,'seconds'):.2f} s | {n / med(k,'seconds'):,.0f} | {rss / 1048576:.0f} MiB | {per:,.0f} B |")
for k in (k for k in by if k.startswith("reaper/")):
    n = int(k.split("/")[1])
    summary["reaper_p99_us"] = med(k, "p99_us")
    lines += ["", "| reaper under load | eviction took | loop req/s | p50 | p99 | max | p99 before eviction |", "|---|---|---|---|---|---|---|",
              f"| {n:,} idle sessions evicted, 4 clients looping | {med(k,'eviction_seconds'):.2f} s | {med(k,'rps'):,.0f} | {us(med(k,'p50_us'))} | {us(med(k,'p99_us'))} | {us(med(k,'max_us'))} | {us(med(k,'baseline_p99_us'))} |"]
if "batch" in by:
    k = "batch"
    ratio = med(k, "check_fps") / med(k, "floor_fps")
    summary["check_vs_floor"] = ratio
    lines += ["", "| batch | files | files/s | vs floor |", "|---|---|---|---|",
              f"| libxml2 floor, 1 thread | {by[k][0]['files']:,} | {med(k,'floor_fps'):,.0f} | 1.00 |",
              f"| idsd check --jobs 1 | {by[k][0]['files']:,} | {med(k,'check1_fps'):,.0f} | {med(k,'check1_fps') / med(k,'floor_fps'):.2f} |",
              f"| idsd check --jobs {cores} | {by[k][0]['files']:,} | {med(k,'check_fps'):,.0f} | **{ratio:.2f}** |"]
if "catalogue" in by:
    k = by["catalogue"][0]
    summary["tools_list_bytes"] = max(k["legacy_bytes"], k["modern_bytes"])
    lines += ["", "| catalogue | tools | tools/list bytes | ~tokens (bytes/4) | largest tool |", "|---|---|---|---|---|",
              f"| legacy wires (stdio, Mcp-Session-Id) | {k['tools']} | {k['legacy_bytes']:,} | {k['legacy_bytes'] // 4:,} | {k['largest']:,} B |",
              f"| 2026-07-28 HTTP (session_id described) | {k['tools']} | {k['modern_bytes']:,} | {k['modern_bytes'] // 4:,} | |"]
t = []
def target(name, ok, text):
    t.append(f"- {'MET' if ok else 'MISSED'}: {name}: {text}")
for wire in ("legacy", "modern"):
    if f"info_vs_limit_{wire}" in summary:
        v = summary[f"info_vs_limit_{wire}"]; target(f"get_ids_info at 16 clients >= 0.5 of the limit ({wire})", v >= 0.5, f"{v:.2f}")
if "rss_bytes_100000" in summary:
    v = summary["rss_bytes_100000"]; target("100,000 sessions < 2 GiB", v < 2 * 1024**3, f"{v / 1048576:.0f} MiB")
if "reaper_p99_us" in summary:
    v = summary["reaper_p99_us"]; target("p99 < 2 ms while the reaper evicts", v < 2000, us(v))
if "check_vs_floor" in summary:
    v = summary["check_vs_floor"]; target("idsd check >= 1.5 x floor", v >= 1.5, f"{v:.2f}")
if "tools_list_bytes" in summary:
    v = summary["tools_list_bytes"]; target("tools/list <= 25 KB on every wire (specs/tools.md)", v <= 25 * 1024, f"{v:,} B")
lines += ["", "targets:"] + t
print("\n".join(lines))
json.dump({"machine": machine, "cores": cores, "quick": quick, "runs": runs,
           "summary": summary, "results": rows}, open(result_path, "w"), indent=1)
print(f"\nresults: {result_path}")
EOF
