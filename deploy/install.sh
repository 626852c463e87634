#!/usr/bin/env bash
# Device set-up for Raspberry Pi OS (Bookworm) and NVIDIA Jetson (JetPack 5/6, Ubuntu): system
# packages, the app in /opt/edge/.venv, users, config, credentials, and the systemd units enabled.
#   sudo bash deploy/install.sh            # from a clone; re-run to upgrade (the store is kept)
#   sudo bash deploy/install.sh --no-screen  # a gate box with no screen: no Chromium kiosk
set -euo pipefail
[[ $(id -u) -eq 0 ]] || { echo "run as root (sudo bash deploy/install.sh)" >&2; exit 1; }
SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX=/opt/edge
SCREEN=1
[[ "${1:-}" == "--no-screen" ]] && SCREEN=0
log() { printf '\033[1m[install]\033[0m %s\n' "$*" >&2; }

board=generic
if [[ -f /etc/nv_tegra_release ]] || grep -qi jetson /proc/device-tree/model 2>/dev/null; then board=jetson
elif grep -qi "raspberry pi" /proc/device-tree/model 2>/dev/null; then board=pi; fi
log "board: $board"

packages=(python3-venv python3-pip curl sqlite3 fonts-noto-core fonts-dejavu-core v4l-utils)
case $board in
  pi) packages+=(python3-picamera2 python3-libcamera) ;;  # picamera2 comes from apt, not PyPI
  jetson) packages+=(gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad) ;;
esac
if ((SCREEN)); then
  packages+=(cage)
  if apt-cache show chromium >/dev/null 2>&1; then packages+=(chromium); else packages+=(chromium-browser); fi
fi
log "apt: ${packages[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"

id edge >/dev/null 2>&1 || useradd --system --home /var/lib/edge --shell /usr/sbin/nologin --groups video edge
((SCREEN)) && { id edge-screen >/dev/null 2>&1 || useradd --system --create-home --home /var/lib/edge-screen \
  --shell /usr/sbin/nologin --groups video,render,input edge-screen; }
getent group render >/dev/null && usermod -aG render edge

log "app -> $PREFIX"
mkdir -p "$PREFIX"
cp -a "$SRC/edge" "$SRC/models" "$SRC/calibration" "$SRC/deploy" "$SRC/pyproject.toml" "$SRC/README.md" "$PREFIX/"
# picamera2 is a Debian package: the venv sees the system site-packages on a Pi.
venv_flags=()
[[ $board == pi ]] && venv_flags+=(--system-site-packages)
[[ -x $PREFIX/.venv/bin/python ]] || python3 -m venv "${venv_flags[@]}" "$PREFIX/.venv"
"$PREFIX/.venv/bin/pip" install -q --upgrade pip
"$PREFIX/.venv/bin/pip" install -q "$PREFIX"
chmod +x "$PREFIX/deploy/kiosk-browser.sh"

mkdir -p /etc/edge/credentials
[[ -f /etc/edge/edge.toml ]] || cp "$SRC/deploy/edge.example.toml" /etc/edge/edge.toml
for cred in cloud.api_key cloud.api_secret webhook.secret; do
  [[ -f /etc/edge/credentials/$cred ]] || install -m 0600 /dev/null "/etc/edge/credentials/$cred"
done
chmod 0700 /etc/edge/credentials
[[ -f /etc/edge/api_keys ]] || install -m 0600 /dev/null /etc/edge/api_keys

log "systemd units"
install -m 0644 "$SRC"/systemd/*.service /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now edge-kiosk.service
if ((SCREEN)); then
  systemctl set-default graphical.target
  systemctl enable --now edge-kiosk-browser.service
fi
log "done. Put the cloud key/secret and the webhook secret in /etc/edge/credentials/, the webhook URL in"
log "/etc/edge/edge.toml ([webhook] url), then: systemctl restart edge-kiosk && $PREFIX/.venv/bin/edge doctor"
