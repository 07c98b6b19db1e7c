#!/usr/bin/env bash
# End-to-end tests and measurements of the REAL built desktop app (assets embedded), driven
# in WebKitGTK through tauri-driver → WebKitWebDriver under a private Xvfb and session bus.
#
#   scripts/e2e.sh [test] [FILE…]   the flows in e2e/tests/ (or just FILE…); screenshots per
#                                   step in artifacts/e2e/<flow>/, TAP in artifacts/e2e/results.tap
#   scripts/e2e.sh measure          cold start and idle memory against bench/empty-window;
#                                   writes docs/BENCHMARKS.md (artifacts/e2e/measure/ under CI=true)
#
# Expects the app already built (scripts/test.sh does it: `ui/node_modules/.bin/tauri build
# --debug --no-bundle`). Installs the e2e npm packages and tauri-driver when missing.
# CI-safe: no stdin, bounded run time, and every process it started is ended, even on failure.
# E2E_USE_DISPLAY=1 runs on the current DISPLAY instead of a private Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/clinicdesk/target}"
export PATH="$HOME/.cargo/bin:$PATH"
export NO_AT_BRIDGE=1
TAURI_DRIVER_VERSION=2.1.0

mode=test
if [ $# -gt 0 ] && { [ "$1" = test ] || [ "$1" = measure ]; }; then mode=$1; shift; fi

# --- prerequisites -----------------------------------------------------------------------
if ! command -v WebKitWebDriver >/dev/null || ! command -v Xvfb >/dev/null || ! command -v dbus-daemon >/dev/null; then
  bash scripts/deps.sh   # apt: webkit2gtk-driver, xvfb, dbus (idempotent)
fi

# npm packages of the tests (npm install, as in deps.sh) when node_modules is missing or the manifests changed
# (the same stamp as scripts/deps.sh, so the two never redo each other's work).
stamp=e2e/node_modules/.clinicdesk-stamp
sum=$(cat e2e/package.json e2e/package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "e2e: npm install (e2e)"
  npm install --prefix e2e --no-audit --no-fund --ignore-scripts --loglevel=error </dev/null
  echo "$sum" >"$stamp"
fi

if ! command -v tauri-driver >/dev/null; then
  echo "e2e: installing tauri-driver $TAURI_DRIVER_VERSION into ~/.cargo/bin"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked </dev/null
fi

for bin in clinicdesk-app clinicdesk; do
  if [ ! -x "$CARGO_TARGET_DIR/debug/$bin" ]; then
    echo "e2e: $CARGO_TARGET_DIR/debug/$bin is missing: build the app first" \
      "(ui/node_modules/.bin/tauri build --debug --no-bundle, or scripts/test.sh)" >&2
    exit 1
  fi
done

# --- isolation and cleanup ---------------------------------------------------------------
if [ "${E2E_USE_DISPLAY:-0}" != 1 ]; then
  unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS   # the harness starts its own
fi
mkdir -p artifacts/e2e
export E2E_PGID_FILE
E2E_PGID_FILE=$(mktemp)
cleanup() {
  # The harness ends its processes itself; this only catches what a killed node left behind:
  # the process groups it recorded (its own Xvfb, dbus-daemon, tauri-driver trees).
  local pgid
  while read -r pgid; do
    [ -n "$pgid" ] || continue
    # only a group that still holds one of ours (a recycled pid is left alone)
    if ps -o comm= -g "$pgid" 2>/dev/null | grep -qE '^(Xvfb|dbus-daemon|tauri-driver|WebKit|clinicdesk)'; then
      kill -KILL -- "-$pgid" 2>/dev/null || true
    fi
  done <"$E2E_PGID_FILE"
  rm -f "$E2E_PGID_FILE"
}
trap cleanup EXIT
# Runs a command (under `timeout`, which makes its own process group) in the background and
# waits, so a TERM/INT to this script is handled at once: it is passed to the whole group
# (the node processes then end their own Xvfb, bus and app trees), then cleanup runs.
runner=""
on_signal() {
  if [ -n "$runner" ]; then
    kill -TERM -- "-$runner" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
  fi
  exit 143
}
trap on_signal TERM INT HUP
run() {
  timeout --kill-after=15 "$@" </dev/null &
  runner=$!
  local rc=0
  wait "$runner" || rc=$?
  runner=""
  return "$rc"
}

# --- run ---------------------------------------------------------------------------------
if [ "$mode" = measure ]; then
  echo "e2e: building bench/empty-window (debug, assets embedded, like the app)"
  (cd bench/empty-window && ../../ui/node_modules/.bin/tauri build --debug --no-bundle -- --locked) </dev/null
  run "${E2E_MEASURE_TIMEOUT:-300}" node e2e/measure.mjs
  exit $?
fi

if [ $# -gt 0 ]; then files=("$@"); else files=(e2e/tests/*.test.mjs); fi
rm -f artifacts/e2e/results.tap
status=0
run "${E2E_TIMEOUT:-330}" node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=artifacts/e2e/results.tap \
  "${files[@]}" || status=$?
if [ "$status" -eq 124 ]; then echo "e2e: the run took longer than ${E2E_TIMEOUT:-330} s and was stopped" >&2; fi
count() { local n; n=$(sed -n "s/^# $1 \([0-9]*\)$/\1/p" artifacts/e2e/results.tap 2>/dev/null | tail -1); echo "${n:-0}"; }
echo "e2e: screenshots in artifacts/e2e/<flow>/, TAP in artifacts/e2e/results.tap"
echo "e2e: $(count pass) passed, $(count fail) failed, $(count skipped) skipped"
exit "$status"
