#!/usr/bin/env bash
# Drives the real idsd binary over stdio with the official MCP TypeScript
# clients: @modelcontextprotocol/sdk (legacy era, initialize handshake) and
# @modelcontextprotocol/client 2.x (2026-07-28, per-request _meta), plus
# hand-built JSON lines for framing and errors.
#
# usage: run_stdio.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) when node/npm are missing or the packages cannot be
# installed; the node dependencies are installed here, with `npm ci`, from
# the committed package-lock.json.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-}"
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "run_stdio.sh: give the idsd binary as the first argument" >&2
  exit 2
fi
IDSD_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
export IDSD_BIN

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIPPED: node and npm are needed (scripts/install-deps.sh --test installs them)"
  exit 77
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "SKIPPED: node >= 20 is needed, found $(node --version)"
  exit 77
fi

# Reinstall when the lock file changed since the last install.
stamp="$here/node_modules/.idsd-lock-stamp"
# ctest runs the integration scripts in parallel; one npm ci at a time
# (npm ci deletes node_modules first).
exec 9>"${TMPDIR:-/tmp}/idsd-npm-ci.lock"
command -v flock >/dev/null 2>&1 && flock 9
if [ ! -f "$stamp" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
  echo "installing node packages (npm ci) ..."
  if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "SKIPPED: npm ci failed (is the npm registry reachable?)"
    exit 77
  fi
  cp "$here/package-lock.json" "$stamp"
fi
exec 9>&-

# The shared buildingSMART material, beside the checkout unless told.
if [ -z "${IDSD_SHARED_IDS:-}" ]; then
  IDSD_SHARED_IDS="$(cd "$here/../.." && pwd)/../shared/ids"
fi
export IDSD_SHARED_IDS

cd "$here" || exit 2
# One test file at a time keeps the output readable; the TAP summary ends
# with "# pass N" and "# fail N".
exec node --test --test-concurrency=1 --test-reporter=tap \
  stdio_raw.test.mjs stdio_legacy.test.mjs stdio_modern.test.mjs
