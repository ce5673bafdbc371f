#!/usr/bin/env bash
# bench/scale.sh - several idsd instances sharing sessions through Redis
# (--store redis://, specs/scale-out.md): what a shared store costs and
# what three instances behind HAProxy give on this machine.
#
#   1. the authoring loop of bench_http (create_ids, add_specification, an
#      entity and a property facet, get_ids_info, export_ids: four changes
#      in six calls; modern wire, so each request carries its session in
#      Mcp-Param-Session) at 16 and 64 clients against:
#        mem1    one idsd, sessions in memory;
#        redis1  one idsd --store redis://;
#        redis3  three idsd --store redis:// behind HAProxy
#                (deploy/haproxy.cfg, routing by session);
#      calls per second, p50 and p99; RUNS runs each, the median;
#   2. the per-call Redis cost: one run on redis1 at 16 clients with the
#      server's statistics reset first; Redis commands (round trips) per
#      tool call, Redis CPU microseconds per tool call (INFO commandstats),
#      and idsd's own mean time for a durable put (/metrics).
#
# Redis runs with appendonly yes, appendfsync everysec (the setting of
# specs/scale-out.md), on loopback, on the same machine as everything else.
#
# usage: bench/scale.sh [--quick] [--no-build]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
quick=0; build=1
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: bench/scale.sh [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done
if [ $quick -eq 1 ]; then RUNS=1; DUR=2; WARM=0.5; else RUNS=3; DUR=5; WARM=1; fi
bb="$root/build-bench"
idsd="$bb/idsd"; gen="$bb/bench/bench_http"
for t in python3 redis-server redis-cli haproxy curl; do
  command -v $t >/dev/null || { echo "bench/scale.sh: $t is needed" >&2; exit 2; }
done
if [ $build -eq 1 ]; then (cd "$root" && make bench >/dev/null); fi
for b in "$idsd" "$gen"; do
  [ -x "$b" ] || { echo "bench/scale.sh: $b missing (make bench)" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/var/tmp}/idsd-scale-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
say() { echo "[scale] $*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 400); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.025; done; echo "bench/scale.sh: nothing on port $1" >&2; exit 1; }

rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --dir "$work" --save '' --appendonly yes \
  --appendfsync everysec --loglevel warning >"$work/redis.log" 2>&1 &
pids+=($!)
wait_port "$rport"
until redis-cli -p "$rport" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
rcli() { redis-cli -p "$rport" "$@"; }

started=()
start_idsd() {   # port, extra args...; appends the pid to started
  local port=$1; shift
  "$idsd" serve --listen "127.0.0.1:$port" --log-level error "$@" >"$work/idsd-$port.out" 2>"$work/idsd-$port.err" &
  local pid=$!; pids+=("$pid"); started+=("$pid")
  for _ in $(seq 4000); do
    grep -q '^listening on' "$work/idsd-$port.out" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  echo "bench/scale.sh: idsd did not start"; cat "$work/idsd-$port.err"; exit 1
}
stop_all() {
  for p in "${started[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  started=()
}

setup() {   # config; sets URL and METRICS (the /metrics of the first idsd)
  local p1 p2 p3 lb
  rcli flushall >/dev/null
  case $1 in
    mem1)
      p1=$(free_port); start_idsd "$p1"; URL="http://127.0.0.1:$p1/mcp" ;;
    redis1)
      p1=$(free_port); start_idsd "$p1" --store "redis://127.0.0.1:$rport"; URL="http://127.0.0.1:$p1/mcp" ;;
    redis3)
      p1=$(free_port); p2=$(free_port); p3=$(free_port); lb=$(free_port)
      for p in $p1 $p2 $p3; do start_idsd "$p" --store "redis://127.0.0.1:$rport"; done
      IDSD_LB_BIND="127.0.0.1:$lb" IDSD_1="127.0.0.1:$p1" IDSD_2="127.0.0.1:$p2" IDSD_3="127.0.0.1:$p3" \
        haproxy -db -f "$root/deploy/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
      pids+=($!); started+=($!)
      wait_port "$lb"
      until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$lb/healthz")" = 200 ]; do sleep 0.05; done
      URL="http://127.0.0.1:$lb/mcp" ;;
  esac
  METRICS="http://127.0.0.1:$p1/metrics"
}
metric() { curl -s "$METRICS" | awk -v m="$1" '$1 == m {print $2}'; }

