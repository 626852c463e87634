#!/usr/bin/env bash
# The TFLite converter environment (.venv-convert): PyTorch + litert-torch + ai-edge-quantizer.
# Only needed to export a newly trained recogniser to TFLite (`edge export recognizer`); the
# product and its tests never import it.  Several hundred MB; run once on a build machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[[ -x .venv-convert/bin/python ]] || "$PY" -m venv .venv-convert
.venv-convert/bin/python -m pip install -q --upgrade pip
.venv-convert/bin/python -m pip install -q torch==2.13.0 "litert-torch==0.10.*" "ai-edge-quantizer==0.10.*" \
  "ai-edge-litert>=2.3,<2.4"
echo "[setup-converter] ready: .venv-convert"
