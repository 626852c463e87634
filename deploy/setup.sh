#!/usr/bin/env bash
# Set up this checkout on a fresh Debian 12 / Raspberry Pi OS (Bookworm) machine:
# system packages (fonts with every Vietnamese letter), a virtual environment in .venv,
# and the package with the extras named in $EDGE_EXTRAS (default: none; the tests use dev,train,bench).
# Idempotent and quick when nothing changed; needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRAS="${EDGE_EXTRAS-}"
APT_PACKAGES=(
  python3-venv python3-pip
  # Fonts that cover every Vietnamese letter (edge/synth/fonts.py lists which file comes from which).
  fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-noto-core fonts-noto-mono fonts-texgyre
  fonts-dejavu-extra fonts-roboto-unhinted fonts-crosextra-carlito
  # Tesseract 5 with Vietnamese: a peer measured by `edge bench ocr`, not used by the product.
  tesseract-ocr tesseract-ocr-vie
  # The kiosk's browser test drives Debian's Chromium headless (tests/e2e/test_kiosk.py); systemd-analyze verifies units.
  chromium systemd
)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    SUDO="sudo"
  fi
  log "installing system packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi

# Reinstall only when the project metadata changed since the last successful install.
# On x86_64 the versions come from deploy/constraints.txt (those the tests last passed with): numerical
# results (the int8 kernels, OpenCV's contour and resize code) move between releases.
stamp=".venv/.setup-stamp"
constraints=()
if [[ $(uname -m) == x86_64 && -z ${EDGE_UNPINNED-} ]]; then constraints=(-c deploy/constraints.txt); fi
want="$(cat pyproject.toml "${constraints[@]:1}" | sha256sum | cut -d' ' -f1) $EXTRAS"
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  log "installing the edge package with extras [$EXTRAS]"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  if [[ -n $EXTRAS ]]; then
    .venv/bin/python -m pip install -q "${constraints[@]}" -e ".[$EXTRAS]"
  else
    .venv/bin/python -m pip install -q "${constraints[@]}" -e .
  fi
  echo "$want" >"$stamp"
fi
log "ready: .venv/bin/edge --help"
