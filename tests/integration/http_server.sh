# Sourced by the run_http*.sh scripts: starts idsd over HTTP on a free port
# (--listen 127.0.0.1:0; idsd prints "listening on URL" on stdout) and
# stops it with SIGTERM on exit, failing when the server did not exit 0
# (under ASan a leak at exit is a non-zero status).
#   start_idsd BIN [extra args...]   sets IDSD_URL and IDSD_PID
IDSD_PID=""
IDSD_LOG=""
start_idsd() {
  local bin=$1; shift
  IDSD_LOG=$(mktemp -d)
  "$bin" serve --listen 127.0.0.1:0 --log-level warning "$@" \
    >"$IDSD_LOG/out" 2>"$IDSD_LOG/err" &
  IDSD_PID=$!
  for _ in $(seq 1 200); do
    if grep -q '^listening on ' "$IDSD_LOG/out" 2>/dev/null; then
      IDSD_URL=$(sed -n 's/^listening on //p' "$IDSD_LOG/out" | head -1)
      export IDSD_URL
      return 0
    fi
    if ! kill -0 "$IDSD_PID" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "idsd did not start:"; cat "$IDSD_LOG/err"
  return 1
}
# Stops the server; returns its exit status (0 = clean shutdown).
stop_idsd() {
  local rc=0
  if [ -n "$IDSD_PID" ]; then
    kill -TERM "$IDSD_PID" 2>/dev/null || true
    wait "$IDSD_PID" || rc=$?
    IDSD_PID=""
    if [ "$rc" -ne 0 ]; then
      echo "idsd exited with status $rc; its stderr:"; tail -n 60 "$IDSD_LOG/err"
    fi
  fi
  [ -n "$IDSD_LOG" ] && rm -rf "$IDSD_LOG"
  return $rc
}
# The node packages, installed with npm ci from the committed lock; exit
# 77 (skipped) without node/npm or a reachable registry.
ensure_node_packages() {
  local here=$1
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
