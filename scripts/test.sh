#!/usr/bin/env bash
# Sets up and runs every ClinicDesk test: formatting and lints, the Tauri-free crates'
# tests (core, CLI, sync against a real PostgreSQL), the real OS keychain, the UI checks,
# one debug build of the desktop app with its assets embedded, and a smoke run of it under
# Xvfb. This is exactly what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/clinicdesk/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The UI lives in ui/ (the Tauri CLI would otherwise take the first package.json it finds).
export TAURI_FRONTEND_PATH=ui
log_dir=artifacts/test-logs
mkdir -p "$log_dir"
stages=0
section() { echo; echo "=== $* ==="; }
passed() { stages=$((stages + 1)); }

section "dependencies"
bash scripts/deps.sh
bash scripts/ensure-postgres.sh
passed

section "format and lints"
cargo fmt --all --check
npm --prefix ui run --silent typecheck
npm --prefix ui run --silent lint
# The UI's assets must exist for the shell's build script (they are embedded).
npm --prefix ui run --silent build >/dev/null
cargo clippy --workspace --all-targets --locked -- -D warnings
passed

section "UI unit tests (Vitest, mocked IPC)"
NO_COLOR=1 npm --prefix ui run --silent test 2>&1 | tee "$log_dir/ui-test.log"
passed

section "Rust tests (core, CLI, sync)"
cargo test --workspace --exclude clinicdesk-app --locked 2>&1 | tee "$log_dir/cargo-test.log"
passed

section "real OS keychain (Secret Service)"
# A throwaway keyring (its own XDG_DATA_HOME) on a private session bus, unlocked for the run.
keyring_home=$(mktemp -d)
XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c 'printf "%s" ci-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p clinicdesk-core --locked --test keychain -- --ignored' 2>&1 | tee "$log_dir/keychain.log"
rm -rf "$keyring_home"
passed

section "printing through a real CUPS queue (cups-pdf)"
bash scripts/ensure-cups.sh
{
  cargo test -p clinicdesk-pdf --locked --test cups -- --ignored
  cargo test -p clinicdesk-core --locked --test printing -- --ignored
} 2>&1 | tee "$log_dir/cups.log"
passed

section "desktop app: debug build with embedded assets"
ui/node_modules/.bin/tauri build --debug --no-bundle
passed

section "desktop app: smoke run under Xvfb"
bash scripts/smoke-app.sh
passed

section "desktop app: end-to-end flows (tauri-driver + WebKitWebDriver, real app)"
bash scripts/e2e.sh 2>&1 | tee "$log_dir/e2e.log"
passed

section "summary"
tests=$(cat "$log_dir/cargo-test.log" "$log_dir/keychain.log" "$log_dir/cups.log" | sed -n 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' | paste -sd+ | bc)
echo "stages: $stages passed, 0 failed"
ui_tests=$(sed -n 's/^ *Tests *\([0-9]*\) passed.*/\1/p' "$log_dir/ui-test.log" | tail -n1)
e2e_tests=$(sed -n 's/^e2e: \([0-9]*\) passed.*/\1/p' "$log_dir/e2e.log" | tail -n1)
echo "tests: $((tests + ${ui_tests:-0} + ${e2e_tests:-0})) passed, 0 failed"
