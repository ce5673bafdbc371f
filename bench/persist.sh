#!/usr/bin/env bash
# bench/persist.sh - what durable sessions (--state-dir) cost and how fast
# they come back (specs/persistence.md has the figures and the method).
#
#   1. the authoring loop of bench_http (create_ids, add_specification, an
#      entity and a property facet, get_ids_info, export_ids: four changes
#      in six calls) at 1 and 16 clients, modern wire: in memory, with
#      --state-dir --state-sync normal, with --state-sync full (32 HTTP
#      threads, the default with --state-dir), and with full and --threads 4
#      (the default without: a thread waits out its commit, so fewer
#      threads make smaller groups); calls per second and p99, RUNS runs
#      each, the median;
#   2. the store's own view of the same runs: commits per put (group
#      commit) and the mean commit latency, from /metrics;
#   3. restart: a database of N stored sessions (10,000 and 100,000 rows,
#      each a copy of a real session's row under its own id, written
#      straight into SQLite), then the time from exec to "listening", and
#      the time of the first call on a stored session (its lazy restore);
#   4. bytes of database per stored session.
#
# usage: bench/persist.sh [--quick] [--no-build]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
quick=0; build=1
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: bench/persist.sh [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done
if [ $quick -eq 1 ]; then RUNS=1; DUR=2; WARM=0.5; SCALES="10000"; else RUNS=3; DUR=5; WARM=1; SCALES="10000 100000"; fi
bb="$root/build-bench"
idsd="$bb/idsd"; gen="$bb/bench/bench_http"
command -v python3 >/dev/null || { echo "bench/persist.sh: python3 is needed" >&2; exit 2; }
if [ $build -eq 1 ]; then (cd "$root" && make bench >/dev/null); fi
for b in "$idsd" "$gen"; do
  [ -x "$b" ] || { echo "bench/persist.sh: $b missing (make bench)" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/var/tmp}/idsd-persist-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
say() { echo "[persist] $*" >&2; }

start() {   # name, args...; sets PID, URL, START_MS (exec to listening)
  local name=$1; shift
  local t0; t0=$(date +%s%N)
  "$idsd" serve --listen 127.0.0.1:0 --log-level error "$@" >"$work/$name.out" 2>"$work/$name.err" &
  PID=$!; pids+=("$PID")
  for _ in $(seq 4000); do
    URL=$(sed -n 's/^listening on //p' "$work/$name.out" 2>/dev/null | head -1)
    if [ -n "$URL" ]; then START_MS=$(( ($(date +%s%N) - t0) / 1000000 )); return 0; fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.005
  done
  echo "bench/persist.sh: idsd did not start"; cat "$work/$name.err"; exit 1
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
metric() { curl -s "${URL%/mcp}/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

results="$work/loop.jsonl"; : >"$results"
for run in $(seq $RUNS); do
  for mode in memory normal full full4; do
    args=()
    rm -rf "$work/s-$mode"
    case $mode in
      normal) args=(--state-dir "$work/s-$mode" --state-sync normal) ;;
      full) args=(--state-dir "$work/s-$mode" --state-sync full) ;;
      full4) args=(--state-dir "$work/s-$mode" --state-sync full --threads 4) ;;
    esac
    for c in 1 16; do
      start "loop-$mode-$c" "${args[@]}"
      line=$("$gen" --url "$URL" --mode loop --wire modern --clients "$c" --duration "$DUR" --warmup "$WARM")
      puts=$(metric idsd_store_puts_total); commits=$(metric idsd_store_commits_total)
      csum=$(metric idsd_store_commit_seconds_sum); ccount=$(metric idsd_store_commit_seconds_count)
      stop "$PID"
      python3 - "$line" "$mode" "$c" "${puts:-0}" "${commits:-0}" "${csum:-0}" "${ccount:-0}" >>"$results" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
d.update(mode=sys.argv[2], clients=int(sys.argv[3]), puts=float(sys.argv[4]),
         commits=float(sys.argv[5]), commit_sum=float(sys.argv[6]), commit_count=float(sys.argv[7]))
print(json.dumps(d))
EOF
      say "run $run $mode $c clients: $line"
    done
  done
done

# A real session's row, to copy: the document bench_http's create mode
# leaves (create_ids + add_specification), written through idsd.
start seed --state-dir "$work/seed" --state-sync normal
"$gen" --url "$URL" --mode create --wire modern --clients 1 --sessions 1 >/dev/null
stop "$PID"

