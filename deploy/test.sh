#!/usr/bin/env bash
# Quick start, step 2: set everything up, then lint, type-check and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
EDGE_EXTRAS="${EDGE_EXTRAS:-dev,train,bench}" bash deploy/setup.sh
echo "== ruff" && .venv/bin/ruff check edge tests
echo "== mypy" && .venv/bin/mypy edge tests
echo "== pytest" && exec .venv/bin/pytest "$@"
