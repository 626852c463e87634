"""The document pipeline: photo -> card -> upright face -> lines -> text -> fields -> the API's envelope.

One ``Pipeline`` is built per process (the recogniser is loaded once) and is safe to call from
several threads: it keeps no per-call state.  ``scan`` is what ``edge scan``, the HTTP server
and the kiosk call; ``scan_side`` is one photo, with the reason when it cannot be read.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein

from edge.document import fields as fx
from edge.document.idnumber import number_box, number_in
from edge.document.image import encode_jpeg
from edge.document.locate import locate_card
from edge.document.normalize import NUMBERED_WORDS, OPENING_WORDS, base_letters, dated_line
from edge.document.normalize import address as known_address
from edge.document.quality import REASON_MESSAGES, Reason, measure
from edge.document.rectify import rectify, rotate180
from edge.document.validate import cross_sides, doubtful, side_result
from edge.ocr.lines import CardLayers, LineBox, LineParams, detect_lines, overlap
from edge.ocr.recognizer import LineRead, Recognizer
from edge.schema import SIDE_FIELDS, Envelope, ErrorCode, SideResult, SideType

if TYPE_CHECKING:
    from edge.config import OcrConfig

Image = NDArray[np.uint8]
T = TypeVar("T")
STAGES = ("localise", "rectify", "lines", "recognise", "extract")
SURE_UPRIGHT = 0.92  # mean character probability of the widest lines above which a card is taken as upright
ORIENT_LINES = 8  # widest lines read both ways up to tell an upright card from one turned 180°
MIN_EVIDENCE = 1.5  # side evidence below this: not a registration card, or not legible
THUMB_QUALITY = 85
EDGE_BAND = 0.04  # share of the card's width along its edges where only the printed border lies
# the second, laxer look at grey print (``faint_lines``) and the height of a line it may add
FAINT = LineParams(grey_threshold=0.80, weak_grey_threshold=0.85)
MIN_FAINT_HEIGHT, MAX_FAINT_HEIGHT = 9, 40
# a card's darkest print (1st percentile of darkness over the paper, INK_LEVEL_MARGIN px in from
# its edges): lighter than PALE_PRINT, it is blurred or faded and the ink thresholds follow it
# from a usual card's USUAL_PRINT (tuning seeds 900-905: +9 fields, of 3144)
PALE_PRINT, USUAL_PRINT, INK_LEVEL_MARGIN = 0.5, 0.35, 30
MIN_GROWTH = 3  # card pixels a line's box must grow on some side to be read again with a faint line
# a vertical rule at a crop's end: its columns dark (below this share of the paper's brightness)
# along most of the line's rows and most of a line's height above and below it
RULE_INK, RULE_IN, RULE_OUT = 0.8, 0.8, 0.6
ADJACENT = 0.6  # line heights: a piece of the row this close to a faint line is part of it
# labels whose missing value asks for that second look: the fields the API returns, less the pay
# load (a motorbike's is left empty)
ASKS_FOR_VALUE = frozenset(SIDE_FIELDS[SideType.FRONT] + SIDE_FIELDS[SideType.BACK]) - {"pay_load"}
# ... as does a name or an address read as a few letters: the bits of a faint line the first look caught
# (one read unsure asking too gained 0-4 of 524 fields per tuning seed for two to three times the
# second looks, about 30 ms more per photo on bench scan: not kept)
MIN_WORDY_LETTERS = 6
# ... and a key value read as none could be (``validate.doubtful``): a faint one's pieces
# (tuning seeds 900-903: 431/455/444/420 -> 432/459/443/426 of 524), or a first registration
# date that is no date ("/08/2012": 435/462/447/429 -> 435/464/448/429; 904-905 same; "0903/2019",
# a lost slash, is read whole since the tenth session)
KEY_VALUES = ("plate", "engine", "chassis", "id", "first_issue_date")


@dataclass
class SideScan:
    """What one photo gave: a side's fields, or the reason it could not be read."""

    result: SideResult | None
    reason: Reason | None = None
    corners: NDArray[np.float64] | None = None
    flipped: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    lines: list[fx.Line] = field(default_factory=list)

    @property
    def message(self) -> str:
        return REASON_MESSAGES[self.reason] if self.reason else "ok"


