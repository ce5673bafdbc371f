#!/usr/bin/env bash
# Opens the HTML report of an IFC check (view_report, the file
# `idsd check --ifc ... --format html` writes) in headless Chromium with
# playwright-core, as a person opens it: a file, no server. The counts on
# the page must be those of the check result; nothing is fetched; hostile
# strings stay inert under the page's CSP. Saves
# <build>/artifacts/report.png.
#
# usage: run_report_html.sh path/to/idsd   (the reports come from
#        report_files, built beside it)
# Exit 77 (skipped) when chromium, node or the node packages are missing.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"

build="$(dirname "$IDSD_BIN")"
files_bin="$build/report_files"
if [ ! -x "$files_bin" ]; then
  echo "run_report_html.sh: $files_bin is missing (it is built with idsd)" >&2
  exit 2
fi
chromium="${IDSD_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "SKIPPED: chromium is needed at $chromium (scripts/install-deps.sh --test installs it)"
  exit 77
fi
ensure_node_packages

artifacts="$build/artifacts"
reports="$artifacts/reports"
rm -rf "$reports"
mkdir -p "$reports" || exit 2
"$files_bin" "$reports" || exit 1

export IDSD_REPORTS="$reports" IDSD_ARTIFACTS="$artifacts" IDSD_CHROMIUM="$chromium"
cd "$here" || exit 2
exec node --test --test-concurrency=1 --test-reporter=tap report_browser.test.mjs
