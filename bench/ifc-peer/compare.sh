#!/usr/bin/env bash
# idsd against the peer IDS checker (ThatOpen's @thatopen/components,
# pinned here) on the buildingSMART pass/fail test cases, side by side:
# per case the peer's time and verdict (peer.mjs) and idsd's time
# (bench_ifc_cases), then the summary: verdicts right, total and median
# per-case times, and how many times faster idsd is. Not part of the test
# command.
#
#   bench/ifc-peer/compare.sh [--peer-json FILE] [--repeat N]
#
# --peer-json reuses a peer run (node peer.mjs CASES --json FILE), which
# takes minutes; without it the peer runs now. The full table goes to
# bench/results/ifc-peer-<date>.json. IDSD_SHARED_IDS names the folder with
# testcases/ (default ../shared/ids next to the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${IDSD_SHARED_IDS:-$root/../shared/ids}"
cases="$shared/testcases"
peer_json=""; repeat=5
while [ $# -gt 0 ]; do
  case $1 in
    --peer-json) peer_json=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "usage: compare.sh [--peer-json FILE] [--repeat N]" >&2; exit 2 ;;
  esac
done
[ -d "$cases" ] || { echo "compare.sh: no test cases at $cases (set IDSD_SHARED_IDS)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "compare.sh: python3 is needed" >&2; exit 2; }

bb="$root/build-bench"
if [ ! -x "$bb/bench/bench_ifc_cases" ]; then
  (cd "$root" && cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null &&
   cmake --build build-bench -j2 --target bench_ifc_cases >/dev/null)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/idsd-peer-XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [ -z "$peer_json" ]; then
  command -v node >/dev/null || { echo "compare.sh: node is needed for the peer" >&2; exit 2; }
  [ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
  peer_json="$work/peer.json"
  echo "running the peer over $(find "$cases" -name 'pass-*.ids' -o -name 'fail-*.ids' | wc -l) cases (minutes)..." >&2
  node "$here/peer.mjs" "$cases" --json "$peer_json" >"$work/peer.log"
fi
"$bb/bench/bench_ifc_cases" --repeat "$repeat" "$cases" >"$work/idsd.jsonl"

mkdir -p "$root/bench/results"
out="$root/bench/results/ifc-peer-$(date -u +%Y%m%dT%H%M%SZ).json"
python3 - "$peer_json" "$work/idsd.jsonl" "$out" <<'PY'
import json, statistics, sys
peer = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
idsd = {l["case"]: l for l in lines if "case" in l}
isum = next(l["summary"] for l in lines if "summary" in l)
rows = []
for c in peer["cases"]:
    i = idsd.get(c["case"])
    if i is None:
        continue
    rows.append({"case": c["case"], "expected": c["expected"], "peer_verdict": c["verdict"],
                 "peer_right": c["right"], "peer_ms": c["total_ms"], "idsd_ms": i["ms"],
                 "idsd_cpu_ms": i["cpu_ms"], "ratio": c["total_ms"] / i["ms"] if i["ms"] > 0 else None,
                 "peer_cpu_ms": c.get("cpu_ms"),
                 "cpu_ratio": c["cpu_ms"] / i["cpu_ms"] if c.get("cpu_ms") and i["cpu_ms"] > 0 else None})
ratios = [r["ratio"] for r in rows if r["ratio"]]
pt = sum(r["peer_ms"] for r in rows); it = sum(r["idsd_ms"] for r in rows)
summary = {
    "cases": len(rows),
    "peer": peer["summary"]["checker"],
    "peer_right": sum(r["peer_right"] for r in rows),
    "peer_errors": sum(r["peer_verdict"] == "error" for r in rows),
    "peer_total_ms": pt, "peer_median_ms": statistics.median(r["peer_ms"] for r in rows),
    "peer_convert_ms": peer["summary"]["convert_ms"], "peer_load_ms": peer["summary"]["load_ms"],
    "peer_check_ms": peer["summary"]["check_ms"],
    "idsd_what": isum["what"],
    "idsd_right": isum.get("right"),
    "idsd_total_ms": it, "idsd_median_ms": statistics.median(r["idsd_ms"] for r in rows),
    "faster_total": pt / it if it else None,
    "faster_median_case": statistics.median(ratios) if ratios else None,
    "faster_min_case": min(ratios) if ratios else None,
}
cr = [r["cpu_ratio"] for r in rows if r["cpu_ratio"]]
if cr:
    pc = sum(r["peer_cpu_ms"] for r in rows); ic = sum(r["idsd_cpu_ms"] for r in rows)
    summary.update({"peer_cpu_total_ms": pc, "idsd_cpu_total_ms": ic, "faster_cpu_total": pc / ic,
                    "faster_cpu_median_case": statistics.median(cr), "faster_cpu_min_case": min(cr)})
json.dump({"summary": summary, "cases": rows}, open(sys.argv[3], "w"), indent=1)
print(f"{'case':<88} {'peer ms':>9} {'verdict':>8} {'idsd ms':>9} {'x faster':>9}")
for r in rows:
    print(f"{r['case'][:88]:<88} {r['peer_ms']:9.1f} {r['peer_verdict'] + ('' if r['peer_right'] else '!'):>8} "
          f"{r['idsd_ms']:9.4f} {r['ratio']:9.0f}")
s = summary
print(f"\n{s['cases']} cases. Peer ({s['peer']}): {s['peer_right']} verdicts right "
      f"({s['peer_errors']} crashes), {s['peer_total_ms']:.0f} ms in all, median {s['peer_median_ms']:.1f} ms "
      f"per case (convert {s['peer_convert_ms']:.0f}, load {s['peer_load_ms']:.0f}, check {s['peer_check_ms']:.0f} ms).")
verdicts = f"{s['idsd_right']} verdicts right, " if s["idsd_right"] is not None else ""
print(f"idsd ({s['idsd_what']}): {verdicts}{s['idsd_total_ms']:.2f} ms in all, median {s['idsd_median_ms']:.4f} ms per case.")
print(f"idsd is {s['faster_total']:.0f}x faster in total; per case median {s['faster_median_case']:.0f}x, "
      f"slowest case {s['faster_min_case']:.0f}x (goal: 50x).")
if "faster_cpu_total" in s:
    print(f"CPU time (the peer's every thread): peer {s['peer_cpu_total_ms']:.0f} ms, idsd "
          f"{s['idsd_cpu_total_ms']:.2f} ms; {s['faster_cpu_total']:.0f}x in total, per case median "
          f"{s['faster_cpu_median_case']:.0f}x, slowest case {s['faster_cpu_min_case']:.0f}x.")
print(f"table: {sys.argv[3]}")
PY
