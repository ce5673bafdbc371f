#!/usr/bin/env bash
# The live views in headless Chromium: GET /view/{id} of a running idsd
# while an MCP SDK client edits the document, and the MCP App
# (ui://idsd/view) in a host page that uses the official host-side bridge
# of @modelcontextprotocol/ext-apps. Saves screenshots under
# <build>/artifacts/.
#
# usage: run_view_live.sh path/to/idsd     (ctest passes the built binary)
# Exit 77 (skipped) when chromium, node or the node packages are missing.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
# The IFC check test uses a buildingSMART case; it skips itself without.
default_shared_ids

chromium="${IDSD_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "SKIPPED: chromium is needed at $chromium (scripts/install-deps.sh --test installs it)"
  exit 77
fi
ensure_node_packages

artifacts="$(dirname "$IDSD_BIN")/artifacts"
host="$artifacts/view-host"
mkdir -p "$host" || exit 2
# The host page's script: the bridge and the client bundled for a browser.
"$here/node_modules/.bin/esbuild" --bundle --format=iife --platform=browser \
  --log-level=warning "$here/view_host_entry.mjs" --outfile="$host/host.js" || exit 1

export IDSD_ARTIFACTS="$artifacts" IDSD_CHROMIUM="$chromium" IDSD_VIEW_HOST="$host"
cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap view_live.test.mjs
