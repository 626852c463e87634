"""The certificate number cut out beside the front's title and read on its own (real rendered
cards, the shipped int8 recogniser), and its letters re-read as digits from the probabilities."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from edge.document.digits import redigit
from edge.document.fields import Line
from edge.document.idnumber import number_box, number_in
from edge.document.pipeline import crop_line
from edge.ocr.charset import charset
from edge.ocr.recognizer import LineRead, Recognizer
from edge.ocr.syllables import Letter
from edge.synth.card import render_face
from edge.synth.types import CardFace
from edge.synth.values import random_values
from tests.ocr.frames import frames

MODELS = Path(__file__).resolve().parents[2] / "models"


@cache
def _recognizer() -> Recognizer:
    return Recognizer.load(MODELS)


@cache
def _front(seed: int) -> CardFace:
    rng = np.random.default_rng([31, seed])
    return render_face(random_values(rng), "front", "car_bilingual", rng)  # the number beside the title


def _title_with_number(face: CardFace, read_as: str) -> tuple[Line, tuple[int, int, int, int], str]:
    """The title and the number boxed together, as the line finder does, read as ``read_as``."""
    title = next(b for b in face.boxes if b.kind == "title")
    number = next(b for b in face.boxes if b.field == "id")
    box = (title.box[0], min(title.box[1], number.box[1]), number.box[2], max(title.box[3], number.box[3]))
    return Line(box, read_as.format(number=number.text), 0.3), number.box, number.text


@pytest.mark.parametrize("read_as", [
    "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY Số: {number}",  # read right
    "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY xố QEsy:s",  # the number read as junk
    "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY wao:",  # "Số" lost too: cut after the title's last word
])
def test_the_number_is_cut_to_its_own_rows_and_read_from_that_crop(read_as: str) -> None:
    face = _front(1)
    title, number_box_truth, number = _title_with_number(face, read_as)
    box = number_box(face.image, title)
    assert box is not None
    # the number's rows, not the title's taller ones; its whole width
    assert abs(box.y0 - number_box_truth[1]) <= 3 and abs(box.y1 - number_box_truth[3]) <= 3
    assert box.x0 <= number_box_truth[0] and box.x1 >= number_box_truth[2] - 2
    read = _recognizer().read([crop_line(face.image, box)])[0]
    span = number_in(read.text)
    assert span is not None and read.text[span[0]:span[1]] == number


def test_a_title_without_print_beside_it_gives_no_box() -> None:
    face = _front(2)
    title = next(b for b in face.boxes if b.kind == "title")
    blank = face.image.copy()
    number = next(b for b in face.boxes if b.field == "id")
    label = next(b for b in face.boxes if b.text == "Số:")
    for x0, y0, x1, y1 in (number.box, label.box):
        blank[y0 - 2:y1 + 2, x0 - 2:x1 + 2] = np.median(blank[y0:y1, x1 + 5:x1 + 40].reshape(-1, 3), axis=0)
    assert number_box(blank, Line(title.box, title.text, 0.9)) is None


def test_the_number_is_the_last_word_and_mostly_digits() -> None:
    assert number_in("TO Số: 968325") == (7, 13)
    assert number_in("Y Số 28780F") == (5, 11)
    assert number_in("XE MÁY Số:") is None
    assert number_in("TÔ số ab12") is None


def test_letters_in_a_number_take_the_digit_their_probabilities_hold_next() -> None:
    text = "GIẤY CHỨNG NHẬN Số g35683"
    letters, probs = frames(text, {text.index("g"): ("8", 0.3)})
    read = LineRead(text, 0.5, tuple(letter.prob for letter in letters), tuple(letters), probs, charset())
    assert redigit("g35683", [None, read]) == "835683"  # the fixed look-alike table would say 9
    assert redigit("584870", [read]) == "584870"  # digits stay
    assert redigit("g35683", [LineRead(text, 0.5, ())]) == "g35683"  # no probabilities: left to the validator


def test_a_number_one_digit_too_long_loses_its_least_sure_digit_if_it_was_unsure() -> None:
    from edge.document.digits import trim_speck

    text = "Số: 4188910"
    letters, probs = frames(text)
    unsure = [Letter(c.char, c.frame, 0.5 if i == text.index("1") else c.prob) for i, c in enumerate(letters)]
    read = LineRead(text, 0.5, tuple(c.prob for c in unsure), tuple(unsure), probs, charset())
    assert trim_speck("4188910", [read], 6) == "488910"
    sure = LineRead(text, 0.9, tuple(c.prob for c in letters), tuple(letters), probs, charset())
    assert trim_speck("4188910", [sure], 6) == "4188910"  # every digit read surely: as read
    assert trim_speck("488910", [read], 6) == "488910"  # the usual length: as read