results="$work/loop.jsonl"; : >"$results"
for run in $(seq $RUNS); do
  for cfg in mem1 redis1 redis3; do
    for c in 16 64; do
      setup $cfg
      line=$("$gen" --url "$URL" --mode loop --wire modern --clients "$c" --duration "$DUR" --warmup "$WARM")
      stop_all
      python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(cfg=sys.argv[2]); print(json.dumps(d))' \
        "$line" "$cfg" >>"$results"
      say "run $run $cfg $c clients: $line"
    done
  done
done

# Per-call cost: statistics from zero, no warm-up, so every call counts.
setup redis1
rcli config resetstat >/dev/null
line=$("$gen" --url "$URL" --mode loop --wire modern --clients 16 --duration "$DUR" --warmup 0)
csum=$(metric idsd_store_commit_seconds_sum); ccount=$(metric idsd_store_commit_seconds_count)
gets=$(metric idsd_store_gets_total); puts=$(metric idsd_store_puts_total)
stop_all
rcli info commandstats >"$work/cmdstats"
rcli info stats >"$work/stats"

python3 - "$results" "$line" "$work/cmdstats" "$work/stats" "$csum" "$ccount" "$gets" "$puts" <<'EOF'
import json, re, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("edit loop (bench_http --mode loop, modern wire; 4 of 6 calls change the document), median of runs")
print(f"{'configuration':<34}{'clients':>8}{'calls/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'vs memory':>10}")
labels = {"mem1": "1 idsd, memory", "redis1": "1 idsd, Redis", "redis3": "3 idsd, Redis, HAProxy"}
base = {}
for cfg in ("mem1", "redis1", "redis3"):
    for c in (16, 64):
        rs = [r for r in rows if r["cfg"] == cfg and r["clients"] == c]
        rps = statistics.median(r["rps"] for r in rs)
        p50 = statistics.median(r["p50_us"] for r in rs) / 1000
        p99 = statistics.median(r["p99_us"] for r in rs) / 1000
        errs = sum(r["errors"] for r in rs)
        if cfg == "mem1":
            base[c] = rps
        note = f"  ({errs} errors)" if errs else ""
        print(f"{labels[cfg]:<34}{c:>8}{rps:>10.0f}{p50:>9.2f}{p99:>9.2f}{100 * rps / base[c]:>9.0f}%{note}")
cost = json.loads(sys.argv[2])
calls = cost["requests"] + cost["errors"]
per = {}
for l in open(sys.argv[3]):
    m = re.match(r"cmdstat_(\w+):calls=(\d+),usec=(\d+)", l)
    if m:
        per[m.group(1)] = (int(m.group(2)), int(m.group(3)))
csum, ccount, gets, puts = (float(x or 0) for x in sys.argv[5:9])
# idsd sends EVALSHA (revalidate, put, touch; EVAL when Redis lost the
# script), HMGET (a restore) and DEL (a close) itself; the HGET/HSET/
# PEXPIRE... counted beside them ran inside the scripts, whose time
# already includes theirs.
top = [k for k in ("evalsha", "eval", "del") if k in per]
scripts = [per[k] for k in ("evalsha", "eval") if k in per]
n_scripts = sum(x[0] for x in scripts)
us_scripts = sum(x[1] for x in scripts)
usec = sum(per[k][1] for k in top)
print()
print(f"per-call Redis cost (1 idsd, Redis, 16 clients, {calls} tool calls in {cost['seconds']:.0f} s):")
print(f"  round trips per tool call: {(gets + puts) / calls:.2f} ({gets / calls:.2f} reads: the"
      f" revalidation of every call; {puts / calls:.2f} puts: one per change)")
print(f"  Redis CPU per tool call: {usec / calls:.1f} us ({us_scripts / max(n_scripts, 1):.1f} us"
      f" per script, its commands included)")
if ccount:
    print(f"  a durable put seen from idsd (round trip and script): {1000 * csum / ccount:.3f} ms mean")
EOF
