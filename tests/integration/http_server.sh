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
