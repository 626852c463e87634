"""``edge export recognizer``: checkpoint → ONNX fp32 → static int8 (QDQ), with manifest entries.

int8 uses onnxruntime's static quantization on the calibration lines kept in ``calibration/``
(rendered by ``edge.synth`` from their own seed), per-channel weights, QDQ format, activation
ranges from a high percentile, the classifier head left float.  The TFLite
model is converted from the same checkpoint by ``edge.train.to_tflite``, run in the separate
converter environment (``deploy/setup-converter.sh``), and recorded in the same manifest.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from edge.errors import EdgeError
from edge.ocr.preprocess import LINE_HEIGHT, batch
from edge.runtime.manifest import sha256_of, write_entry
from edge.train.data import LineSet
from edge.train.model import LineRecognizer, ModelSpec, deployable

ONNX_OPSET = 17
FILES = {"fp32": "recognizer_fp32.onnx", "int8": "recognizer_int8.onnx", "int8-7bit": "recognizer_int8_7bit.onnx",
         "tflite": "recognizer_int8.tflite"}
NAMES = {"fp32": "recognizer-fp32-onnx", "int8": "recognizer-int8-onnx", "int8-7bit": "recognizer-int8-7bit-onnx",
         "tflite": "recognizer-int8-tflite"}
CONVERTER_PYTHON = Path(".venv-convert/bin/python")


def load_checkpoint(path: Path) -> tuple[LineRecognizer, dict[str, Any]]:
    state = torch.load(path, map_location="cpu", weights_only=False)
    model = LineRecognizer(ModelSpec.from_dict(state["spec"]))
    model.load_state_dict(state["model"])
    model.eval()
    return model, state


def export_onnx(model: LineRecognizer, path: Path) -> None:
    sample = torch.zeros(1, 1, LINE_HEIGHT, 256)
    torch.onnx.export(deployable(model), (sample,), str(path), input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch", 3: "width"}, "logits": {0: "batch", 2: "steps"}},
                      opset_version=ONNX_OPSET, dynamo=False)


# Calibration lines are fed padded (white) to the widest input: the percentile calibrator stacks
# every batch of a tensor into one histogram, which needs one shape.
CALIBRATION_WIDTH = 768
# Activation ranges: this percentile of what the calibration lines produce, not the extreme values,
# so a rare outlier does not coarsen every step of a tensor's scale.
CALIBRATION_PERCENTILE = 99.999
# Nodes kept float: the 1x1 classifier head decides between look-alike letters on small margins
# (the TFLite model keeps it float too: edge.train.to_tflite.HEAD_OUTPUT).
FLOAT_NODES = ("/head/Conv",)


class _CalibrationReader:
    """Feeds calibration lines one at a time, padded to one width (onnxruntime's reader API)."""

    def __init__(self, lines: LineSet) -> None:
        self._it: Iterator[dict[str, np.ndarray]] = iter(
            {"image": batch([lines.image(i)], CALIBRATION_WIDTH)} for i in range(len(lines))
        )

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._it, None)

    def rewind(self) -> None:  # pragma: no cover - the calibrators used here read once
        raise NotImplementedError


