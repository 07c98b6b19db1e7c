#!/usr/bin/env bash
# Installs what ClinicDesk needs to build, run and test on Debian/Ubuntu, without asking:
# system packages (apt), the UI's npm packages (including the Tauri CLI). Idempotent: it
# only calls apt when a package is missing and npm when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  # build: Rust crates with C parts (SQLCipher links OpenSSL; keyring uses D-Bus)
  build-essential pkg-config libssl-dev libdbus-1-dev
  # the Tauri shell on Linux (WebKitGTK 4.1)
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  # running the real app headless, screenshots, end-to-end driving
  xvfb xauth x11-utils imagemagick webkit2gtk-driver
  # the OS keychain (Secret Service) for the keychain test and headless runs
  gnome-keyring dbus-x11
  # central sync tests: a real PostgreSQL
  postgresql postgresql-client
  # rendering PDFs to PNG to look at them
  poppler-utils bc
  # printing: the CUPS client ClinicDesk prints through, and a print-to-PDF queue for tests
  cups cups-client printer-driver-cups-pdf
  # the ICD-10-CM code list is built from a pinned PyPI package (scripts/icd10.py)
  python3 python3-pip
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "deps: Rust (cargo) is required: https://rustup.rs" >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "deps: Node.js (npm) is required" >&2
  exit 1
fi

# npm packages of the UI (the Tauri CLI comes from npm too) and of the end-to-end tests,
# installed when node_modules is missing or the manifests changed. `npm install` rather than
# `npm ci`: npm here records only this platform's optional packages in the lock file, which
# `npm ci` then rejects; every direct dependency is pinned to an exact version anyway.
npm_install() {
  local dir=$1
  [ -f "$dir/package.json" ] || return 0
  local stamp="$dir/node_modules/.clinicdesk-stamp"
  local sum
  sum=$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "deps: npm install ($dir)"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error
    sum=$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)
    echo "$sum" > "$stamp"
  fi
}
npm_install ui
npm_install e2e

# The ICD-10-CM code list the core embeds (fetched once into the vendor cache, outside the
# clone; crates/core/build.rs reads it from there).
vendor_dir="${CLINICDESK_VENDOR_DIR:-$HOME/.cache/clinicdesk/vendor}"
if [ ! -f "$vendor_dir/icd10cm-2026-04.tsv.gz" ]; then
  python3 scripts/icd10.py "$vendor_dir/icd10cm-2026-04.tsv.gz"
fi
