#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a few seconds on its committed
# seeds: the smoke test of the test command. It catches a target that no
# longer builds, a seed that now crashes, and a crash the first mutations
# find. Nothing is written into fuzz/corpus/ (new inputs go to a
# temporary folder that is removed). Skips, saying why, when clang or
# libFuzzer's runtime is missing.
#
#     fuzz/smoke.sh [SECONDS-PER-TARGET]     (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
if ! command -v clang >/dev/null; then
  echo "fuzz smoke: skipped (no clang; scripts/install-deps.sh --fuzz installs it)"
  exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >"$probe/p.c"
if ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
  echo "fuzz smoke: skipped (no libFuzzer runtime; scripts/install-deps.sh --fuzz installs it)"
  exit 0
fi

jobs=$(nproc 2>/dev/null || echo 2)
build=build-fuzz
# The same configuration as fuzz/run.sh, so the two share one build (the
# sources are compiled with -Werror by clang in the test command's first
# stage already).
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDSD_FUZZ=ON \
  -DIDSD_WERROR=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target fuzz_all >"$probe/build.log" 2>&1 ||
  { tail -n 40 "$probe/build.log"; exit 1; }

for src in fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  name=${name#fuzz_}
  work="$probe/corpus-$name"
  mkdir -p "$work"
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10
        -artifact_prefix="$probe/" -print_final_stats=1)
  [ -f "fuzz/$name.dict" ] && args+=(-dict="fuzz/$name.dict")
  if ! "$build/fuzz/fuzz_$name" "${args[@]}" "$work" "fuzz/corpus/$name" \
       >"$probe/$name.log" 2>&1; then
    echo "fuzz smoke: $name FAILED"
    grep -E "ERROR|SUMMARY|==[0-9]+==" "$probe/$name.log" | head -n 20
    for crash in "$probe"/crash-* "$probe"/leak-* "$probe"/timeout-*; do
      [ -f "$crash" ] && mkdir -p "$build/artifacts/$name" &&
        cp "$crash" "$build/artifacts/$name/" &&
        echo "kept $build/artifacts/$name/$(basename "$crash")"
    done
    exit 1
  fi
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$probe/$name.log")
  cov=$(grep -oE "cov: [0-9]+ ft: [0-9]+" "$probe/$name.log" | tail -n 1)
  echo "fuzz smoke: $name ok (${runs:-?} runs, $cov)"
done