@dataclass
class ScanResult:
    """The API envelope and, per input photo in order, what was seen (for the CLI, logs and kiosk)."""

    envelope: Envelope
    sides: list[SideScan]
    swapped: bool = False  # two photos given back first

    @property
    def messages(self) -> list[str]:
        return [s.message for s in self.sides]


def text_lines(card: Image, params: LineParams | None = None, layers: CardLayers | None = None) -> list[LineBox]:
    """Line boxes of a rectified card, less the specks of its printed border (no text lies there)."""
    h, w = card.shape[:2]
    mx, my = EDGE_BAND * w, 0.6 * EDGE_BAND * w
    return [b for b in detect_lines(card, params or LineParams(), layers)
            if b.x1 > mx and b.x0 < w - mx and b.y1 > my and b.y0 < h - my and b.width >= 0.5 * b.height]


def _contrast_params(layers: CardLayers) -> LineParams:
    """The first look's ink thresholds for this card: a blurred or faded card (a small one in
    the photo, enlarged) has no print as dark as a sharp one's, and its letters break into
    specks at the usual thresholds; they are moved towards the paper as far as its darkest
    print is (1st percentile of the darkness over the paper) past a usual card's."""
    usual = LineParams()
    m = INK_LEVEL_MARGIN
    level = float(np.percentile(layers.dark_ratio[m:-m:3, m:-m:3], 1))
    if level <= PALE_PRINT:
        return usual
    span = (1 - level) / (1 - USUAL_PRINT)
    return replace(usual, ink_threshold=1 - (1 - usual.ink_threshold) * span,
                   weak_ink_threshold=1 - (1 - usual.weak_ink_threshold) * span)


def _wants_second_look(classified: fx.Classified, raw: dict[str, fx.Raw]) -> bool:
    """A label found without its value, a name or address read as a few letters, or a plate, engine
    or chassis number, id or first registration date read as no such value could be (a piece of a
    faint one)."""
    labelled = {key for _, key in classified.labels}
    return any(key in ASKS_FOR_VALUE and key not in raw for key in labelled) or any(
        key in labelled and key in raw and sum(c.isalpha() for c in raw[key].text) < MIN_WORDY_LETTERS
        for key in fx.WORDY) or any(key in raw and doubtful(key, raw[key].text) for key in KEY_VALUES)


def faint_lines(card: Image, found: Sequence[LineBox],
                layers: CardLayers | None = None) -> tuple[list[LineBox], set[int]]:
    """Lines a laxer look at grey print finds (a worn ribbon's values), and which of the lines
    already found they take the place of: bits of a faint line the first look caught (a letter or
    two), wholly inside it, or pieces of its own row, which it is read again with as one line (the
    faint words between them, the faint ends and marks their boxes cut off).  A line that overlaps
    one already found on another row is left out."""
    out: list[LineBox] = []
    replaced: set[int] = set()
    for b in text_lines(card, FAINT, layers):
        if not MIN_FAINT_HEIGHT <= b.height <= MAX_FAINT_HEIGHT:
            continue
        hits = [i for i, o in enumerate(found)
                if _shared(b, o) > 0.15 * min(b.width * b.height, o.width * o.height)]
        inside = [_shared(b, found[i]) >= 0.6 * found[i].width * found[i].height
                  and b.width >= 1.5 * found[i].width for i in hits]
        if all(inside):
            out.append(b)
            replaced.update(hits)
        elif all(ok or _same_row(b, found[i]) for ok, i in zip(inside, hits, strict=True)):
            # the faint line and the pieces of its row the first look found, read again as one
            # line: what joins them, or a line's faint ends and marks the first box cut off
            joined = _union(b, *(found[i] for i in hits))
            if len(hits) > 1 or _grown(joined, found[hits[0]]):
                out.append(joined)
                replaced.update(hits)
    return _absorb_neighbours(out, found, replaced)


def _union(*boxes: LineBox) -> LineBox:
    return LineBox(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes),
                   max(b.y1 for b in boxes))


