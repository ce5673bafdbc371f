#!/usr/bin/env bash
# Builds one libFuzzer target with clang and runs it for a given time.
#
#     fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#     fuzz/run.sh step 600
#     fuzz/run.sh step 60 -runs=1000000
#
# TARGET is the NAME of fuzz/fuzz_NAME.c. The build goes to build-fuzz/
# (clang, -DIDSD_FUZZ=ON). The run works on build-fuzz/corpus/NAME, which
# starts as a copy of the committed seeds (fuzz/corpus/NAME) plus whatever
# fuzz/seed_NAME.sh adds at run time (material that may not be committed)
# and keeps what libFuzzer finds between runs. Crashes go to
# build-fuzz/artifacts/NAME/. fuzz/NAME.dict is used when present. Clang,
# libFuzzer and llvm come from scripts/install-deps.sh --fuzz. `make test`
# runs only fuzz/smoke.sh (each target for a few seconds on its seeds).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
  echo "usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]" >&2
  exit 2
fi
name=$1
seconds=$2
shift 2
if [ ! -f "fuzz/fuzz_${name}.c" ]; then
  echo "no fuzz target fuzz/fuzz_${name}.c" >&2
  exit 2
fi
scripts/install-deps.sh --fuzz

jobs=$(nproc 2>/dev/null || echo 2)
build=build-fuzz
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDSD_FUZZ=ON \
  -DIDSD_WERROR=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "fuzz_${name}" >/dev/null

work="$build/corpus/$name"
artifacts="$build/artifacts/$name/"
mkdir -p "$work" "$artifacts"
if [ -d "fuzz/corpus/$name" ]; then
  cp -n "fuzz/corpus/$name"/* "$work"/ 2>/dev/null || true
fi
if [ -x "fuzz/seed_${name}.sh" ]; then
  "fuzz/seed_${name}.sh" "$work"
fi

args=(-max_total_time="$seconds" -artifact_prefix="$artifacts" -print_final_stats=1
      -rss_limit_mb=2048 -timeout=10)
if [ -f "fuzz/${name}.dict" ]; then
  args+=(-dict="fuzz/${name}.dict")
fi
exec "$build/fuzz/fuzz_${name}" "${args[@]}" "$@" "$work"
