#!/usr/bin/env bash
# Starts the real built app (assets embedded) under Xvfb on a fresh encrypted database,
# waits for its window, saves a screenshot to artifacts/smoke/, and fails if the window
# never appears, the app dies, or the screen stays blank.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/clinicdesk/target}"
app="$CARGO_TARGET_DIR/debug/clinicdesk-app"
cli="$CARGO_TARGET_DIR/debug/clinicdesk"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1366x768x24" "$0" "$@"
fi

out=artifacts/smoke
mkdir -p "$out"
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export CLINICDESK_DB="$work/clinic.db" CLINICDESK_KEY_FILE="$work/clinic.key" NO_AT_BRIDGE=1
printf '%s\n' "violet tractor umbrella" | "$cli" init --clinic-name "Smoke Test Clinic" \
  --admin-username admin --admin-password-stdin >/dev/null

start=$(date +%s.%N)
"$app" >"$out/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"ClinicDesk"'; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "smoke: the app exited early:"; cat "$out/app.log"; exit 1
  fi
  sleep 0.25
done
xwininfo -root -tree | grep -q '"ClinicDesk"' || { echo "smoke: no ClinicDesk window"; cat "$out/app.log"; exit 1; }
printf 'smoke: window after %.2f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
sleep 4
import -window root "$out/app.png"
kill -0 "$pid" || { echo "smoke: the app died"; cat "$out/app.log"; exit 1; }
colours=$(convert "$out/app.png" -format "%k" info:)
if [ "$colours" -lt 8 ]; then
  echo "smoke: the screen is blank ($colours colours)"; exit 1
fi
if grep -qiE "panicked|cannot open" "$out/app.log"; then
  echo "smoke: errors in the app log:"; cat "$out/app.log"; exit 1
fi
echo "smoke: ok ($colours colours on screen; screenshot $out/app.png)"
