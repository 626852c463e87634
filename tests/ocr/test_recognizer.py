"""The shipped recogniser reads rendered lines; ``edge read-lines`` prints path, text, confidence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge.ocr.ctc import greedy_decode
from edge.ocr.preprocess import batch, bucket_width, resize_line
from edge.ocr.recognizer import Recognizer
from edge.runtime.manifest import default_models_dir
from edge.synth.lines import render_line

ROOT = Path(__file__).resolve().parents[2]


def test_greedy_decode_collapses_repeats_and_blanks() -> None:
    probs = np.full((6, 4), 0.01, np.float32)
    for t, k in enumerate([1, 1, 0, 1, 2, 0]):
        probs[t, k] = 0.97
    decoded = greedy_decode(probs)
    assert decoded.ids == [1, 1, 2]
    assert decoded.confidence == pytest.approx(0.97)


def test_preprocess_keeps_aspect_and_pads_white() -> None:
    line = resize_line(np.zeros((64, 300, 3), np.uint8))
    assert line.shape == (32, 150)
    x = batch([line, line[:, :50]])
    assert x.shape == (2, 1, 32, bucket_width(150))
    assert x[1, 0, :, 60:].min() == 1.0


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer.load(default_models_dir(), "onnx", "int8")


def test_reads_clean_rendered_lines(recognizer: Recognizer) -> None:
    texts = ["NGUYỄN VĂN AN", "29A1-123.45", "HONDA", "12/03/2015", "Biển số đăng ký:"]
    crops = [render_line(t, np.random.default_rng(i)).image for i, t in enumerate(texts)]
    reads = recognizer.read(crops)
    assert sum(r.text == t for r, t in zip(reads, texts, strict=True)) >= 4
    assert all(0.0 <= r.confidence <= 1.0 for r in reads)


def test_read_lines_command(tmp_path: Path) -> None:
    img = tmp_path / "plate.png"
    cv2.imwrite(str(img), render_line("51G-678.90", np.random.default_rng(3)).image)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    done = subprocess.run([sys.executable, "-m", "edge", "read-lines", str(img), str(junk)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 1  # one unreadable file
    path, text, confidence = done.stdout.strip().split("\t")
    assert path == str(img) and text == "51G-678.90" and 0.0 < float(confidence) <= 1.0
    assert "junk.png is not an image" in done.stderr and "Traceback" not in done.stderr
    bare = subprocess.run([sys.executable, "-m", "edge", "read-lines", "--no-spelling", str(img)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert bare.returncode == 0 and bare.stdout.split("\t")[1] == "51G-678.90"  # a code: no spelling to put right
