#!/usr/bin/env bash
# Quick start, step 1: set everything up, then run the main job on the built-in sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
exec .venv/bin/edge demo "$@"
