# Sourced by every run_*.sh, after it set `here` to its own folder: what
# they all begin with.
#   take_idsd_binary ARG     bin = ARG, IDSD_BIN = its absolute path
#                            (exported); exit 2 when ARG is no executable
#   default_shared_ids       IDSD_SHARED_IDS (exported), by default the
#                            shared buildingSMART folder beside the checkout
#   need_shared_cases        cases = its testcases folder; exit 77 (skipped)
#                            when it is absent
#   need_commands CMD...     exit 77 when one of them is not installed
#   ensure_node_packages     the node packages; see below
take_idsd_binary() {
  bin="${1:-}"
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "$(basename "$0"): give the idsd binary as the first argument" >&2
    exit 2
  fi
  IDSD_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
  export IDSD_BIN
}
default_shared_ids() {
  if [ -z "${IDSD_SHARED_IDS:-}" ]; then
    IDSD_SHARED_IDS="$(cd "$here/../.." && pwd)/../shared/ids"
  fi
  export IDSD_SHARED_IDS
}
need_shared_cases() {
  default_shared_ids
  cases="$IDSD_SHARED_IDS/testcases"
  if [ ! -d "$cases" ]; then
    echo "SKIPPED: no test cases at $cases (set IDSD_SHARED_IDS)"
    exit 77
  fi
}
need_commands() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "SKIPPED: $tool is needed"
      exit 77
    fi
  done
}
# The node packages, installed with npm ci from the committed lock; exit
# 77 (skipped) without node/npm or a reachable registry.
ensure_node_packages() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIPPED: node and npm are needed (scripts/install-deps.sh --test installs them)"
    exit 77
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "SKIPPED: node >= 20 is needed, found $(node --version)"
    exit 77
  fi
  local stamp="$here/node_modules/.idsd-lock-stamp"
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
}
