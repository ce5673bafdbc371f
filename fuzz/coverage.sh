#!/usr/bin/env bash
# Replays the working corpus of one fuzz target (build-fuzz/corpus/NAME, as
# fuzz/run.sh left it) through a build with clang's source-based coverage
# and prints the line and branch coverage of the sources it exercises.
#
#     fuzz/coverage.sh TARGET [SOURCE-FILTER-REGEX]
#     fuzz/coverage.sh step 'src/ifc/step'
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: fuzz/coverage.sh TARGET [SOURCE-FILTER-REGEX]" >&2
  exit 2
fi
name=$1
filter=${2:-src/}
work="build-fuzz/corpus/$name"
if [ ! -d "$work" ]; then
  echo "no corpus at $work: run fuzz/run.sh $name SECONDS first" >&2
  exit 2
fi
scripts/install-deps.sh --fuzz

build=build-fuzz-cov
CC=clang CFLAGS="-fprofile-instr-generate -fcoverage-mapping" \
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DIDSD_FUZZ=ON -DIDSD_WERROR=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "fuzz_${name}" >/dev/null
rm -f "$build"/*.profraw
LLVM_PROFILE_FILE="$build/$name-%p.profraw" "$build/fuzz/fuzz_${name}" -runs=0 "$work" \
  >/dev/null 2>&1
llvm-profdata merge -sparse "$build"/*.profraw -o "$build/$name.profdata"
sources=$(find src -name '*.c' | grep -E "$filter" | sort)
# shellcheck disable=SC2086
llvm-cov report "$build/fuzz/fuzz_${name}" -instr-profile="$build/$name.profdata" $sources
