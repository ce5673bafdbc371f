#!/usr/bin/env bash
# The whole test command (`make test`, and CI): two compilers, Debug and
# Release, warnings as errors, every suite under a sanitizer or valgrind.
#
#   1. clang, Debug (assertions on), AddressSanitizer + UndefinedBehavior-
#      Sanitizer: every suite, unit, integration and lint; the lock-order
#      and lock-owner assertions of src/session run here.
#   2. gcc, RelWithDebInfo: every suite.
#   3. gcc, the same build: the unit suites under valgrind memcheck.
#   4. gcc, ThreadSanitizer: the concurrency suites (only their targets
#      are built).
#   5. gcc, Release (-O3): the whole tree compiled, nothing run; catches
#      the warnings only the optimizer's analysis finds.
#   6. clang, libFuzzer: every target of fuzz/ for a few seconds on its
#      seeds (fuzz/smoke.sh; skipped with a message without libFuzzer).
#
# Stops at the first failing stage; the last line is the summary CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
started=$(date +%s)
stage_started=

# Ends the stage before (printing how long it took) and names the next.
stage() {
  local now
  now=$(date +%s)
  [ -z "$stage_started" ] || echo "   ($((now - stage_started)) s)"
  stage_started=$now
  [ -z "${1:-}" ] || echo "== $1"
}

configure() {             # dir, compiler, build type, extra cmake args...
  local dir=$1 cc type=$3
  cc=$(command -v "$2")
  shift 3
  # A folder configured with another compiler starts over: CMake keeps
  # the first compiler it was given (cc and gcc may be the same one).
  if [ -f "$dir/CMakeCache.txt" ]; then
    local had
    had=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$dir/CMakeCache.txt")
    if [ "$(readlink -f "$had")" = "$(readlink -f "$cc")" ]; then
      cc=$had
    else
      rm -rf "$dir"
    fi
  fi
  cmake -S . -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE="$type" \
        -DIDSD_WERROR=ON "$@" >/dev/null
}

build() {                 # dir, targets...
  local dir=$1; shift
  local log="$dir/build.log" args=()
  for t in "$@"; do args+=(--target "$t"); done
  if ! cmake --build "$dir" -j "$jobs" "${args[@]}" >"$log" 2>&1; then
    echo "---- build in $dir failed; log: $log"
    grep -E "error|warning" "$log" | head -n 40 || tail -n 40 "$log"
    exit 1
  fi
}

total_pass=0
total_fail=0
total_skip=0
# Runs ctest and adds its counts to the totals.
run_ctest() {             # label-for-humans, dir, ctest args...
  local what=$1 dir=$2; shift 2
  local log="$dir/ctest-$what.log"
  echo "== $what"
  local rc=0
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@") >"$log" 2>&1 || rc=$?
  grep -E "tests passed|Test *#|\*\*\*|Failed|SKIPPED|Skipped" "$log" | grep -vE "Passed +[0-9.]+ sec$" || true
  local n_fail n_total n_skip
  n_total=$(grep -oE "out of [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+" || echo 0)
  n_fail=$(grep -oE "[0-9]+ tests failed" "$log" | tail -1 | grep -oE "^[0-9]+" || echo 0)
  n_skip=$(grep -cE "\*\*\*Skipped|Not Run.*Disabled" "$log" || true)
  total_fail=$((total_fail + n_fail))
  total_skip=$((total_skip + n_skip))
  total_pass=$((total_pass + n_total - n_fail - n_skip))
  if [ "$rc" -ne 0 ]; then
    echo "---- $what failed; log: $log"
    tail -n 80 "$log"
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
    exit 1
  fi
}

stage "build (clang, Debug, address,undefined)"
# -O1: a Debug build (no NDEBUG, assertions on) that runs the suites at a
# usable speed under the sanitizers.
configure build-asan clang Debug -DIDSD_SANITIZE=address -DCMAKE_C_FLAGS_DEBUG="-g -O1"
build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest "asan (clang Debug)" build-asan

stage "build (gcc, RelWithDebInfo)"
configure build gcc RelWithDebInfo
build build
run_ctest "plain (gcc RelWithDebInfo)" build -LE memcheck

stage "valgrind memcheck (unit tests)"
run_ctest valgrind build -L memcheck

stage "build (gcc, thread; the concurrency suites)"
configure build-tsan gcc RelWithDebInfo -DIDSD_SANITIZE=thread
mapfile -t tsan_targets < <(cd build-tsan && ctest -N -L concurrency |
                            sed -nE 's/^ *Test +#[0-9]+: (.*)$/\1/p')
build build-tsan "${tsan_targets[@]}"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  run_ctest tsan build-tsan -L concurrency

stage "build (gcc, Release; compile only)"
configure build-release gcc Release
build build-release
echo "compiled: $(find build-release -name '*.o' | wc -l) objects"

stage "fuzz smoke (clang, libFuzzer)"
fuzz/smoke.sh 5
stage ""

echo "$total_pass passed, $total_fail failed, $total_skip skipped ($(( $(date +%s) - started )) s)"
