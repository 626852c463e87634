"""The second, laxer look at grey print: values typed too faint for the first look."""

from __future__ import annotations

import cv2
import numpy as np

from edge.document.pipeline import FAINT, MAX_FAINT_HEIGHT, MIN_FAINT_HEIGHT, faint_lines, text_lines
from edge.ocr.lines import CardLayers, LineBox, iou, overlap
from edge.synth.card import render_face
from edge.synth.layouts import LAYOUTS
from edge.synth.values import random_values


def _faded_back(seed: int, keep: float) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    rng = np.random.default_rng([seed, 13])
    face = render_face(random_values(rng), "back", LAYOUTS["back"][seed % 3], rng)
    img = face.image.astype(np.float32)
    paper = np.median(img.reshape(-1, 3), axis=0)
    values = [b.box for b in face.boxes if b.kind == "value" and b.field != "last_issue_date"]
    for x0, y0, x1, y1 in values:
        grey = img[y0:y1, x0:x1].mean(axis=2, keepdims=True)
        img[y0:y1, x0:x1] = paper - (paper - grey) * keep
    return cv2.GaussianBlur(np.clip(img, 0, 255).astype(np.uint8), (0, 0), 0.8), values


def test_values_too_faint_for_the_first_look_are_found_by_the_second_and_nothing_twice() -> None:
    first_hits = second_hits = total = 0
    for seed in range(4):
        card, values = _faded_back(seed, 0.38)
        first = text_lines(card)
        more, replaced = faint_lines(card, first)
        for b in more:  # never a line already found, seen again; only bits of itself replaced
            for i, o in enumerate(first):
                shared = overlap(b.as_tuple(), o.as_tuple())
                if shared > 0.15 * min(b.width * b.height, o.width * o.height):
                    assert i in replaced and shared >= 0.6 * o.width * o.height
        after = [f for i, f in enumerate(first) if i not in replaced] + more
        total += len(values)
        first_hits += sum(max((iou(v, f.as_tuple()) for f in first), default=0.0) >= 0.5 for v in values)
        second_hits += sum(max((iou(v, f.as_tuple()) for f in after), default=0.0) >= 0.5 for v in values)
    assert second_hits >= first_hits + 0.2 * total, (first_hits, second_hits, total)


def test_pieces_of_a_faint_line_s_row_are_read_again_with_it_as_one_line() -> None:
    card, _ = _faded_back(0, 0.38)
    lax = [b for b in text_lines(card, FAINT) if b.width > 200 and MIN_FAINT_HEIGHT <= b.height <= MAX_FAINT_HEIGHT]
    line = lax[0]
    # the first look found a piece of the row reaching well past the faint line's start (more
    # than half of it outside: no bit of the faint line)
    piece = LineBox(line.x0 - 36, line.y0 + 1, line.x0 + 24, line.y1 - 1)
    more, replaced = faint_lines(card, [piece])
    assert replaced == {0}
    joined = LineBox(piece.x0, line.y0, line.x1, line.y1)
    assert any(b.x0 <= joined.x0 and b.y0 <= joined.y0 and b.x1 >= joined.x1 and b.y1 >= joined.y1
               and b.height <= 1.3 * joined.height for b in more)  # (with the label it all but touches)
    # a piece all but touching the faint line ("NG" of "NGUYỄN" beside the rest of the name) joins it
    beside = LineBox(line.x0 - 30, line.y0 + 1, line.x0 - 3, line.y1 - 1)
    more, replaced = faint_lines(card, [beside])
    assert replaced == {0} and any(b.x0 <= beside.x0 and b.x1 >= line.x1 and b.y0 <= line.y0 for b in more)
    # a box over two rows is no piece of the line's row: left as it was, the line not added
    tall = LineBox(line.x0 - 6, line.y0 - 3 * line.height, line.x0 + line.width // 3, line.y1)
    more, replaced = faint_lines(card, [tall])
    assert replaced == set() and all(overlap(b.as_tuple(), tall.as_tuple()) == 0 or b.y1 <= tall.y0 for b in more)
    assert not any(b.x0 <= line.x0 and b.x1 >= line.x1 and b.y0 <= line.y0 + 2 for b in more)


def test_a_clean_card_gets_little_from_the_second_look() -> None:
    rng = np.random.default_rng([1, 13])
    card = render_face(random_values(rng), "back", "single_column", rng).image
    more, replaced = faint_lines(card, text_lines(card))
    assert len(more) <= 2 and len(replaced) <= 2


def test_a_name_or_address_read_as_a_few_letters_asks_for_the_second_look() -> None:
    """Bits of a faint line the first look caught read as "M E": the value is there only in part."""
    from edge.document import fields as fx
    from edge.document.pipeline import _wants_second_look

    label = fx.Line((52, 217, 108, 230), "Chủ xe", 1.0)
    classified = fx.Classified(labels=[(label, "name")])
    assert _wants_second_look(classified, {"name": fx.Raw("M E", 0.9)})
    assert _wants_second_look(classified, {})
    assert not _wants_second_look(classified, {"name": fx.Raw("NGUYỄN AN", 0.9)})



def test_a_key_value_no_such_value_could_be_asks_for_the_second_look() -> None:
    """A chassis number short of 17 characters ("CE5P7057Y840377": its faint "RL" caught as specks),
    an id short of six digits or a plate cut to its first digits: pieces of a faint value."""
    from edge.document import fields as fx
    from edge.document.pipeline import _wants_second_look
    from edge.document.validate import doubtful

    assert doubtful("chassis", "CE5P7057Y840377") and not doubtful("chassis", "RLCE5P7057Y840377")
    assert doubtful("id", "52121") and not doubtful("id", "521219")
    assert doubtful("plate", "51") and not doubtful("plate", "29A1-123.45")
    assert doubtful("engine", "E-") and not doubtful("engine", "HC12E-5939911")
    assert doubtful("first_issue_date", "/08/2012") and not doubtful("first_issue_date", "09/03/2019")
    assert not doubtful("first_issue_date", "0903/2019")  # a lost slash: read whole, no second look
    nothing = fx.Classified(labels=[])
    assert _wants_second_look(nothing, {"chassis": fx.Raw("CE5P7057Y840377", 0.9)})
    assert _wants_second_look(nothing, {"id": fx.Raw("52121", 0.9)})
    assert _wants_second_look(nothing, {"first_issue_date": fx.Raw("/08/2012", 0.9)})
    assert not _wants_second_look(nothing, {"chassis": fx.Raw("RLCE5P7057Y840377", 0.9),
                                            "id": fx.Raw("521219", 0.9), "plate": fx.Raw("29A1-123.45", 0.9)})


def test_the_second_look_reuses_the_card_s_layers_and_finds_the_same() -> None:
    card, _ = _faded_back(2, 0.38)
    layers = CardLayers(card)
    first = text_lines(card, layers=layers)
    stamp, ratio = layers.stamp, layers.dark_ratio
    assert first == text_lines(card)
    assert faint_lines(card, first, layers) == faint_lines(card, first)
    assert layers.stamp is stamp and layers.dark_ratio is ratio  # made once, for both looks
