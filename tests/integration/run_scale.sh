#!/usr/bin/env bash
# Several idsd instances sharing sessions through Redis, behind HAProxy
# (--store redis://, deploy/haproxy.cfg, specs/scale-out.md): SDK clients of
# both eras through the balancer while an instance is killed and Redis is
# restarted (scale_faults.test.mjs), and 8 clients editing one session
# through three instances at once (scale_concurrency.test.mjs). The tests
# start and stop redis-server, haproxy and idsd on loopback ports.
#
# usage: run_scale.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) without redis-server, haproxy or node/npm.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
need_commands redis-server haproxy
ensure_node_packages
cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap \
  scale_faults.test.mjs scale_concurrency.test.mjs
