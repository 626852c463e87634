"""Shipped models: manifest checks, both runtimes load and agree, bad files refused clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from edge.errors import ModelError
from edge.ocr.recognizer import MODEL_NAMES, Recognizer, model_name
from edge.runtime.manifest import default_models_dir, load_manifest, sha256_of, verified_path
from edge.runtime.registry import load_runtime
from edge.synth.lines import render_line

MODELS = default_models_dir()


def test_manifest_describes_every_shipped_model() -> None:
    manifest = load_manifest(MODELS)
    assert set(MODEL_NAMES.values()) <= set(manifest.models)
    for name in manifest.models:
        path, checked = verified_path(MODELS, name, manifest)
        assert checked.sha256 == sha256_of(path)
        assert checked.charset and checked.input_shape[2] == 32
        assert checked.training.get("recipe")


@pytest.mark.parametrize(("backend", "precision"), list(MODEL_NAMES))
def test_both_runtimes_load_and_run(backend: str, precision: str) -> None:
    entry = load_manifest(MODELS).models[MODEL_NAMES[(backend, precision)]]
    runtime = load_runtime(backend, MODELS / entry.file)  # type: ignore[arg-type]
    for shape in ((1, 1, 32, 128), (3, 1, 32, 256)):
        out = runtime.run(np.zeros(shape, np.float32))
        assert out.shape[0] == shape[0] and out.shape[-1] == len(entry.charset or "") + 1
        assert out.reshape(shape[0], -1, out.shape[-1]).shape[1] == shape[3] // 4


def test_tflite_and_onnx_int8_read_the_same_text() -> None:
    onnx = Recognizer.load(MODELS, "onnx", "int8")
    tflite = Recognizer.load(MODELS, "tflite", "int8")
    texts = ["NGUYỄN VĂN AN", "29A1-123.45", "Số máy:", "HONDA", "12/03/2015", "RLHJC5207AY123456",
             "Đỏ - Đen", "CÔNG AN TỈNH BẮC NINH", "110", "Tên chủ xe:"]
    crops = [render_line(t, np.random.default_rng(i)).image for i, t in enumerate(texts)]
    a = [r.text for r in onnx.read(crops)]
    b = [r.text for r in tflite.read(crops)]
    assert sum(x == y for x, y in zip(a, b, strict=True)) >= 8


def test_int8_models_read_what_fp32_reads_on_this_cpu() -> None:
    # onnxruntime's int8 kernels differ by CPU (VNNI or not on x86, dot products on ARM): an 8-bit
    # weight grid that read well on one machine read 9 % CER on an AVX2-only one (see export.quantize_int8)
    from edge.eval.bench_ocr import heldout_lines
    from edge.eval.score import corpus_cer

    crops, truths, _ = heldout_lines(80, 555)
    reads = {key: [r.text for r in Recognizer.load(MODELS, *key).read(crops)]
             for key in (("onnx", "fp32"), ("onnx", "int8"), ("onnx", "int8-7bit"), ("tflite", "int8"))}
    fp32, int8, tflite = reads[("onnx", "fp32")], reads[("onnx", "int8")], reads[("tflite", "int8")]
    assert sum(a == b for a, b in zip(reads[("onnx", "int8-7bit")], fp32, strict=True)) >= 0.93 * len(crops)
    assert sum(a == b for a, b in zip(int8, fp32, strict=True)) >= 0.93 * len(crops)
    assert sum(a == b for a, b in zip(int8, tflite, strict=True)) >= 0.95 * len(crops)
    assert corpus_cer(zip(int8, truths, strict=True)) <= 0.02


def _copy_models(tmp_path: Path) -> Path:
    target = tmp_path / "models"
    shutil.copytree(MODELS, target)
    return target


def test_corrupted_model_is_refused_naming_the_file(tmp_path: Path) -> None:
    models = _copy_models(tmp_path)
    manifest = load_manifest(models)
    entry = manifest.models[model_name(manifest, "onnx", "int8")]  # the int8 model this CPU reads with
    data = bytearray((models / entry.file).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (models / entry.file).write_bytes(bytes(data))
    with pytest.raises(ModelError, match=rf"{entry.file} is corrupted"):
        Recognizer.load(models, "onnx", "int8")


def test_missing_model_and_manifest_are_clear(tmp_path: Path) -> None:
    models = _copy_models(tmp_path)
    entry = load_manifest(models).models["recognizer-int8-tflite"]
    (models / entry.file).unlink()
    with pytest.raises(ModelError, match=rf"{entry.file} is missing"):
        Recognizer.load(models, "tflite", "int8")
    (models / "manifest.json").unlink()
    with pytest.raises(ModelError, match=r"manifest .* is missing"):
        Recognizer.load(models, "onnx", "int8")


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ModelError, match="unknown inference backend"):
        load_runtime("coreml", MODELS / "x")  # type: ignore[arg-type]
