#!/usr/bin/env bash
# Per-call figures of this tree against another commit (default main):
# builds that commit's idsd into a temporary folder (git archive, Release),
# starts both servers on free loopback ports and runs, interleaved so both
# see the same machine, bench_http's authoring loop and get_ids_info at
# 1, 16 and 64 clients on both wires, RUNS times (default 3). Prints the
# medians and this tree's req/s as a share of the other's.
#
#   bench/compare.sh [REF] [RUNS] [SECONDS]
#
# Uses build-bench (make bench) for this tree's idsd and the generator.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
ref=${1:-main}; runs=${2:-3}; secs=${3:-4}
bb="$root/build-bench"
idsd="$bb/idsd"; gen="$bb/bench/bench_http"
for b in "$idsd" "$gen"; do
  [ -x "$b" ] || { echo "bench/compare.sh: $b missing (make bench)" >&2; exit 2; }
done
work="$(mktemp -d "${TMPDIR:-/tmp}/idsd-compare-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
say() { echo "[compare] $*" >&2; }

say "building $ref ($(git -C "$root" rev-parse --short "$ref"))"
mkdir "$work/src"
git -C "$root" archive "$ref" | tar -x -C "$work/src"
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j 2 --target idsd >/dev/null

# start NAME BIN: sets URL.
start() {
  "$2" serve --listen 127.0.0.1:0 --log-level error >"$work/$1.out" 2>"$work/$1.err" &
  pids+=("$!")
  URL=""
  for _ in $(seq 200); do
    URL=$(sed -n 's/^listening on //p' "$work/$1.out" | head -1)
    [ -n "$URL" ] && return 0
    sleep 0.05
  done
  cat "$work/$1.err"; exit 1
}
start new "$idsd"; new=$URL; new_pid=${pids[-1]}
start old "$work/build/idsd"; old=$URL; old_pid=${pids[-1]}
# cpu_ticks PID: user + system clock ticks of the process so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

: >"$work/r.jsonl"
for run in $(seq "$runs"); do
  for wire in legacy modern; do
    for mode in loop info; do
      for c in 1 16 64; do
        for side in old new; do
          u=$old; p=$old_pid; [ $side = new ] && { u=$new; p=$new_pid; }
          say "run $run: $mode $wire $c clients, $side"
          t0=$(cpu_ticks $p)
          r=$("$gen" --url "$u" --mode $mode --wire $wire --clients $c --duration "$secs" --warmup 1)
          t1=$(cpu_ticks $p)
          echo "{\"side\":\"$side\",\"key\":\"$mode/$wire/$c\",\"cpu_ticks\":$(( t1 - t0 )),\"hz\":$hz,\"secs\":$(( secs + 1 )),\"r\":$r}" >>"$work/r.jsonl"
        done
      done
    done
  done
done
mkdir -p "$here/results"
raw="$here/results/compare-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
cp "$work/r.jsonl" "$raw"
say "raw results: $raw"
python3 - "$work/r.jsonl" "$ref" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = []
for r in rows:
    if r["key"] not in keys:
        keys.append(r["key"])
def med(side, key, f):
    return statistics.median(r["r"][f] for r in rows if r["side"] == side and r["key"] == key)
ref = sys.argv[2]
# Server CPU per call: the server's user + system time over the warm-up
# and the measurement, over the calls at the measured rate for that time.
# Less sensitive to other load on the machine than req/s.
def cpu_us(side, key):
    v = [r["cpu_ticks"] / r["hz"] / max(1.0, r["r"]["rps"] * r["secs"]) * 1e6
         for r in rows if r["side"] == side and r["key"] == key]
    return statistics.median(v)
print("\n| figure | %s req/s | this req/s | this / %s | %s CPU/call | this CPU/call | this / %s | %s p99 | this p99 |" % (ref, ref, ref, ref, ref))
print("|---|---|---|---|---|---|---|---|---|")
for k in keys:
    o, n = med("old", k, "rps"), med("new", k, "rps")
    co, cn = cpu_us("old", k), cpu_us("new", k)
    print("| %s | %.0f | %.0f | %.2f | %.1f µs | %.1f µs | %.2f | %.2f ms | %.2f ms |" % (
        k, o, n, n / o if o else 0, co, cn, cn / co if co else 0,
        med("old", k, "p99_us") / 1000, med("new", k, "p99_us") / 1000))
PY
