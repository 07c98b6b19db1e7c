#!/usr/bin/env bash
# Sets up and runs the ClinicDesk desktop app (a debug build with the UI embedded).
# The database is an encrypted file in your data folder; its key lives in the OS keychain.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/clinicdesk/target}"
export TAURI_FRONTEND_PATH=ui

# The app as CI tests it: one debug build with the UI embedded (`tauri dev` would serve the UI
# from Vite's dev server instead; use it for UI work: `ui/node_modules/.bin/tauri dev`).
run() {
  ui/node_modules/.bin/tauri build --debug --no-bundle
  exec "$CARGO_TARGET_DIR/debug/clinicdesk-app" "$@"
}

# Without a display (a server, a container) run under a virtual one.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1366x768x24" "$0" "$@"
fi

# Without a desktop session there is no keychain: start a session bus and a gnome-keyring
# whose login keyring (kept in ~/.local/share/keyrings) is unlocked with a local password,
# so the database key persists between runs.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${CLINICDESK_KEYRING_STARTED:-}" ]; then
  export CLINICDESK_KEYRING_STARTED=1
  exec dbus-run-session -- "$0" "$@"
fi
if [ -n "${CLINICDESK_KEYRING_STARTED:-}" ]; then
  secret_dir="$HOME/.local/share/clinicdesk-dev"
  mkdir -p "$secret_dir" && chmod 700 "$secret_dir"
  [ -f "$secret_dir/keyring-password" ] || head -c 24 /dev/urandom | base64 > "$secret_dir/keyring-password"
  chmod 600 "$secret_dir/keyring-password"
  eval "$(gnome-keyring-daemon --unlock --components=secrets < "$secret_dir/keyring-password")"
  export GNOME_KEYRING_CONTROL
fi
run "$@"
