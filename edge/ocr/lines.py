"""Find every printed text line on a rectified card (classical, numpy + OpenCV, ~ms on a Pi).

The card's security print is pale (blue-green guilloche) and the text is dark or saturated
red, so ink is what stays dark after dividing out the paper's shading.  Ruled grid lines and
dotted rules are removed by shape, the stamp by its size in the red channel; characters (with
their diacritics) are joined into words by a small dilation, and words into lines when they sit
on the same row with a gap under about one text height.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

UInt8 = NDArray[np.uint8]


@dataclass(frozen=True)
class LineBox:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True)
class LineParams:
    ink_threshold: float = 0.62  # ink is darker than this fraction of the local paper brightness
    min_height: int = 6
    max_height: int = 90
    word_gap: float = 1.2


def ink_mask(card: UInt8, params: LineParams = LineParams()) -> UInt8:
    """Binary mask of printed ink (text, rules, stamp) with the paper's shading divided out."""
    dark = card.min(axis=2) if card.ndim == 3 else card
    paper = cv2.dilate(dark, np.ones((1, 31), np.uint8))
    paper = cv2.dilate(paper, np.ones((31, 1), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), 8)
    ratio = dark.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    mask = (ratio < params.ink_threshold).astype(np.uint8) * 255
    if card.ndim == 3:
        mask[_stamp_mask(card) > 0] = 0
    return np.asarray(mask, np.uint8)


def _stamp_mask(card: UInt8) -> UInt8:
    """Red ink that forms a blob far taller than a line of text: the round stamp."""
    hsv = cv2.cvtColor(card, cv2.COLOR_BGR2HSV)
    hue, sat = hsv[:, :, 0], hsv[:, :, 1]
    red = (((hue < 12) | (hue > 165)) & (sat > 50)).astype(np.uint8) * 255
    blob = cv2.morphologyEx(red, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] > 60 and stats[i, cv2.CC_STAT_WIDTH] > 60]
    if not big:
        return np.zeros_like(red)
    out = np.isin(labels, big).astype(np.uint8) * 255
    return np.asarray(cv2.bitwise_and(cv2.dilate(out, np.ones((3, 3), np.uint8)), red), np.uint8)


def _remove_rules(mask: UInt8) -> UInt8:
    """Drop ruled lines (long and thin, either direction), dotted rules and the card's frame."""
    h_lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, 45), np.uint8))
    v_lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((45, 1), np.uint8))
    rules = cv2.dilate(cv2.bitwise_or(h_lines, v_lines), np.ones((3, 3), np.uint8))  # and their soft edges
    out = cv2.subtract(mask, rules)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(out, connectivity=8)
    tiny_ids = np.nonzero((stats[:, cv2.CC_STAT_HEIGHT] <= 3) & (stats[:, cv2.CC_STAT_WIDTH] <= 4))[0]
    tiny_ids = tiny_ids[tiny_ids > 0]
    if len(tiny_ids):
        tiny = np.isin(labels, tiny_ids).astype(np.uint8) * 255
        # dots in a long horizontal chain are a dotted rule; a colon's two dots are not
        chains = cv2.dilate(tiny, np.ones((1, 9), np.uint8))
        m, chain_labels, chain_stats, _ = cv2.connectedComponentsWithStats(chains, connectivity=8)
        rule_ids = np.nonzero((chain_stats[:, cv2.CC_STAT_WIDTH] > 40) & (chain_stats[:, cv2.CC_STAT_HEIGHT] <= 6))[0]
        rule_ids = rule_ids[rule_ids > 0]
        if len(rule_ids):
            out[(tiny > 0) & np.isin(chain_labels, rule_ids)] = 0
    margin = 14  # the printed frame and the card's edge
    out[:margin, :] = 0
    out[-margin:, :] = 0
    out[:, :margin] = 0
    out[:, -margin:] = 0
    return np.asarray(out, np.uint8)


# A letter blob: x0, y0, x1, y1, and whether it is a colon (which ends a label).
Frag = tuple[int, int, int, int, bool]


def _letters(ink: UInt8, params: LineParams) -> list[Frag]:
    """Letters with their diacritics (joined by a vertical dilation), as boxes; colons flagged."""
    blobs = cv2.dilate(ink, np.ones((7, 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    frags: list[Frag] = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i, :5])
        if h > params.max_height or area < 4:
            continue
        box = (x, y + 3, x + w, y + h - 3)  # the dilation added 3 px above and below
        colon = False
        if w <= 0.5 * h and h >= 7:
            sub = (ink[y : y + h, x : x + w] > 0) & (labels[y : y + h, x : x + w] == i)
            colon = _is_colon(sub.astype(np.uint8))
        frags.append((*box, colon))
    return frags


def _is_colon(ink: UInt8) -> bool:
    """Two small, similar dots one above the other."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n != 3:
        return False
    (x1, y1, w1, h1, a1), (x2, y2, w2, h2, a2) = (tuple(int(v) for v in stats[k, :5]) for k in (1, 2))
    square = max(h1, h2) <= 2 * min(w1, w2) + 1 and max(w1, w2) <= 2 * min(h1, h2) + 1
    stacked = abs((x1 + w1 / 2) - (x2 + w2 / 2)) <= max(w1, w2) and abs(y1 - y2) >= max(h1, h2)
    return square and stacked and max(a1, a2) <= 3 * min(a1, a2) + 2


def detect_lines(card: UInt8, params: LineParams = LineParams()) -> list[LineBox]:
    """Text-line boxes (x0, y0, x1, y1; x1/y1 exclusive) in reading order."""
    ink = _remove_rules(ink_mask(card, params))
    lines = _group(_letters(ink, params), params.word_gap)
    return [LineBox(*b[:4]) for b in lines if b[3] - b[1] >= params.min_height and b[2] - b[0] >= 4]


def _group(frags: list[Frag], gap: float) -> list[list[int]]:
    """Merge letters, left to right, into the line on their row whose end is near enough.

    A letter joins a line when it overlaps the line's row by half the smaller height (commas and
    dots included) and the gap is under ``gap`` times the line's height; a colon closes a line
    (what follows a label's colon is its value, a line of its own).
    """
    ordered = sorted(frags, key=lambda b: (b[0], b[1]))
    open_lines: list[list[int]] = []  # x0, y0, x1, y1, closed
    for x0, y0, x1, y1, colon in ordered:
        best, best_gap = None, 1e9
        bh = y1 - y0
        for line in open_lines:
            if line[4]:
                continue
            lh = line[3] - line[1]
            overlap = min(line[3], y1) - max(line[1], y0)
            if overlap < 0.5 * min(bh, lh) or bh > 1.8 * lh + 4:
                continue
            dx = x0 - line[2]
            if dx > gap * max(lh, 0.8 * bh) or x0 < line[0] - 2:
                continue
            if dx < best_gap:
                best, best_gap = line, dx
        if best is None:
            open_lines.append([x0, y0, x1, y1, int(colon)])
        else:
            best[:] = [min(best[0], x0), min(best[1], y0), max(best[2], x1), max(best[3], y1), int(colon)]
    lines = [line[:4] for line in open_lines]
    lines.sort(key=lambda b: ((b[1] + b[3]) // 2 // 12, b[0]))
    return lines


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0
