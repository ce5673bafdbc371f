#!/usr/bin/env bash
# Opens the view's pages (src/view) in headless Chromium with
# playwright-core: the words on the page, the XSS table inert under the
# CSP, a live update from an event stream, 500 specifications in under a
# second, the check report; saves a screenshot as
# <build>/artifacts/view.png.
#
# usage: run_view.sh path/to/idsd     (ctest passes the built binary; the
#        pages come from view_pages, built beside it)
# Exit 77 (skipped) when chromium, node or the node packages are missing.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"

build="$(dirname "$IDSD_BIN")"
pages_bin="$build/view_pages"
if [ ! -x "$pages_bin" ]; then
  echo "run_view.sh: $pages_bin is missing (it is built with idsd)" >&2
  exit 2
fi
chromium="${IDSD_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "SKIPPED: chromium is needed at $chromium (scripts/install-deps.sh --test installs it)"
  exit 77
fi
ensure_node_packages

artifacts="$build/artifacts"
pages="$artifacts/view-pages"
rm -rf "$pages"
mkdir -p "$pages" || exit 2
"$pages_bin" "$pages" || exit 1

export IDSD_VIEW_PAGES="$pages" IDSD_ARTIFACTS="$artifacts" IDSD_CHROMIUM="$chromium"
cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap view_browser.test.mjs
