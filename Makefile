# Convenience front end over CMake. `make run` and `make test` install any
# missing Debian packages first, so both work on a fresh machine.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build

.PHONY: all deps build run test test-quick bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/idsd serve

# clang Debug under ASan+UBSan, gcc RelWithDebInfo, valgrind on the unit
# tests, TSan on the concurrency tests, a gcc Release compile; warnings
# are errors: see scripts/test.sh.
test:
	@scripts/install-deps.sh --test
	@scripts/test.sh

# One plain build and its ctest run, for the edit-compile-test loop.
test-quick: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench_all

clean:
	rm -rf build build-asan build-tsan build-release build-bench