restart="$work/restart.jsonl"; : >"$restart"
for n in $SCALES; do
  rm -rf "$work/s-$n"; mkdir -p "$work/s-$n"
  python3 - "$work/seed/idsd.db" "$work/s-$n/idsd.db" "$n" <<'EOF'
import os, sqlite3, sys, time
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
row = sqlite3.connect(src).execute(
    "SELECT version, created_ms, doc, meta, tag FROM sessions WHERE doc IS NOT NULL LIMIT 1").fetchone()
db = sqlite3.connect(dst)
db.executescript(open(os.devnull).read())
now = int(time.time() * 1000)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL,"
           " created_ms INTEGER NOT NULL, access_ms INTEGER NOT NULL, doc BLOB, meta BLOB, tag TEXT)")
db.execute("CREATE INDEX sessions_access ON sessions(access_ms)")
db.execute("PRAGMA user_version = 1")
db.executemany("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
               ((os.urandom(16).hex(), row[0], now, now - i, row[2], row[3], row[4]) for i in range(n)))
db.commit()
ids = [r[0] for r in db.execute("SELECT id FROM sessions ORDER BY random() LIMIT 1")]
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
print(ids[0], file=open(dst + ".probe", "w"))
EOF
  size=$(stat -c %s "$work/s-$n/idsd.db")
  doc=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT length(doc) FROM sessions LIMIT 1').fetchone()[0])" "$work/s-$n/idsd.db")
  probe=$(cat "$work/s-$n/idsd.db.probe")
  sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
  start "restart-$n" --state-dir "$work/s-$n"
  t0=$(date +%s%N)
  curl -s -o "$work/first.json" -X POST "$URL" -H 'content-type: application/json' \
    -H 'accept: application/json, text/event-stream' -H 'mcp-protocol-version: 2026-07-28' \
    -H 'mcp-method: tools/call' -H 'mcp-name: get_ids_info' -H "mcp-param-session: $probe" \
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_ids_info","arguments":{"session_id":"'"$probe"'"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"}}}}'
  first_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  grep -q '"isError":false' "$work/first.json" || { echo "bench/persist.sh: the stored session did not come back"; cat "$work/first.json"; exit 1; }
  stop "$PID"
  echo "{\"sessions\": $n, \"start_ms\": $START_MS, \"first_call_ms\": $first_ms, \"db_bytes\": $size, \"doc_bytes\": $doc}" >>"$restart"
  say "restart with $n stored sessions: listening after ${START_MS} ms, first call ${first_ms} ms, $size bytes"
done

python3 - "$results" "$restart" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("edit loop (bench_http --mode loop, modern wire; 4 of 6 calls change the document), median of runs")
print(f"{'store':<22}{'clients':>8}{'calls/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'vs memory':>10}{'puts/commit':>13}{'commit ms':>11}")
base = {}
for mode, label in (("memory", "memory"), ("normal", "--state-sync normal"),
                    ("full", "--state-sync full"), ("full4", "full, --threads 4")):
    for c in (1, 16):
        rs = [r for r in rows if r["mode"] == mode and r["clients"] == c]
        rps = statistics.median(r["rps"] for r in rs)
        p50 = statistics.median(r["p50_us"] for r in rs) / 1000
        p99 = statistics.median(r["p99_us"] for r in rs) / 1000
        if mode == "memory":
            base[c] = rps
        pc = statistics.median(r["puts"] / r["commits"] for r in rs) if mode != "memory" else 0
        cm = statistics.median(1000 * r["commit_sum"] / r["commit_count"] for r in rs) if mode != "memory" else 0
        extra = f"{pc:>13.1f}{cm:>11.2f}" if mode != "memory" else f"{'-':>13}{'-':>11}"
        print(f"{label:<22}{c:>8}{rps:>10.0f}{p50:>9.2f}{p99:>9.2f}{100 * rps / base[c]:>9.0f}%{extra}")
print()
print("restart (lazy restore)")
print(f"{'stored sessions':>16}{'listening ms':>14}{'first call ms':>15}{'db bytes':>14}{'bytes/session':>15}{'doc bytes':>11}")
for l in open(sys.argv[2]):
    r = json.loads(l)
    print(f"{r['sessions']:>16}{r['start_ms']:>14}{r['first_call_ms']:>15}{r['db_bytes']:>14}{r['db_bytes'] // r['sessions']:>15}{r['doc_bytes']:>11}")
EOF
