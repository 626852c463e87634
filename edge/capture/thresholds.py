"""The auto-capture gates' limits: calibrated on generated sequences (calibration/capture.json) or a device.

``edge calibrate capture`` derives the shipped defaults from generated camera sequences;
``edge calibrate camera`` measures a real camera holding a card and writes a device file that
``[capture] thresholds`` points at.  The dataclass defaults equal the shipped file, so an
installed package without the repository's calibration/ folder behaves the same (a test checks).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from edge.errors import ConfigError


def default_path() -> Path:
    """The repository's calibration/capture.json (next to the package)."""
    return Path(__file__).resolve().parents[2] / "calibration" / "capture.json"


@dataclass(frozen=True)
class Thresholds:
    """Limits on the per-frame measures (see edge.capture.quality.Measures) for a frame to pass."""

    min_score: float = 0.5
    min_fill: float = 0.165
    max_fill: float = 0.85
    min_square: float = 0.712
    max_motion_px: float = 0.908
    min_sharpness: float = 0.356
    max_glare: float = 0.04
    min_exposure: float = 60.0
    max_exposure: float = 235.0

    def to_json(self, provenance: dict[str, Any] | None = None) -> str:
        doc: dict[str, Any] = {"thresholds": asdict(self)}
        if provenance:
            doc["provenance"] = provenance
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def load_thresholds(path: Path | None = None) -> Thresholds:
    """Thresholds from ``path`` (a device file), else the shipped calibration, else the built-in defaults."""
    if path is None:
        path = default_path()
        if not path.is_file():
            return Thresholds()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        values = doc["thresholds"]
        known = {f.name for f in fields(Thresholds)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"capture thresholds {path}: unknown keys {', '.join(unknown)}")
        return Thresholds(**{k: float(v) for k, v in values.items()})
    except FileNotFoundError as exc:
        raise ConfigError(f"capture thresholds file {path} does not exist (make one: edge calibrate camera)") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"capture thresholds file {path} is not valid: {exc}") from exc
