"""TFLite backend: ``ai-edge-litert`` or ``tflite-runtime``, whichever is installed (lazy import)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from edge.errors import ModelError


def _interpreter_class() -> Any:
    try:
        from ai_edge_litert.interpreter import Interpreter

        return Interpreter
    except ImportError:
        pass
    try:
        from tflite_runtime.interpreter import Interpreter

        return Interpreter
    except ImportError as exc:
        raise ModelError(
            "no TFLite runtime installed: pip install 'edge[tflite]' (ai-edge-litert or tflite-runtime)"
        ) from exc


class TfliteRuntime:
    """Resizes the input tensor to each batch's shape (lines batch by width bucket)."""

    name = "tflite"

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.path = path
        try:
            self._interp = _interpreter_class()(model_path=str(path), num_threads=max(1, threads))
            self._interp.allocate_tensors()
        except ModelError:
            raise
        except Exception as exc:  # the interpreter raises ValueError / RuntimeError
            raise ModelError(f"model {path} cannot be loaded by the TFLite runtime: {exc}") from exc
        self._in = self._interp.get_input_details()[0]
        self._out = self._interp.get_output_details()[0]
        self._shape: tuple[int, ...] = tuple(int(d) for d in self._in["shape"])

    def run(self, x: NDArray[np.float32]) -> NDArray[np.float32]:
        if tuple(x.shape) != self._shape:
            self._interp.resize_tensor_input(self._in["index"], list(x.shape), strict=False)
            self._interp.allocate_tensors()
            self._shape = tuple(x.shape)
        self._interp.set_tensor(self._in["index"], _quantize(x, self._in))
        self._interp.invoke()
        return _dequantize(self._interp.get_tensor(self._out["index"]), self._out)


def _quantize(x: NDArray[np.float32], detail: dict[str, Any]) -> NDArray[Any]:
    """Float input into an integer model's input tensor (its scale and zero point), else as is."""
    dtype = detail["dtype"]
    if dtype == np.float32:
        return np.ascontiguousarray(x, np.float32)
    scale, zero = detail["quantization"]
    info = np.iinfo(dtype)
    out: NDArray[Any] = np.clip(np.round(x / scale + zero), info.min, info.max).astype(dtype)
    return out


def _dequantize(y: NDArray[Any], detail: dict[str, Any]) -> NDArray[np.float32]:
    if detail["dtype"] == np.float32:
        return np.asarray(y, np.float32)
    scale, zero = detail["quantization"]
    out: NDArray[np.float32] = ((y.astype(np.float32) - zero) * scale).astype(np.float32)
    return out
