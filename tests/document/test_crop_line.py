"""The crop a line is read from stops inside a cell's vertical rule at either end."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from edge.document.pipeline import crop_line
from edge.ocr.lines import LineBox
from edge.ocr.recognizer import Recognizer
from edge.synth.card import render_face
from edge.synth.types import CardFace
from edge.synth.values import random_values

MODELS = Path(__file__).resolve().parents[2] / "models"


@cache
def _recognizer() -> Recognizer:
    return Recognizer.load(MODELS, "onnx", "int8", threads=1)


def _back(seed: int) -> CardFace:
    rng = np.random.default_rng([seed, 29])
    return render_face(random_values(rng), "back", "single_column", rng)


def _with_rule(card: np.ndarray, x: int, y0: int, y1: int, dashed: bool) -> np.ndarray:
    """A grey vertical rule 2 px wide from ``y0`` to ``y1``, whole or broken (7 on, 1 off: a
    photographed dashed rule, blurred)."""
    out = card.copy()
    for y in range(y0, y1):
        if not dashed or (y - y0) % 8 < 7:
            out[y, x:x + 2] = (105, 110, 112)
    return out


def _address(face: CardFace) -> tuple[LineBox, str]:
    box = next(b for b in face.boxes if b.field == "address")
    return LineBox(*box.box), box.text


def test_a_rule_the_line_box_took_in_is_left_out_of_the_crop_and_the_read() -> None:
    for seed, dashed in ((0, True), (1, False), (2, True)):
        face = _back(seed)
        box, text = _address(face)
        rule_x = box.x0 - 7
        card = _with_rule(face.image, rule_x, box.y0 - 3 * box.height, box.y1 + 3 * box.height, dashed)
        joined = LineBox(rule_x, box.y0, box.x1, box.y1)  # the rule's piece strung onto the line
        crop = crop_line(card, joined)
        top = joined.y0 - max(2, joined.height // 6)
        rows = card[top: top + crop.shape[0]]
        left = next(x for x in range(card.shape[1]) if np.array_equal(rows[:, x:x + crop.shape[1]], crop))
        assert left >= rule_x + 2, (seed, left)
        assert left <= box.x0, (seed, left)  # the line's first letter kept whole
        read = _recognizer().read([crop])[0].text
        assert read.split()[0] == text.split()[0], (read, text)


def test_a_line_without_a_rule_keeps_its_margin_at_both_ends() -> None:
    face = _back(3)
    h, w = face.image.shape[:2]
    for b in face.boxes:
        box = LineBox(*b.box)
        pad_x, pad_y = max(2, box.height // 4), max(2, box.height // 6)
        want = (min(h, box.y1 + pad_y) - max(0, box.y0 - pad_y), min(w, box.x1 + pad_x) - max(0, box.x0 - pad_x))
        assert crop_line(face.image, box).shape[:2] == want, b.text


def test_a_line_that_is_only_a_piece_of_rule_is_cropped_as_it_is() -> None:
    face = _back(4)
    box, _ = _address(face)
    card = _with_rule(face.image, box.x0 - 20, box.y0 - 40, box.y1 + 40, dashed=False)
    piece = LineBox(box.x0 - 21, box.y0, box.x0 - 17, box.y1)
    crop = crop_line(card, piece)
    assert crop.shape[1] == piece.width + 2 * max(2, piece.height // 4)