def _grown(a: LineBox, b: LineBox) -> bool:
    return max(b.x0 - a.x0, b.y0 - a.y0, a.x1 - b.x1, a.y1 - b.y1) >= MIN_GROWTH


def _same_row(a: LineBox, b: LineBox) -> bool:
    shared = min(a.y1, b.y1) - max(a.y0, b.y0)
    return shared >= 0.6 * min(a.height, b.height) and max(a.height, b.height) <= 1.6 * min(a.height, b.height)


def _near(a: LineBox, b: LineBox) -> bool:
    """On one row, overlapping or apart by less than ``ADJACENT`` of their height."""
    gap = max(a.x0, b.x0) - min(a.x1, b.x1)
    return _same_row(a, b) and gap <= ADJACENT * min(a.height, b.height)


def _absorb_neighbours(boxes: list[LineBox], found: Sequence[LineBox],
                       replaced: set[int]) -> tuple[list[LineBox], set[int]]:
    """Each faint line grown over the pieces of its row that all but touch it (the first look's
    "NG" beside the second's "UYỄN BẢO TUẤN")."""
    out = []
    for b in boxes:
        grew = True
        while grew:
            grew = False
            for i, o in enumerate(found):
                if i not in replaced and _near(b, o):
                    b = _union(b, o)
                    replaced.add(i)
                    grew = True
        out.append(b)
    return _merge_rows(out), replaced


def _merge_rows(boxes: list[LineBox]) -> list[LineBox]:
    """Lines on one row that now overlap or all but touch (two faint lines grown over one piece) become one."""
    out: list[LineBox] = []
    for b in sorted(boxes, key=lambda b: b.x0):
        for k, o in enumerate(out):
            if _near(b, o):
                out[k] = _union(o, b)
                break
        else:
            out.append(b)
    return out


def _stamp_high_left(layers: CardLayers) -> bool:
    """The card's round stamp found in its upper left quarter (an upright back has it low on the
    right, over the dated line): the card is upside down, as the reading then checks."""
    if layers.card.ndim != 3:
        return False
    disc, _ = layers.stamp
    x, y, w, h = cv2.boundingRect(disc)
    if not (w and h):
        return False
    card_h, card_w = disc.shape
    return bool(y + h / 2 < 0.5 * card_h and x + w / 2 < 0.5 * card_w)


def _shared(a: LineBox, b: LineBox) -> int:
    return overlap(a.as_tuple(), b.as_tuple())


# fields with a validator whose value, read as none can be, is read again with room at its ends
WIDER_KEYS = ("first_issue_date", "last_issue_date", "plate", "engine", "chassis", "id", "capacity")
PLACED = 2  # places known at an address's end (of province, district, ward) below which it is looked at again
ROW_GAP_READ = 2.0  # line heights between two pieces of an address row: read again whole ...
ROW_REACH = 12.0  # ... a piece of it this far right of the last one on its row included
DATED_TRIES = 2  # lines tried as the dated line when no piece of it was read as one
SURE_ID = 0.9  # a certificate number read at least this surely, and like one, is not read again
# what a faint address start may be: a word a lane, group or home is numbered after, with its
# number, or a house number
ADDRESS_OPENING = re.compile(r"(?:(?:" + "|".join((*NUMBERED_WORDS.values(), "Lô", "Căn hộ", "Phòng"))
                             + r")(?: \w+)?,?|\d+\w?(?:/\d+)*,?)")


def _widened(box: LineBox, card_width: int, left: int, right: int) -> LineBox:
    """``box`` grown by ``left`` and ``right`` pixels, not into the card's edge band, never narrower."""
    return LineBox(min(box.x0, max(int(EDGE_BAND * card_width), box.x0 - left)), box.y0,
                   max(box.x1, min(int((1 - EDGE_BAND) * card_width), box.x1 + right)), box.y1)


def _source(lines: list[fx.Line], part: fx.Line) -> fx.Line | None:
    """The line a field's part was cut from (``fx.Line`` parts keep only a box), if one overlaps it."""
    src = max(lines, key=lambda ln: overlap(ln.box, part.box))
    return src if overlap(src.box, part.box) > 0 else None


