"""Convert a recogniser checkpoint to an int8 TFLite model (run in the converter environment).

The converter stack (litert-torch, ai-edge-quantizer, JAX ...) is far too heavy for a device and
is not a dependency of the product: ``deploy/setup-converter.sh`` makes ``.venv-convert`` once,
and ``edge export recognizer`` calls this module there.  It needs only PyTorch, litert-torch and
ai-edge-quantizer (no OpenCV, no pydantic):

    .venv-convert/bin/python -m edge.train.to_tflite CHECKPOINT CALIBRATION.npz OUT.tflite

litert-torch converts the slice-free deployable network with a dynamic batch and width, then
ai-edge-quantizer makes it static int8 (weights and activations) from the same calibration lines
as the ONNX int8 model, all but the 1x1 classifier head, which stays float in both.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

from edge.train.model import LineRecognizer, ModelSpec, deployable

LINE_HEIGHT = 32  # edge.ocr.preprocess.LINE_HEIGHT (not imported: this runs without OpenCV)
MAX_STEPS = 192  # width up to 768 = 4 * 192
CALIBRATION_SAMPLES = 128
HEAD_OUTPUT = "serving_default_output"  # the tensor name litert-torch gives the network's (the head's) output


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


def convert(checkpoint: Path, calibration: Path, out: Path) -> None:
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
        out.parent.mkdir(parents=True, exist_ok=True)
        qt.quantize(stats).export_model(str(out), overwrite=True)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python -m edge.train.to_tflite CHECKPOINT CALIBRATION.npz OUT.tflite")
    convert(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
