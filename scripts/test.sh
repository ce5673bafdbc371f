#!/usr/bin/env bash
# The whole test command: every suite in a plain build, again under
# AddressSanitizer + UndefinedBehaviorSanitizer, the concurrency suites under
# ThreadSanitizer, and the unit tests under valgrind memcheck. Stops at the
# first failing stage; the last line is the summary CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

configure_and_build() {   # dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" >/dev/null
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

echo "== build (plain)"
configure_and_build build
run_ctest plain build -LE memcheck

echo "== build (address,undefined)"
configure_and_build build-asan -DIDSD_SANITIZE=address
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest asan build-asan

echo "== build (thread)"
configure_and_build build-tsan -DIDSD_SANITIZE=thread
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  run_ctest tsan build-tsan -L concurrency

echo "== valgrind memcheck (unit tests)"
run_ctest valgrind build -L memcheck

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
