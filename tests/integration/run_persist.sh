#!/usr/bin/env bash
# Durable sessions (--state-dir): SDK clients edit sessions over HTTP while
# idsd is killed with SIGKILL and restarted (persist_kill.test.mjs), and the
# store's faults: a full file system, a read-only one, a damaged database,
# a second process (persist_faults.test.mjs; the file systems are tmpfs
# mounts the test makes, skipped with a message where mount is not
# permitted).
#
# usage: run_persist.sh path/to/idsd     (ctest passes the built binary)
# IDSD_PERSIST_KILLS=N for a longer run than the default 50 kills.
# Exit 77 (skipped) without node/npm or when the packages cannot be installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
ensure_node_packages
default_shared_ids
cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap \
  persist_kill.test.mjs persist_faults.test.mjs