def crop_line(card: Image, box: LineBox) -> Image:
    """The crop the recogniser reads for ``box``: a margin around it, inside any rule at its ends."""
    pad_y = max(2, box.height // 6)
    pad_x = max(2, box.height // 4)
    h, w = card.shape[:2]
    x0, x1 = _inside_rules(card, box, max(0, box.x0 - pad_x), min(w, box.x1 + pad_x))
    return card[max(0, box.y0 - pad_y): min(h, box.y1 + pad_y), x0:x1]


def _inside_rules(card: Image, box: LineBox, x0: int, x1: int) -> tuple[int, int]:
    """A crop's ends (``x0``, ``x1``) moved inside a vertical rule at either end of the line: a
    cell's faint or dashed border that the rule filter left in pieces, whose piece beside the
    line joined it, or that the crop's margin takes in, is read as a "1" or an "I" ("14c" for
    "4C"). A rule runs on above and below the line; a letter's upright does not."""
    reach = max(2, box.height // 2)  # the columns looked at at each end, inside the box
    left = np.flatnonzero(_rule_columns(card, box, x0, min(box.x1, box.x0 + reach)))
    right = np.flatnonzero(_rule_columns(card, box, max(x0, box.x1 - reach), x1))
    new0 = x0 + int(left[-1]) + 2 if len(left) else x0  # past the rule's soft edge
    new1 = max(x0, box.x1 - reach) + int(right[0]) - 1 if len(right) else x1
    if new1 - new0 < max(4, box.height // 2):  # the line is a piece of the rule itself: read as it is
        return x0, x1
    return new0, new1


def _rule_columns(card: Image, box: LineBox, x0: int, x1: int) -> NDArray[np.bool_]:
    """Which of the columns ``x0``..``x1`` carry a vertical rule through ``box``'s rows: dark along
    most of them and along most of a line's height both above and below (the paper's brightness
    taken in this small window, as the light falls across the card)."""
    h, y0, y1, bh = card.shape[0], box.y0, box.y1, box.height
    if y0 - bh < 0 or y1 + bh > h or x1 <= x0:
        return np.zeros(max(0, x1 - x0), bool)
    cut = card[y0 - bh: y1 + bh, x0:x1]
    grey = np.asarray(cv2.min(cv2.min(cut[..., 0], cut[..., 1]), cut[..., 2]) if cut.ndim == 3 else cut,
                      np.uint8)  # cv2's minimum: eight times np.min's speed on a small window
    flat = grey.ravel()
    k = (3 * flat.size) // 4
    ink = grey < RULE_INK * float(np.partition(flat, k)[k])  # the paper: the upper quartile
    rule = np.asarray(ink[bh:-bh].mean(axis=0) >= RULE_IN, bool)
    if not rule.any():  # the usual case, settled on the line's own rows
        return rule
    return np.asarray(rule & (ink[:bh].mean(axis=0) >= RULE_OUT) & (ink[-bh:].mean(axis=0) >= RULE_OUT), bool)


class Pipeline:
    """Locate, rectify, orient, find lines, read them and extract the fields of one card side."""

    def __init__(self, recognizer: Recognizer) -> None:
        self.recognizer = recognizer

    @classmethod
    def load(cls, ocr: OcrConfig, models_dir: Path | None = None) -> Pipeline:
        folder = models_dir or ocr.models_path()
        return cls(Recognizer.load(folder, ocr.backend, ocr.precision, ocr.threads, spelling=ocr.spelling))

    def scan(self, images: Sequence[Image], thumb: bool = False) -> ScanResult:
        """One or two photos -> the envelope: one item per readable side, errorCode 1 when none is."""
        scans = [self.scan_side(img, thumb) for img in images]
        results = [s.result for s in scans if s.result is not None]
        types = [r.type for r in results]
        swapped = len(types) == 2 and types == [SideType.BACK, SideType.FRONT]
        if len(types) == 2 and types[0] != types[1]:
            front, back = (results[1], results[0]) if swapped else (results[0], results[1])
            front, back = cross_sides(front, back)
            results = [front, back]
        if not results:
            return ScanResult(Envelope.error(ErrorCode.NO_CONTENT), scans)
        return ScanResult(Envelope.success(results), scans, swapped)

    def scan_side(self, image: Image, thumb: bool = False) -> SideScan:
        timings: dict[str, float] = {}
        quad = _timed(timings, "localise", lambda: locate_card(image, "accurate"))
        if quad is None:
            return SideScan(None, "no_card", timings=timings)
        reason = measure(image, quad).reason()
        if reason is not None:
            return SideScan(None, reason, quad.corners, timings=timings)
        card = _timed(timings, "rectify", lambda: rectify(image, quad))
        layers = CardLayers(card)
        # a back's stamp lies low on its right: one high on the left says the card is upside
        # down, and it is turned before its lines are found (found once, not again once read)
        turned = _timed(timings, "lines", lambda: _stamp_high_left(layers))
        if turned:
            card = rotate180(card)
            layers = CardLayers(card)
        params = _timed(timings, "lines", lambda: _contrast_params(layers))  # the same either way up
        boxes = _timed(timings, "lines", lambda: text_lines(card, params, layers))
        flipped, known = _timed(timings, "recognise", lambda: self._upside_down(card, boxes))
        if flipped:  # nothing read is kept (``known`` is empty): the lines are found again
            card = rotate180(card)
            layers = CardLayers(card)
            boxes = _timed(timings, "lines", lambda: text_lines(card, params, layers))
        flipped = flipped != turned
        reads = _timed(timings, "recognise", lambda: self._read(card, boxes, known))
        lines = [fx.Line(b.as_tuple(), r.text, r.confidence, r) for b, r in zip(boxes, reads, strict=True)]
        t0 = time.perf_counter()
        classified = fx.classify(lines)
        raw = fx.extract(lines)
        if _wants_second_look(classified, raw):
            # a label without its value, a name read as a few letters, a key value that cannot be:
            # typed too faint for the first look
            t1 = time.perf_counter()
            again = self._with_faint(card, boxes, layers, lines, timings)
            if again is not None:
                lines = again
                classified = fx.classify(lines)
                raw = fx.extract(lines)
            t0 += time.perf_counter() - t1  # counted as lines and recognition, not extraction
        elif _unplaced_address(raw):
            # an address whose end is no known place: a faint word, or a piece of its row, lost;
            # the laxer look's address and name are taken where they were read more surely
            t1 = time.perf_counter()
            again = self._with_faint(card, boxes, layers, lines, timings)
            found = fx.extract(again) if again is not None else {}
            for key in fx.WORDY:
                if key in found and (key not in raw or found[key].confidence > raw[key].confidence):
                    raw[key] = found[key]
            t0 += time.perf_counter() - t1
        front, back = fx.side_scores(classified, raw)
        if max(front, back) < MIN_EVIDENCE:
            timings["extract"] = time.perf_counter() - t0
            return SideScan(None, "unreadable", quad.corners, flipped, timings, lines)
        side = SideType.FRONT if front > back else SideType.BACK
        t1 = time.perf_counter()
        if side == SideType.BACK:
            self._reread_dated_line(card, lines, raw)
        else:
            self._reread_id(card, classified, raw)
        self._reread_wider(card, lines, raw, side)
        self._address_gaps(card, lines, raw)
        self._address_start(card, lines, raw)
        t0 += time.perf_counter() - t1  # counted as recognition, not extraction
        timings["recognise"] += time.perf_counter() - t1
        result = side_result(side, raw)
        timings["extract"] = time.perf_counter() - t0
        if thumb:
            result.image = base64.b64encode(encode_jpeg(card, THUMB_QUALITY)).decode("ascii")
        corners = quad.corners if not flipped else np.roll(quad.corners, 2, axis=0)
        return SideScan(result, None, corners, flipped, timings, lines)

    def _with_faint(self, card: Image, boxes: list[LineBox], layers: CardLayers, lines: list[fx.Line],
                    timings: dict[str, float]) -> list[fx.Line] | None:
        """``lines`` with those of a laxer look at grey print (``faint_lines``) read in place of
        the pieces of them the first look caught; None when that look finds nothing more."""
        more, replaced = _timed(timings, "lines", lambda: faint_lines(card, boxes, layers))
        if not more:
            return None
        extra = _timed(timings, "recognise", lambda: self.recognizer.read([crop_line(card, b) for b in more]))
        again = [ln for i, ln in enumerate(lines) if i not in replaced]
        return again + [fx.Line(b.as_tuple(), r.text, r.confidence, r) for b, r in zip(more, extra, strict=True)]

    def _reread_dated_line(self, card: Image, lines: list[fx.Line], raw: dict[str, fx.Raw]) -> None:
        """The stamp breaks the dated line into pieces and hides digits: read its whole row again
        as one line, as it is and without the stamp, and keep the surest read that is a date."""
        current = raw.get("last_issue_date")
        h = card.shape[0]
        scored = [(_dated_words(ln.text), ln) for ln in lines
                  if ln.cy > 0.45 * h and fx.split_label(ln) is None and fx.match_label(ln.text) is None]
        anchors = [(k, ln) for k, ln in scored if k]
        if not anchors:
            if current is None:
                self._find_dated_line(card, [ln for _, ln in scored], raw)
            return
        anchor = max(anchors, key=lambda kl: (kl[0], kl[1].box[2] - kl[1].box[0]))[1]
        row = [ln for ln in lines if min(ln.box[3], anchor.box[3]) - max(ln.box[1], anchor.box[1])
               >= 0.4 * min(ln.height, anchor.height)]
        x0 = min(ln.box[0] for ln in row)
        x1 = max(ln.box[2] for ln in row)
        box = LineBox(x0, anchor.box[1], x1, anchor.box[3])
        # and wider: the year's digits or the place's first letter faded past finding at its ends
        w = card.shape[1]
        pad = anchor.height
        wider = _widened(LineBox(x0, anchor.box[1], x1, anchor.box[3]), w, 2 * pad, 4 * pad)
        crops = [crop_line(card, box), crop_line(card, wider)]
        # and without the stamp: its red (and a blue signature) is as light as the paper in the
        # brightest channel, where black and blue-black print stay dark
        crops += [np.ascontiguousarray(c.max(axis=2)) for c in crops if c.ndim == 3]
        reads = self.recognizer.read(crops)
        joined = " ".join(ln.text for ln in sorted(row, key=lambda ln: ln.box[0]))
        tries = [(r.text, r.confidence) for r in reads] + [(joined, min(ln.confidence for ln in row))]
        if current is not None:
            tries.append((current.text, current.confidence))
        dated = [t for t in tries if _dated_ok(t[0])]
        if dated:  # the surest read that is a place and a calendar date
            text, conf = max(dated, key=lambda t: t[1])
            raw["last_issue_date"] = fx.Raw(text, conf)
            return
        if current is None:  # no date in it: kept as read, for what its numbers agree with (validate)
            text, conf = max(tries, key=lambda tc: len(re.findall(r"\d\d", tc[0])))
            raw["last_issue_date"] = fx.Raw(text, conf)

    def _find_dated_line(self, card: Image, lines: list[fx.Line], raw: dict[str, fx.Raw]) -> None:
        """No piece of the dated line read as one (its words faint, the place under the stamp):
        the topmost unlabelled lines right of the middle in the lower half, each read again across
        to the card's right margin, where the rest of the line faded past finding; kept only if
        that is a place and a calendar date."""
        h, w = card.shape[:2]
        cands = sorted((ln for ln in lines if ln.cx > 0.45 * w and 0.55 * h < ln.cy < 0.85 * h
                        and ln.box[2] - ln.box[0] >= 2 * ln.height), key=lambda ln: ln.box[1])
        for ln in cands[:DATED_TRIES]:
            box = LineBox(ln.box[0], ln.box[1], ln.box[2], ln.box[3])
            wide = LineBox(max(0, box.x0 - 2 * box.height), box.y0, int(w * (1 - EDGE_BAND)), box.y1)
            crops = [crop_line(card, wide)]
            crops += [np.ascontiguousarray(c.max(axis=2)) for c in crops if c.ndim == 3]
            dated = [r for r in self.recognizer.read(crops) if _dated_ok(r.text)]
            if dated:
                best = max(dated, key=lambda r: r.confidence)
                raw["last_issue_date"] = fx.Raw(best.text, best.confidence)
                return

    def _reread_wider(self, card: Image, lines: list[fx.Line], raw: dict[str, fx.Raw], side: SideType) -> None:
        """A key value or date read as none can be (cut short, "/10/202"): its line read again with
        room at both ends, where the print faded past the line finder; kept only if it then can be."""
        w = card.shape[1]
        for key in (k for k in WIDER_KEYS if k in SIDE_FIELDS[side]):
            r = raw.get(key)
            src = _source(lines, r.lines[-1]) if r is not None and r.lines and doubtful(key, r.text) else None
            if src is None:
                continue
            box = LineBox(*src.box)
            boxes = [_widened(box, w, 2 * box.height, k * box.height) for k in (1, 3)]
            for again in self._extract_with(card, lines, src, boxes):
                if key in again and not doubtful(key, again[key].text):
                    raw[key] = again[key]
                    break

    def _address_gaps(self, card: Image, lines: list[fx.Line], raw: dict[str, fx.Raw]) -> None:
        """An address row read in pieces far apart (faint words between them the line finder left
        out, "H. [Cam Lâm,] Khánh Hòa"), or with such a piece of it left on its row: the row read
        again whole, from its first piece to its last, kept when the address then names at least
        as many known places and is longer."""
        r = raw.get("address")
        if r is None or not r.lines:
            return
        others = {id(_source(lines, p)) for k, v in raw.items() if k != "address" for p in v.lines}
        for row in (sorted(row, key=lambda p: p.box[0]) for row in fx.rows_of(r.lines)):
            srcs = [_source(lines, p) for p in row]
            if any(src is None for src in srcs):
                continue
            h = max(p.height for p in row)
            rest = sorted((ln for ln in lines if ln.box[0] > row[-1].box[2] and id(ln) not in others
                           and ln not in srcs and fx.same_row(ln, row[0]) and fx.match_label(ln.text) is None),
                          key=lambda ln: ln.box[0])
            pieces = [src for src in srcs if src is not None]
            for ln in rest:  # the row's pieces to its right, each within reach of the one before
                if ln.box[0] - pieces[-1].box[2] > ROW_REACH * h:
                    break
                pieces.append(ln)
            gaps = [b.box[0] - a.box[2] for a, b in pairwise(sorted(pieces, key=lambda p: p.box[0]))]
            if not gaps or max(gaps) < ROW_GAP_READ * h:
                continue
            whole = _union(*(LineBox(*p.box) for p in pieces))
            read = self.recognizer.read([crop_line(card, whole)])[0]
            again = [ln for ln in lines if ln not in pieces]
            again.append(fx.Line(whole.as_tuple(), read.text, read.confidence, read))
            new = fx.extract(again).get("address")
            if new is not None and len(new.text) > len(r.text) \
                    and known_address(new.text)[1] >= known_address(r.text)[1]:
                raw["address"] = new
            return

    def _address_start(self, card: Image, lines: list[fx.Line], raw: dict[str, fx.Raw]) -> None:
        """An address whose first words were printed too faint for its line's box ("64 Nguyễn Thị
        Minh Khai" for "Số 64 …"): its first line read again with room to its left, kept when that
        only adds an address's opening ("Số", "Xóm", a house number) before what was read."""
        r = raw.get("address")
        if r is None or not r.lines or base_letters(r.text.split(" ", 1)[0]).lower() in OPENING_WORDS:
            return  # nothing is printed before "Số", "Xóm", "Thôn" ...: no second read
        src = _source(lines, r.lines[0])
        if src is None:
            return
        box = LineBox(*src.box)
        wider = _widened(box, card.shape[1], 3 * box.height, 0)
        if wider.x0 >= box.x0 - 4:
            return
        new = self._extract_with(card, lines, src, [wider])[0].get("address")
        if new is None or not new.text.endswith(r.text) or len(new.text) <= len(r.text):
            return
        head = new.text[: len(new.text) - len(r.text)]
        if head.endswith(" ") and ADDRESS_OPENING.fullmatch(head.strip()):  # a word of its own
            raw["address"] = new

    def _extract_with(self, card: Image, lines: list[fx.Line], src: fx.Line,
                      boxes: list[LineBox]) -> list[dict[str, fx.Raw]]:
        """The fields found again with line ``src`` read instead from each of ``boxes``."""
        reads = self.recognizer.read([crop_line(card, b) for b in boxes])
        return [fx.extract([fx.Line(b.as_tuple(), r.text, r.confidence, r) if ln is src else ln for ln in lines])
                for b, r in zip(boxes, reads, strict=True)]

    def _reread_id(self, card: Image, classified: fx.Classified, raw: dict[str, fx.Raw]) -> None:
        """The certificate number read unsurely or not at all: read again cut to its own print
        beside the title (`edge.document.idnumber`), kept where that reads surer."""
        current = raw.get("id")
        if current is not None and current.confidence >= SURE_ID and not doubtful("id", current.text):
            return
        titles = classified.headings.get("title")
        if not titles:
            return
        box = number_box(card, max(titles, key=lambda ln: ln.box[2] - ln.box[0]))
        if box is None:
            return
        read = self.recognizer.read([crop_line(card, box)])[0]
        span = number_in(read.text)
        if span is None:
            return
        number = read.text[span[0]:span[1]]
        if current is None or doubtful("id", current.text) or read.confidence > current.confidence:
            raw["id"] = fx.Raw(number, read.confidence, (fx.Line(box.as_tuple(), read.text, read.confidence, read),))

    def _upside_down(self, card: Image, boxes: list[LineBox]) -> tuple[bool, dict[int, LineRead]]:
        """Read the widest lines as they are and turned over; the way that reads surer wins.  Also
        the reads of those lines (by index) when the card is upright: they need not be read again."""
        if not boxes:
            return False, {}
        widest = sorted(range(len(boxes)), key=lambda i: boxes[i].width, reverse=True)[:ORIENT_LINES]
        crops = [crop_line(card, boxes[i]) for i in widest]
        reads = self.recognizer.read(crops)
        upright = _sureness(reads)
        if upright >= SURE_UPRIGHT:  # reads clearly as it is: no need to try it turned over
            return False, dict(zip(widest, reads, strict=True))
        turned = _sureness(self.recognizer.read([np.ascontiguousarray(c[::-1, ::-1]) for c in crops]))
        flipped = turned > upright
        return flipped, ({} if flipped else dict(zip(widest, reads, strict=True)))

    def _read(self, card: Image, boxes: list[LineBox], known: dict[int, LineRead]) -> list[LineRead]:
        """Every line read, those already read (``known``, by index) taken as they are."""
        todo = [i for i in range(len(boxes)) if i not in known]
        fresh = dict(zip(todo, self.recognizer.read([crop_line(card, boxes[i]) for i in todo]), strict=True))
        return [known[i] if i in known else fresh[i] for i in range(len(boxes))]


def _sureness(reads: list[LineRead]) -> float:
    """Mean probability over every character read: text the wrong way up is a guess throughout.

    Weighted by characters, not lines: a speck read as one or two letters either way up must not
    outvote the long lines that say which way up the card is.
    """
    probs = [p for r in reads for p in r.char_probs]
    return float(np.mean(probs)) if probs else 0.0


def _unplaced_address(raw: dict[str, fx.Raw]) -> bool:
    """An address read with no more than one of its province, district and ward known."""
    return "address" in raw and known_address(raw["address"].text)[1] <= PLACED


def _dated_words(text: str) -> int:
    """How many of the dated line's words ``text`` holds: "tháng", "năm", "ngày", the longer two
    also with a letter lost or misread ("này", "thág"): a piece of the line the stamp broke."""
    return sum(w == "nam" or any(Levenshtein.distance(w, k) <= 1 for k in ("ngay", "thang"))
               for w in re.findall(r"[a-z]+", fx.fold(text)))


def _dated_ok(text: str) -> bool:
    parsed = dated_line(text)
    return parsed is not None and parsed[0].valid and parsed[1].valid


def _timed(timings: dict[str, float], stage: str, fn: Callable[[], T]) -> T:
    t0 = time.perf_counter()
    out = fn()
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0
    return out
