#!/usr/bin/env bash
# Regenerates the app icon set in icons/ with ImageMagick: a white medical cross on a
# teal rounded square. The generated files are committed; run this only to change them.
set -euo pipefail
cd "$(dirname "$0")/.."

out=icons
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1024 px master: teal gradient clipped to a rounded square, cross on top.
convert -size 1024x1024 gradient:'#1aa89c-#0b5f59' "$tmp/bg.png"
convert -size 1024x1024 xc:none -fill white \
  -draw 'roundrectangle 64,64 959,959 200,200' "$tmp/mask.png"
convert "$tmp/bg.png" "$tmp/mask.png" -alpha off -compose CopyOpacity -composite \
  -fill 'rgba(0,0,0,0.18)' \
  -draw 'roundrectangle 410,248 629,807 48,48' \
  -draw 'roundrectangle 240,418 799,637 48,48' \
  -fill white \
  -draw 'roundrectangle 402,232 621,791 48,48' \
  -draw 'roundrectangle 232,402 791,621 48,48' \
  "PNG32:$tmp/master.png"

png() { convert "$tmp/master.png" -filter Lanczos -resize "$1x$1" -strip "PNG32:$out/$2"; }
png 32 32x32.png
png 128 128x128.png
png 256 128x128@2x.png
png 512 icon.png

# Windows icon with the usual sizes, each rendered from the master.
for s in 16 24 32 48 64 256; do
  convert "$tmp/master.png" -filter Lanczos -resize "${s}x${s}" -strip "PNG32:$tmp/ico-$s.png"
done
convert "$tmp"/ico-{16,24,32,48,64,256}.png "$out/icon.ico"

# macOS .icns: ImageMagick cannot write it; the Tauri CLI's icon command can.
tauri=ui/node_modules/.bin/tauri
if [ -x "$tauri" ]; then
  cp "$tmp/master.png" "$tmp/app-icon.png"
  "$tauri" icon "$tmp/app-icon.png" --output "$tmp/tauri-icons" >/dev/null 2>&1
  cp "$tmp/tauri-icons/icon.icns" "$out/icon.icns"
fi

identify "$out"/*.png "$out/icon.ico"
