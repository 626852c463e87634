"""The one place where backend names map to classes; everything else asks for a backend by name."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from edge.errors import ModelError
from edge.runtime.base import InferenceRuntime

Backend = Literal["onnx", "tflite"]
BACKENDS: tuple[Backend, ...] = ("onnx", "tflite")


def load_runtime(backend: Backend, path: Path, threads: int = 1) -> InferenceRuntime:
    if backend == "onnx":
        from edge.runtime.onnx import OnnxRuntime

        return OnnxRuntime(path, threads)
    if backend == "tflite":
        from edge.runtime.tflite import TfliteRuntime

        return TfliteRuntime(path, threads)
    raise ModelError(f"unknown inference backend {backend!r}; choose one of {', '.join(BACKENDS)}")
