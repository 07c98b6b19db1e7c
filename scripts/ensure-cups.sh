#!/usr/bin/env bash
# Makes sure a local CUPS scheduler runs with a print-to-PDF queue `ClinicDeskPDF` (the
# cups-pdf backend), for the real-printing test. Installs the packages when missing, starts
# cupsd without systemd when no scheduler answers (containers, CI), creates the queue once.
# Idempotent. Ends by printing where cups-pdf writes its files: `cups-pdf output: <dir>`.
# Also installs tesseract (Russian + English): cups-pdf's PostScript round trip leaves no
# usable text layer, so the printing test reads the printed page by OCR.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
QUEUE=ClinicDeskPDF
PACKAGES=(cups cups-client printer-driver-cups-pdf tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "cups: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

running() { LC_ALL=C lpstat -r 2>/dev/null | grep -q "scheduler is running"; }

if ! running; then
  # Under systemd the unit is the normal way; elsewhere cupsd daemonizes by itself.
  if [ -d /run/systemd/system ]; then
    $SUDO systemctl start cups >/dev/null 2>&1 || true
  fi
  if ! running; then
    echo "cups: starting cupsd"
    $SUDO /usr/sbin/cupsd
  fi
  for _ in $(seq 1 60); do
    running && break
    sleep 0.25
  done
fi
if ! running; then
  echo "cups: the scheduler did not start (see /var/log/cups/error_log)" >&2
  exit 1
fi

if ! LC_ALL=C lpstat -p "$QUEUE" >/dev/null 2>&1; then
  ppd=$(lpinfo -m 2>/dev/null | grep -i 'cups-pdf' | head -n1 | cut -d' ' -f1)
  if [ -z "$ppd" ]; then
    echo "cups: no cups-pdf driver found (lpinfo -m | grep -i pdf)" >&2
    exit 1
  fi
  echo "cups: creating queue $QUEUE ($ppd)"
  $SUDO lpadmin -p "$QUEUE" -E -v cups-pdf:/ -m "$ppd"
fi
# Enabled and accepting, whatever state an earlier run left it in.
$SUDO cupsenable "$QUEUE"
$SUDO cupsaccept "$QUEUE"

# cups-pdf writes to `Out` (default ${HOME}/PDF, the job owner's home) or, for jobs whose
# owner it cannot map to a local user, to `AnonDirName`.
conf=/etc/cups/cups-pdf.conf
out=$(sed -n 's/^[[:space:]]*Out[[:space:]]\{1,\}//p' "$conf" 2>/dev/null | tail -n1)
out=${out:-'${HOME}/PDF'}
home=$(getent passwd "$(id -un)" | cut -d: -f6)
out=${out//'${HOME}'/$home}
out=${out//'${USER}'/$(id -un)}
echo "cups: queue $QUEUE ready"
echo "cups-pdf output: $out"
