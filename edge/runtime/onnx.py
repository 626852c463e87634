"""onnxruntime backend: CPU everywhere; CUDA / TensorRT execution providers when present (Jetson)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from edge.errors import ModelError

PREFERRED_PROVIDERS = ("TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider")


class OnnxRuntime:
    name = "onnx"

    def __init__(self, path: Path, threads: int = 1) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise ModelError("onnxruntime is not installed: pip install onnxruntime") from exc
        self.path = path
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        available = set(ort.get_available_providers())
        providers = [p for p in PREFERRED_PROVIDERS if p in available]
        try:
            self._session = ort.InferenceSession(str(path), opts, providers=providers)
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(f"model {path} cannot be loaded by onnxruntime: {exc}") from exc
        self._input = self._session.get_inputs()[0].name
        self.providers = self._session.get_providers()

    def run(self, x: NDArray[np.float32]) -> NDArray[np.float32]:
        out = self._session.run(None, {self._input: x})[0]
        return np.asarray(out, dtype=np.float32)
