#!/usr/bin/env bash
# Measures idsd over HTTP with wrk (apt-get install wrk; not part of the
# test command): for each --threads setting, 64 sessions each holding a
# small IDS, then get_ids_info calls (modern requests) at 8 and 64
# connections. Prints requests/s, p50 and p99 latency, and the server's CPU
# seconds per 1000 calls.
#   usage: bench/http/run.sh path/to/idsd [duration, default 10s]
set -euo pipefail
bin=$1; dur=${2:-10s}
here="$(cd "$(dirname "$0")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
for threads in 0 1 2 4 8; do
  out=$(mktemp)
  "$bin" serve --listen 127.0.0.1:0 --log-level error --threads "$threads" >"$out" &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
  url=$(sed -n 's/^listening on //p' "$out")
  ids=""
  for i in $(seq 64); do
    sid=$(curl -s "$url" -H 'Content-Type: application/json' -H 'MCP-Protocol-Version: 2026-07-28' \
      -H 'Mcp-Method: tools/call' -H 'Mcp-Name: create_ids' \
      -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_ids","arguments":{"title":"bench"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
      | grep -o '"session_id":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
    ids="$ids $sid"
  done
  export IDSD_BENCH_SESSIONS="$ids"
  for conns in 8 64; do
    t0=$(awk '{print $14+$15}' /proc/$pid/stat)
    res=$(wrk -t2 -c$conns -d"$dur" --latency -s "$here/get_ids_info.lua" "$url")
    t1=$(awk '{print $14+$15}' /proc/$pid/stat)
    rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$res" | awk '$1=="50%" {print $2}')
    p99=$(echo "$res" | awk '$1=="99%" {print $2}')
    total=$(echo "$res" | awk '/requests in/ {print $1}')
    cpu=$(awk -v a="$t0" -v b="$t1" -v n="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", (b-a)/hz*1000/n}')
    echo "threads=$threads conns=$conns req/s=$rps p50=$p50 p99=$p99 cpu_s_per_1000=$cpu"
  done
  kill -TERM $pid; wait $pid || true
  rm -f "$out"
done
