#!/usr/bin/env bash
# Installs the Debian packages idsd needs to build, test and run, skipping
# what is already there so repeated `make` runs stay quick. Needs root (or
# sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libxml2-dev libxml2-utils libjansson-dev libmicrohttpd-dev libcmocka-dev
  libzip-dev            # the BCF report of an IFC check is a zip
  python3-xmlschema     # local copies of W3C XMLSchema.xsd / xml.xsd for offline XSD compiles
  valgrind
  libsqlite3-dev        # the session store behind --state-dir (src/store)
  libhiredis-dev        # the shared session store behind --store redis:// (src/store)
)
if [ "${1:-}" = "--test" ]; then
  # clang: the Debug sanitizer build of scripts/test.sh (a second compiler).
  # chromium: the browser test of the view (tests/integration/run_view.sh).
  packages+=(clang nodejs npm curl chromium)
  # redis-server, haproxy: the scale-out test (tests/integration/run_scale.sh).
  packages+=(redis-server haproxy)
fi
if [ "${1:-}" = "--fuzz" ]; then
  # fuzz/run.sh and fuzz/coverage.sh: clang with libFuzzer and llvm-cov.
  packages+=(clang libclang-rt-dev llvm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm may come from outside Debian's packages; a working binary is enough.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