def quantize_int8(fp32: Path, out: Path, calibration: LineSet, seven_bit: bool = False) -> None:
    """Static int8 (QDQ): per-channel symmetric weights, activations on percentile ranges.

    ``seven_bit``: weights on 7 bits, for x86 CPUs without VNNI, where onnxruntime multiplies uint8
    activations by int8 weights with VPMADDUBSW, which adds each pair of products into an int16 and
    saturates past 32767 (255 * 127 * 2 does; 255 * 64 * 2 does not): with 8-bit weights the model
    read 9 % CER there, against 0.5 % elsewhere (edge.runtime.cpu chooses at load time)."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self.inner = _CalibrationReader(calibration)

        def get_next(self) -> dict[str, np.ndarray] | None:
            return self.inner.get_next()

    with tempfile.TemporaryDirectory() as tmp:
        prepped = Path(tmp) / "prepped.onnx"
        quant_pre_process(str(fp32), str(prepped), skip_symbolic_shape=True)
        quantize_static(str(prepped), str(out), Reader(), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True,
                        reduce_range=seven_bit,
                        calibrate_method=CalibrationMethod.Percentile, nodes_to_exclude=list(FLOAT_NODES),
                        extra_options={"ActivationSymmetric": False, "WeightSymmetric": True,
                                       "CalibPercentile": CALIBRATION_PERCENTILE})


def activation_grids(int8: Path) -> list[dict[str, Any]]:
    """The int8 ONNX model's activation grids in graph order, for the TFLite model to share.

    Each: the tensor, the op that produces it (``input`` for the graph input) and the float range
    [min, max] of its 256 uint8 steps.  Quantizing the TFLite model on these very grids makes both
    int8 models compute the same integers (``edge.train.to_tflite.on_onnx_grids``), so they read
    the same text; calibrated separately each rounds differently and they disagree on ~2 % of lines.
    """
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(int8)).graph
    consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    producer = {out: node.op_type for node in graph.node for out in node.output}
    producer.update({i.name: "input" for i in graph.input})
    grids = []
    for node in graph.node:
        if node.op_type != "QuantizeLinear" or node.input[0] in consts:
            continue  # a weight's (per-channel) grid: each converter derives it from the same weights
        scale, zero = float(consts[node.input[1]]), int(consts[node.input[2]])
        grids.append({"tensor": node.input[0], "op": producer.get(node.input[0], "?"),
                      "min": (0 - zero) * scale, "max": (255 - zero) * scale})
    return grids


def manifest_entry(path: Path, precision: str, backend: str, state: dict[str, Any],
                   accuracy: dict[str, Any] | None = None) -> dict[str, Any]:
    history = state.get("history", [])
    return {
        "file": path.name,
        "sha256": sha256_of(path),
        "task": "line-recognizer",
        "backend": backend,
        "precision": precision,
        "input_shape": ["batch", 1, LINE_HEIGHT, "width"],
        "input": "grey line, height 32, width = aspect-kept (max 768), (x/127.5 - 1), right-padded with 1.0",
        "output": "logits (batch, 1, width/4, classes); class 0 = CTC blank, class k = charset[k-1]",
        "charset": state["charset"],
        "size_bytes": path.stat().st_size,
        "training": {
            "recipe": "edge train recognizer (see models/README.md)",
            "steps": state.get("step"),
            "spec": state.get("spec"),
            "val_cer_fp32": state.get("best_cer"),
            "last_validation": history[-1] if history else None,
        },
        "accuracy": accuracy or {},
    }


def export_all(checkpoint: Path, models_dir: Path, calibration: Path) -> dict[str, Path]:
    model, state = load_checkpoint(checkpoint)
    models_dir.mkdir(parents=True, exist_ok=True)
    fp32 = models_dir / FILES["fp32"]
    int8, seven = models_dir / FILES["int8"], models_dir / FILES["int8-7bit"]
    export_onnx(model, fp32)
    lines = LineSet.load(calibration)
    quantize_int8(fp32, int8, lines)
    quantize_int8(fp32, seven, lines, seven_bit=True)
    for precision, path in (("fp32", fp32), ("int8", int8), ("int8-7bit", seven)):
        write_entry(models_dir, NAMES[precision], manifest_entry(path, precision, "onnx", state))
    tflite = models_dir / FILES["tflite"]
    with tempfile.TemporaryDirectory() as tmp:
        grids = Path(tmp) / "grids.json"
        grids.write_text(json.dumps(activation_grids(int8)))
        convert_tflite(checkpoint, calibration, tflite, grids)
    write_entry(models_dir, NAMES["tflite"], manifest_entry(tflite, "int8", "tflite", state))
    return {"fp32": fp32, "int8": int8, "int8-7bit": seven, "tflite": tflite}


def convert_tflite(checkpoint: Path, calibration: Path, out: Path, grids: Path | None = None,
                   python: Path = CONVERTER_PYTHON) -> None:
    """Run ``edge.train.to_tflite`` in the converter environment (deploy/setup-converter.sh).

    ``grids``: the int8 ONNX model's activation grids (``activation_grids``) for the TFLite model to use.
    """
    import os
    import subprocess

    if not python.exists():
        raise EdgeError(f"the TFLite converter environment {python.parent.parent} is missing: "
                        "run bash deploy/setup-converter.sh once")
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    args = [str(python), "-m", "edge.train.to_tflite", str(checkpoint), str(calibration), str(out)]
    done = subprocess.run(args + ([str(grids)] if grids is not None else []), env=env, capture_output=True, text=True)
    if done.returncode != 0 or not out.exists():
        raise EdgeError(f"TFLite conversion failed: {done.stderr.strip().splitlines()[-1:]}")
