"""``models/manifest.json``: what each model file is, and the check that it is the file we shipped."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from edge.errors import ModelError

MANIFEST = "manifest.json"


def default_models_dir() -> Path:
    """The repository's ``models/`` folder (next to the package)."""
    return Path(__file__).resolve().parents[2] / "models"


class ModelEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    file: str
    sha256: str
    task: str  # e.g. "line-recognizer"
    backend: str  # onnx | tflite
    precision: str  # fp32 | int8 | fp16
    input_shape: list[int | str]
    charset: str | None = None
    training: dict[str, Any] = {}
    accuracy: dict[str, Any] = {}


class Manifest(BaseModel):
    models: dict[str, ModelEntry]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_manifest(models_dir: Path) -> Manifest:
    path = models_dir / MANIFEST
    try:
        return Manifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise ModelError(f"model manifest {path} is missing") from exc
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise ModelError(f"model manifest {path} is unreadable: {exc}") from exc


def verified_path(models_dir: Path, name: str, manifest: Manifest | None = None) -> tuple[Path, ModelEntry]:
    """The model file for ``name`` after checking it exists and matches its sha256."""
    manifest = manifest or load_manifest(models_dir)
    entry = manifest.models.get(name)
    if entry is None:
        known = ", ".join(manifest.models)
        raise ModelError(f"model {name!r} is not in {models_dir / MANIFEST} (has: {known})")
    path = models_dir / entry.file
    if not path.is_file():
        raise ModelError(f"model file {path} is missing")
    digest = sha256_of(path)
    if digest != entry.sha256:
        raise ModelError(f"model file {path} is corrupted: sha256 {digest[:12]}… does not match the manifest")
    return path, entry


def write_entry(models_dir: Path, name: str, entry: dict[str, Any]) -> None:
    """Add or replace one entry (used by the export tools), keeping the others."""
    path = models_dir / MANIFEST
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"models": {}}
    doc.setdefault("models", {})[name] = entry
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def record_accuracy(models_dir: Path, name: str, accuracy: dict[str, Any]) -> None:
    """Store benchmark figures in a model's manifest entry (its file and sha256 unchanged)."""
    path = models_dir / MANIFEST
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["models"][name]["accuracy"] = accuracy
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
