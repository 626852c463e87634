#!/bin/sh
# Chromium in kiosk mode on the device's screen, started by systemd/edge-kiosk-browser.service:
# wait for the kiosk page, then run Chromium full-screen inside cage (a one-window Wayland compositor).
set -eu
URL="${EDGE_KIOSK_URL:-http://127.0.0.1:8090/}"
PROFILE="${STATE_DIRECTORY:-/var/lib/edge-screen}/chromium"
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "${URL}healthz" && break
  sleep 1
done
BROWSER=$(command -v chromium || command -v chromium-browser)
exec cage -s -- "$BROWSER" --kiosk --app="$URL" --user-data-dir="$PROFILE" --no-first-run --noerrdialogs \
  --disable-infobars --disable-session-crashed-bubble --disable-translate --disable-sync \
  --disable-background-networking --disable-component-update --overscroll-history-navigation=0 \
  --disable-pinch --check-for-update-interval=31536000 --ozone-platform=wayland
