"""The int8 calibration lines kept in ``calibration/``: rendered once from their own seed."""

from __future__ import annotations

import json
from pathlib import Path

from edge.train.data import build_cache

CALIBRATION_SEED = 8_675_309  # never a training or benchmark seed
CALIBRATION_LINES = 256


def ensure_calibration(path: Path, n: int = CALIBRATION_LINES, seed: int = CALIBRATION_SEED) -> Path:
    """Render the calibration set if it is not there yet, with a provenance note beside it."""
    if not path.exists():
        build_cache(path, n, seed, "train", workers=1, compress=True)
        path.with_suffix(".json").write_text(json.dumps({
            "what": "int8 calibration lines for the recogniser (grey, 32 px high)",
            "made_by": f"edge.train.calibration.ensure_calibration(n={n}, seed={seed})",
            "generator": "edge.synth lines: random lines + lines cut from rendered cards, train fonts",
        }, indent=1) + "\n")
    return path
