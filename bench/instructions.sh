#!/usr/bin/env bash
# Instructions per HTTP call of this tree against another commit, counted
# by callgrind: unlike req/s and CPU time, the count does not move with the
# machine's other load, so it separates what a change costs the ordinary
# call from noise. Builds REF's and this tree's idsd (RelWithDebInfo) into
# a temporary folder, runs each under callgrind with one epoll thread
# (--threads 0), drives it with bench_http (loop and get_ids_info, both
# wires, 4 clients), and divides the server's instructions, less those of
# an idle start and stop, by the HTTP responses it sent (from /metrics, the
# scrape itself taken off). With --functions it also prints, per figure,
# the functions whose inclusive count per call differs most.
#
#   bench/instructions.sh [REF] [SECONDS] [--functions]
#
# Needs valgrind (scripts/install-deps.sh --bench) and build-bench (make
# bench) for bench_http.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
ref=${1:-main}; secs=${2:-20}; functions=0
[ "${3:-}" = "--functions" ] && functions=1
gen="$root/build-bench/bench/bench_http"
[ -x "$gen" ] || { echo "bench/instructions.sh: $gen missing (make bench)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench/instructions.sh: valgrind missing" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/idsd-instr-XXXXXX")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
say() { echo "[instructions] $*" >&2; }

build() { # NAME TREEISH
  mkdir -p "$work/src-$1"
  if [ "$2" = "." ]; then
    (cd "$root" && git ls-files -z | xargs -0 tar -c) | tar -x -C "$work/src-$1"
  else
    git -C "$root" archive "$2" | tar -x -C "$work/src-$1"
  fi
  cmake -S "$work/src-$1" -B "$work/build-$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$work/build-$1" -j 2 --target idsd >/dev/null
}
say "building $ref ($(git -C "$root" rev-parse --short "$ref")) and this tree"
build old "$ref"
build new .

# serve NAME OUT: starts NAME's idsd under callgrind; sets URL and pid.
serve() {
  # LD_BIND_NOW: symbols bound at start (the idle run's share), not at
  # their first call inside the measured run, where a short run would
  # count them per call.
  LD_BIND_NOW=1 valgrind --tool=callgrind --callgrind-out-file="$2" \
    "$work/build-$1/idsd" serve --listen 127.0.0.1:0 --threads 0 --log-level error \
    >"$work/out" 2>"$work/err" &
  pid=$!
  URL=""
  for _ in $(seq 600); do
    URL=$(sed -n 's/^listening on //p' "$work/out" | head -1)
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  cat "$work/err" >&2; exit 1
}
stop() {
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
total() { # callgrind file: the program's total instructions
  sed -n 's/^summary: //p; s/^totals: //p' "$1" | head -1 | awk '{print $1}'
}
responses() { # URL: HTTP responses so far, less the scrape being answered
  curl -s "${1%/mcp}/metrics" |
    awk '/^idsd_http_responses_total/ {s += $2} END {print s + 0}'
}

: >"$work/rows"
for side in old new; do
  say "$side: idle start and stop"
  serve "$side" "$work/$side-idle.cg"; stop
  idle=$(total "$work/$side-idle.cg")
  for wire in legacy modern; do
    for mode in loop info; do
      say "$side: $mode $wire, $secs s"
      serve "$side" "$work/$side-$mode-$wire.cg"
      "$gen" --url "$URL" --mode $mode --wire $wire --clients 4 --duration "$secs" \
        --warmup 0 >/dev/null
      n=$(responses "$URL")
      stop
      ir=$(total "$work/$side-$mode-$wire.cg")
      echo "$side $mode/$wire $n $(( (ir - idle) / n ))" >>"$work/rows"
    done
  done
done

mkdir -p "$here/results"
keep="$here/results/instructions-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir "$keep"
cp "$work"/*.cg "$work/rows" "$keep"/
say "callgrind files: $keep"
python3 - "$work/rows" "$ref" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
per = {}
for side, key, n, ir in rows:
    per.setdefault(key, {})[side] = (int(n), int(ir))
print(f"| figure | {sys.argv[2]} instructions/call | this | this / {sys.argv[2]} |")
print("|---|---|---|---|")
for key, v in per.items():
    o, t = v["old"][1], v["new"][1]
    print(f"| {key} | {o:,} | {t:,} | {t / o:.3f} |")
PY

if [ "$functions" = 1 ]; then
  for f in loop-legacy loop-modern info-legacy info-modern; do
    echo
    echo "## $f: inclusive instructions per call, largest differences"
    for side in old new; do
      n=$(awk -v k="${f/-//}" -v s=$side '$1 == s && $2 == k {print $3}' "$work/rows")
      callgrind_annotate --inclusive=yes --threshold=100 "$work/$side-$f.cg" 2>/dev/null |
        awk -v n="$n" -v s=$side '/^ *[0-9,]+ .*:/ {
          c = $1; gsub(",", "", c); $1 = ""; sub(/^ */, ""); sub(/ \[.*$/, ""); sub(/ \([0-9,]+x\)$/, "")
          sub(/^.*:/, ""); printf "%s\t%s\t%.0f\n", s, $0, c / n }'
    done | python3 -c '
import sys
v = {}
for line in sys.stdin:
    s, fn, c = line.rstrip("\n").split("\t")
    v.setdefault(fn, {})[s] = float(c)
d = sorted(((x.get("new", 0) - x.get("old", 0), fn, x) for fn, x in v.items()),
           key=lambda t: -abs(t[0]))
for diff, fn, x in d[:25]:
    print("%+10.0f  old %10.0f  new %10.0f  %s" % (diff, x.get("old", 0), x.get("new", 0), fn))
'
  done
fi
