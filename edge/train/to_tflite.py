"""Convert a recogniser checkpoint to an int8 TFLite model (run in the converter environment).

The converter stack (litert-torch, ai-edge-quantizer, JAX ...) is far too heavy for a device and
is not a dependency of the product: ``deploy/setup-converter.sh`` makes ``.venv-convert`` once,
and ``edge export recognizer`` calls this module there.  It needs only PyTorch, litert-torch and
ai-edge-quantizer (no OpenCV, no pydantic):

    .venv-convert/bin/python -m edge.train.to_tflite CHECKPOINT CALIBRATION.npz OUT.tflite

    .venv-convert/bin/python -m edge.train.to_tflite CHECKPOINT CALIBRATION.npz OUT.tflite GRIDS.json

litert-torch converts the slice-free deployable network with a dynamic batch and width, then
ai-edge-quantizer makes it static int8 (weights and activations), all but the 1x1 classifier head,
which stays float in both int8 models.  Given the int8 ONNX model's activation grids
(``edge.train.export.activation_grids``) every activation uses the same grid as there, so the two
int8 models compute the same integers and read the same text; without them the ranges come from
the quantizer's own calibration on the same lines.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from edge.train.model import LineRecognizer, ModelSpec, deployable

LINE_HEIGHT = 32  # edge.ocr.preprocess.LINE_HEIGHT (not imported: this runs without OpenCV)
MAX_STEPS = 192  # width up to 768 = 4 * 192
CALIBRATION_SAMPLES = 128
HEAD_OUTPUT = "serving_default_output"  # the tensor name litert-torch gives the network's (the head's) output
# TFLite ops that only move an input's values (layout, padding with the zero point): their output
# shares the grid of what they read, which in this network is the image.
LAYOUT_OPS = ("TRANSPOSE", "PAD", "RESHAPE")
# The ONNX producer each TFLite producer may stand for (convolutions carry their fused ReLU / BN).
SAME_OP = {"MAX_POOL_2D": ("MaxPool",), "CONV_2D": ("Relu", "Conv"), "DEPTHWISE_CONV_2D": ("Relu", "Conv"),
           "ADD": ("Relu", "Add")}


def _model(checkpoint: Path) -> torch.nn.Module:
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    model = LineRecognizer(ModelSpec.from_dict(state["spec"]))
    model.load_state_dict(state["model"])
    return deployable(model)


def _calibration(path: Path) -> list[np.ndarray]:
    """Calibration lines as (1, 1, 32, W) inputs, W a multiple of 4, scaled like the runtime does."""
    data = np.load(path)
    strip, offsets = data["strip"], data["offsets"]
    out = []
    for i in range(min(CALIBRATION_SAMPLES, len(offsets) - 1)):
        img = strip[:, offsets[i] : offsets[i + 1]].astype(np.float32) / 127.5 - 1.0
        width = -(-img.shape[1] // 4) * 4
        x = np.ones((1, 1, LINE_HEIGHT, width), np.float32)
        x[0, 0, :, : img.shape[1]] = img
        out.append(x)
    return out


def on_onnx_grids(stats: Mapping[str, Mapping[str, Any]], producers: Sequence[tuple[str, str]],
                  grids: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The calibration ``stats`` with each activation's range replaced by the ONNX model's grid.

    ``producers``: every calibrated TFLite tensor and the op that makes it ("input" for the graph
    input), in graph order; ``grids``: ``edge.train.export.activation_grids``, the image first.
    Both networks list their activations in the same order; a different op sequence (another
    network, another exporter) is refused rather than guessed at.
    """
    if not grids or grids[0]["op"] != "input":
        raise ValueError("the ONNX grids do not start with the image")
    image, rest = grids[0], list(grids[1:])
    layout = [name for name, op in producers if op == "input" or op in LAYOUT_OPS]
    compute = [(name, op) for name, op in producers if op != "input" and op not in LAYOUT_OPS]
    if len(compute) != len(rest) or set(stats) != {name for name, _ in producers}:
        raise ValueError(f"{len(compute)} TFLite activations against {len(rest)} ONNX grids")
    out = {name: dict(value) for name, value in stats.items()}
    pairs = [(name, image) for name in layout] + [(name, grid) for (name, _), grid in zip(compute, rest, strict=True)]
    for (name, op), grid in zip(compute, rest, strict=True):
        if grid["op"] not in SAME_OP.get(op, ()):
            raise ValueError(f"TFLite {op} {name!r} faces ONNX {grid['op']} {grid['tensor']!r}")
    for name, grid in pairs:
        lo, hi = float(grid["min"]), float(grid["max"])
        out[name]["min"] = np.array([lo], np.float32).reshape(np.shape(stats[name]["min"]))
        out[name]["max"] = np.array([hi], np.float32).reshape(np.shape(stats[name]["max"]))
    return out


def _producers(float_path: Path, stats: Mapping[str, object]) -> list[tuple[str, str]]:
    """The calibrated tensors of a TFLite model and the op that makes each, in graph order."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(float_path))
    names = {t["index"]: t["name"] for t in interpreter.get_tensor_details()}
    made: dict[str, tuple[int, str]] = {}
    for op in interpreter._get_ops_details():
        for index in op["outputs"]:
            made[names[index]] = (op["index"], op["op_name"])
    order = sorted(stats, key=lambda name: made.get(name, (-1, "input"))[0])
    return [(name, made.get(name, (-1, "input"))[1]) for name in order]


def convert(checkpoint: Path, calibration: Path, out: Path, grids: Path | None = None) -> None:
    import litert_torch
    from ai_edge_litert.interpreter import Interpreter
    from ai_edge_quantizer import qtyping, quantizer, recipe
    from ai_edge_quantizer.algorithm_manager import AlgorithmName

    sample = (torch.zeros(2, 1, LINE_HEIGHT, 256),)  # batch 2: a batch of 1 would be baked in
    steps = torch.export.Dim("steps", min=2, max=MAX_STEPS)
    batch = torch.export.Dim("batch", min=1, max=64)
    edge_model = litert_torch.convert(_model(checkpoint), sample, dynamic_shapes=({0: batch, 3: 4 * steps},))
    with tempfile.TemporaryDirectory() as tmp:
        float_path = Path(tmp) / "float.tflite"
        edge_model.export(str(float_path))
        signature = next(iter(Interpreter(model_path=str(float_path)).get_signature_list().items()))
        name, io = signature
        qt = quantizer.Quantizer(str(float_path))
        qt.load_quantization_recipe(recipe.static_wi8_ai8())
        # the classifier head stays float, as in the ONNX int8 model: it decides between look-alike
        # letters on small margins, and both int8 models then read like the float network
        qt.update_quantization_recipe(regex=HEAD_OUTPUT, operation_name=qtyping.TFLOperationName.ALL_SUPPORTED,
                                      algorithm_key=AlgorithmName.NO_QUANTIZE)
        stats = qt.calibrate({name: [{io["inputs"][0]: x} for x in _calibration(calibration)]})
        if grids is not None:
            stats = on_onnx_grids(stats, _producers(float_path, stats), json.loads(grids.read_text()))
        out.parent.mkdir(parents=True, exist_ok=True)
        qt.quantize(stats).export_model(str(out), overwrite=True)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: python -m edge.train.to_tflite CHECKPOINT CALIBRATION.npz OUT.tflite [GRIDS.json]")
    convert(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]) if len(sys.argv) == 5 else None)
