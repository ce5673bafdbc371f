#!/usr/bin/env bash
# The abuse run: one idsd on a free loopback port, first quiet, then under
# attack at once by 2,000 slowloris connections, an initialize flood, a
# pattern bomb and a blocked session with calls queued behind it; an
# ordinary client on its own session measures get_ids_info (bench_http
# --mode info, 1 client, each wire) and a probe measures /healthz, both
# times. Prints one JSON line per measurement and a table. Bounded: about
# 4 x SECONDS plus half a minute of set-up; loopback only; everything
# started is stopped on exit.
#
#   bench/abuse/run.sh [SECONDS]      (default 10 per measurement)
#
# Uses build-bench (make bench). The server runs with the settings
# README.md gives for a public deployment, scaled to this machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs=${1:-10}
bb="$root/build-bench"
idsd="$bb/idsd"; gen="$bb/bench/bench_http"
for b in "$idsd" "$gen"; do
  [ -x "$b" ] || { echo "bench/abuse/run.sh: $b missing (make bench)" >&2; exit 2; }
done
# 2,000 attack sockets on each side, plus the rest.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 8192 ]; then
  ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4200 ] ||
  { echo "bench/abuse/run.sh: ulimit -n $(ulimit -n) is too low for 2,000 connections" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/idsd-abuse-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
say() { echo "[abuse] $*" >&2; }

"$idsd" serve --listen 127.0.0.1:0 --log-level error --max-connections 4096 \
  --max-connections-per-ip 256 --request-timeout 10s --session-rate 600 \
  --max-memory 2G >"$work/idsd.out" 2>"$work/idsd.err" &
srv=$!; pids+=("$srv")
url=""
for _ in $(seq 200); do
  url=$(sed -n 's/^listening on //p' "$work/idsd.out" | head -1)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { cat "$work/idsd.err"; exit 1; }
port=${url#http://127.0.0.1:}; port=${port%%/*}

# measure TAG: the ordinary client on both wires, and the probe, at once.
measure() {
  local tag=$1 wire
  python3 "$here/attack.py" probe --port "$port" --seconds $((secs * 2 + 1)) >"$work/probe.json" &
  local pp=$!
  for wire in modern legacy; do
    echo "{\"phase\":\"$tag\",\"figure\":\"get_ids_info/$wire\",\"result\":$("$gen" --url "$url" --mode info --wire $wire --clients 1 --duration "$secs" --warmup 0.5)}"
  done
  wait $pp
  echo "{\"phase\":\"$tag\",\"figure\":\"healthz\",\"result\":$(cat "$work/probe.json")}"
}

say "quiet: $secs s per wire"
measure quiet >"$work/results.jsonl"
say "attack: slowloris 2000, initialize flood, pattern bomb, blocked session with 16 queued calls"
attack_secs=$((secs * 2 + 10))
for role in "slowloris 2000" flood bomb "blocked 16"; do
  # shellcheck disable=SC2086
  python3 "$here/attack.py" $role --port "$port" --seconds $attack_secs >>"$work/attackers.jsonl" &
  pids+=("$!")
done
sleep 8   # the slowloris connections open, the blocked session fills up
measure attack >>"$work/results.jsonl"
for p in "${pids[@]:1}"; do wait "$p" 2>/dev/null || true; done
pids=("$srv")
cat "$work/results.jsonl" "$work/attackers.jsonl"
python3 - "$work/results.jsonl" "${url%/mcp}/metrics" <<'PY'
import json, sys, urllib.request
rows = [json.loads(l) for l in open(sys.argv[1])]
print("\n| phase | figure | requests | p50 | p99 | max |\n|---|---|---|---|---|---|")
for r in rows:
    d = r["result"]
    if r["figure"] == "healthz":
        print("| %s | /healthz, every 50 ms | %d (%d failed) | %.2f ms | %.2f ms | %.2f ms |" % (
            r["phase"], d["requests"], d["failed"], d["p50_ms"], d["p99_ms"], d["max_ms"]))
    else:
        print("| %s | %s, 1 client | %d (%d errors) | %.2f ms | %.2f ms | %.2f ms |" % (
            r["phase"], r["figure"], d["requests"], d["errors"], d["p50_us"] / 1000,
            d["p99_us"] / 1000, d["max_us"] / 1000))
m = urllib.request.urlopen(sys.argv[2]).read().decode()
keep = ("idsd_http_connections_cut_total", "idsd_refused_total", "idsd_process_resident_bytes",
        "idsd_allocator_free_bytes", "idsd_sessions_live ")
print("\nserver after the run:")
for line in m.splitlines():
    if line.startswith(keep):
        print("  " + line)
PY
