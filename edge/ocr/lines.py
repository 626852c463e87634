"""Find every printed text line on a rectified card (classical: numpy + OpenCV, no model).

The card's security print is pale blue-green and the text dark or saturated red, so ink is what
stays dark after dividing out the paper's shading (with hysteresis, so thin light strokes of a
worn ribbon survive).  Ruled lines, dotted rules and the frame are removed by shape; the round
stamp by its red disc (black print under it stays).  Components are split into letters and
marks (tone marks, dots, commas); letters join left to right into the line on their row while
the gap stays under ``word_gap`` text heights, a colon closes a label so its value starts a line
of its own, and marks join the line they sit on or above.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

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


SIDE_ZONE = 28  # card pixels along the left and right edges where no print lies (it starts at 45)
GREY_MARGIN = 26  # card pixels along the edges where faint grey is the frame, not print
ARC_HEIGHT = 26  # card pixels: taller than any letter with its marks
MARK_AREA = 20  # pixels: a dot, a colon's dot, a tone mark
GREY_SPECK = 6  # pixels: a grey speck on its own
RULE_DOTS = 6  # dots in a chain that make it a dotted rule
TALL_LINE = 1.8  # a line this many times the text's height may be text run into a stamp's arcs
TWO_ROWS = 1.5  # a line this many times the text's height may be two rows run together
ROW_VALLEY = 0.25  # two touching rows: the thinnest ink row between them, against the thinner row's peak
TRIM_CONTRAST = 2.0  # ... when its ink is this much denser in one text-high row than elsewhere
INSIDE = 0.8  # share of a line's box within a wider line's of about its height (SAME_HEIGHT): a piece of it
SAME_HEIGHT = 1.3
COLON_TOUCH = 0.15  # line heights: a "colon" this close to the next letter is a thin letter broken in two


@dataclass(frozen=True)
class LineParams:
    ink_threshold: float = 0.62  # ink is darker than this fraction of the local paper brightness
    weak_ink_threshold: float = 0.72  # fainter pixels count when connected to ink
    # a worn grey ribbon's print is dark in every channel, where the pale security print is not:
    # neutral pixels this dark (of the brightest channel's paper) count as ink too
    grey_threshold: float = 0.72
    weak_grey_threshold: float = 0.78
    max_chroma: float = 0.25  # grey ink's spread across channels, as a share of its brightest one
    min_height: int = 6
    max_height: int = 90
    word_gap: float = 2.0


class CardLayers:
    """What every look at one card shares, whatever its thresholds: the colour channels, the
    darkest and brightest channel over the paper's local brightness, the stamp.  Each is made on
    first use; a second look at the card (``LineParams`` laxer for grey) reuses them."""

    def __init__(self, card: UInt8) -> None:
        self.card = card

    @cached_property
    def channels(self) -> tuple[UInt8, UInt8, UInt8]:
        b, g, r = (np.asarray(c, np.uint8) for c in cv2.split(self.card))
        return b, g, r

    @cached_property
    def dark(self) -> UInt8:
        if self.card.ndim != 3:
            return self.card
        b, g, r = self.channels
        return np.asarray(cv2.min(cv2.min(b, g), r), np.uint8)

    @cached_property
    def dark_ratio(self) -> NDArray[np.float32]:
        return _shade_ratio(self.dark)

    @cached_property
    def light(self) -> UInt8:
        b, g, r = self.channels
        return np.asarray(cv2.max(cv2.max(b, g), r), np.uint8)

    @cached_property
    def light_ratio(self) -> NDArray[np.float32]:
        return _shade_ratio(self.light)

    @cached_property
    def stamp(self) -> tuple[UInt8, UInt8]:
        return _stamp(self.card)


def ink_mask(card: UInt8, params: LineParams = LineParams(), layers: CardLayers | None = None) -> UInt8:
    """Binary mask of printed ink (text, rules, stamp) with the paper's shading divided out."""
    layers = layers if layers is not None else CardLayers(card)
    ratio = layers.dark_ratio
    mask = _hysteresis(ratio < params.ink_threshold, ratio < params.weak_ink_threshold)
    if card.ndim == 3 and params.grey_threshold < 1.0:
        mask |= _grey_ink(layers, mask, params)
    if card.ndim == 3:
        disc, red = layers.stamp
        mask[red > 0] = 0
        x, y, w, h = cv2.boundingRect(disc)
        if w and h:  # the stamp's speckle and arcs of its ring left dark: ink in its disc that is no letter
            sub = mask[y:y + h, x:x + w]
            _, labels, stats, _ = cv2.connectedComponentsWithStats(sub & disc[y:y + h, x:x + w], connectivity=8)
            tall = stats[:, cv2.CC_STAT_HEIGHT] > ARC_HEIGHT
            sparse = stats[:, cv2.CC_STAT_AREA] < 0.15 * stats[:, cv2.CC_STAT_WIDTH] * stats[:, cv2.CC_STAT_HEIGHT]
            speck = (stats[:, cv2.CC_STAT_AREA] < 8) | (tall & sparse)
            speck[0] = False
            sub[speck[labels]] = 0
    return np.asarray(mask, np.uint8)


def _hysteresis(strong: NDArray[np.bool_], weak: NDArray[np.bool_]) -> UInt8:
    """The weak pixels connected to a strong one: faint anti-aliased strokes of clearly dark ink."""
    n, labels = cv2.connectedComponents(weak.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, np.uint8)
    keep[labels[strong]] = 255  # a look-up table over the components, then one gather
    keep[0] = 0
    return _gather(keep, labels)


def _grey_ink(layers: CardLayers, mask: UInt8, params: LineParams) -> UInt8:
    """Print of a worn grey ribbon, too light for the darkest channel's threshold: dark in every
    channel, where the pale security print is dark in one.  It may grow what is already found (a
    blurred stroke's soft edge) but never join a mark to it (the colon's dot beside a letter)."""
    light, dark, grey = layers.light, layers.dark, layers.light_ratio
    # neutral only: a red stamp's or a blue signature's pale edge is not a faint letter
    neutral = cv2.subtract(light, dark) < cv2.convertScaleAbs(light, alpha=params.max_chroma)
    neutral[:GREY_MARGIN] = neutral[-GREY_MARGIN:] = False  # nor the printed frame's pattern
    neutral[:, :GREY_MARGIN] = neutral[:, -GREY_MARGIN:] = False
    strong = (grey < params.grey_threshold) & neutral
    # soft edges a pixel deep only: no path along a grey background's wavy lines
    near = cv2.dilate(strong.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    found = _hysteresis(strong, (grey < params.weak_grey_threshold) & neutral & near)
    added = cv2.bitwise_and(found, cv2.bitwise_not(mask))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(added, connectivity=8)
    if n < 2:
        return np.asarray(added, np.uint8)
    k3 = np.ones((3, 3), np.uint8)
    _, old_labels, old, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    # a dot or a tone mark, not a bit of a faint letter: grey never grows one (a colon's dots are
    # told by their shape), and a speck of grey alone is no mark (two make a colon); two pieces
    # of a blurred letter may join
    dot = (old[:, cv2.CC_STAT_AREA] <= MARK_AREA) & (old[:, cv2.CC_STAT_WIDTH] <= 6) & (old[:, cv2.CC_STAT_HEIGHT] <= 6)
    dot[0] = False
    near_dot = cv2.dilate(_gather(dot.astype(np.uint8), old_labels), k3) > 0
    near_ink = cv2.dilate(mask, k3) > 0
    drop = np.zeros(n, bool)
    drop[labels[near_dot]] = True  # (the background's label 0 is dropped below in any case)
    touching = np.zeros(n, bool)
    touching[labels[near_ink]] = True
    drop |= ~touching & (stats[:, cv2.CC_STAT_AREA] <= GREY_SPECK)
    drop[0] = True
    return _gather(np.where(drop, 0, 255).astype(np.uint8), labels)


def _shade_ratio(channel: UInt8) -> NDArray[np.float32]:
    """Each pixel over the local paper brightness (a local maximum then a blur, at quarter
    resolution: the paper's shading varies slowly)."""
    h, w = channel.shape[:2]
    small = cv2.resize(channel, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    small = cv2.dilate(small, np.ones((9, 9), np.uint8))
    paper = cv2.resize(cv2.GaussianBlur(small, (0, 0), 2), (w, h), interpolation=cv2.INTER_LINEAR)
    return np.asarray(cv2.divide(channel, np.maximum(paper, 1), dtype=cv2.CV_32F), np.float32)


def _red_ink(img: UInt8, gains: NDArray[np.float32]) -> UInt8:
    """Pixels of red ink once the paper's cast is divided out (``gains`` per B, G, R)."""
    # each channel scaled apart: a 3x3 cv2.transform with a diagonal matrix is several times slower
    b, g, r = (c.astype(np.float32) * k for c, k in zip(cv2.split(img), gains.astype(np.float32), strict=True))
    return np.asarray(((r - np.maximum(g, b) > 28.0) & (r > 90)).astype(np.uint8) * 255, np.uint8)


def _stamp(card: UInt8) -> tuple[UInt8, UInt8]:
    """The round stamp: its disc, and its red ink (a red blob far taller than a line of text)."""
    h_img, w_img = card.shape[:2]
    none = np.zeros((h_img, w_img), np.uint8)
    # white-balanced on the paper (the card's median colour): a bluish or pink cast of the light or
    # the form is divided out, so a faded or blurred ring in a photo keeps R well above G and B
    paper = np.median(card[::8, ::8].reshape(-1, 3), axis=0).astype(np.float32)
    gains = (float(paper.max()) / np.maximum(paper, 1.0)).astype(np.float32)
    # the blobs at half resolution: the closing is the costliest step and a stamp is large
    half = _red_ink(_every_other(card), gains)
    blob = cv2.morphologyEx(half, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    if n < 2:
        return none, none
    stats = stats.astype(np.int64)
    stats[:, :4] *= 2
    stats[:, cv2.CC_STAT_AREA] *= 4
    # a faded ring in a photo breaks into arcs: gather the pieces around the largest one (of a
    # stamp's size: a red-brown printed frame or rule is far longer)
    order = np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1
    order = order[(stats[order, cv2.CC_STAT_WIDTH] < 280) & (stats[order, cv2.CC_STAT_HEIGHT] < 280)]
    if not len(order):
        return none, none
    x, y, w, h = (int(v) for v in stats[order[0], :4])
    cx, cy = x + w / 2, y + h / 2
    x0, y0, x1, y1 = x, y, x + w, y + h
    for i in order[1:]:
        if stats[i, cv2.CC_STAT_AREA] < 40:
            break
        px, py, pw, ph = (int(v) for v in stats[i, :4])
        if abs(px + pw / 2 - cx) < 110 and abs(py + ph / 2 - cy) < 110:
            x0, y0, x1, y1 = min(x0, px), min(y0, py), max(x1, px + pw), max(y1, py + ph)
    bw, bh = x1 - x0, y1 - y0
    if not (60 < bw < 280 and 60 < bh < 280 and 0.6 < bw / bh < 1.6):  # a stamp's size on the card
        return none, none
    disc = none.copy()
    centre, radius = ((x0 + x1) // 2, (y0 + y1) // 2), int(0.6 * max(bw, bh))
    cv2.circle(disc, centre, radius, 255, -1)  # ring text and star too
    # the red ink at full resolution, inside the disc only
    sx0, sy0 = max(0, centre[0] - radius), max(0, centre[1] - radius)
    sx1, sy1 = min(w_img, centre[0] + radius + 1), min(h_img, centre[1] + radius + 1)
    part = card[sy0:sy1, sx0:sx1]
    red = cv2.bitwise_and(_red_ink(np.ascontiguousarray(part), gains), disc[sy0:sy1, sx0:sx1])
    red[part.max(axis=2) < 110] = 0  # black print under the stamp's ink stays
    stamp_red = none.copy()
    stamp_red[sy0:sy1, sx0:sx1] = red
    return disc, stamp_red


def _every_other(img: UInt8) -> UInt8:
    """``img[::2, ::2]`` as a compact array: nearest-neighbour halving picks the same pixels when
    both sides are even (the canonical card), and is far faster than numpy's strided copy."""
    h, w = img.shape[:2]
    if h % 2 or w % 2:
        return np.ascontiguousarray(img[::2, ::2])
    return np.asarray(cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_NEAREST), np.uint8)


def _remove_rules(mask: UInt8) -> UInt8:
    """Drop ruled lines (long and thin, either direction), dotted rules and the card's frame."""
    h_lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, 45), np.uint8))
    v_lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((45, 1), np.uint8))
    rules = cv2.dilate(cv2.bitwise_or(h_lines, v_lines), np.ones((3, 3), np.uint8))  # and their soft edges
    out = cv2.subtract(mask, rules)
    _, labels, stats, centroids = cv2.connectedComponentsWithStats(out, connectivity=8)
    tiny_ids = np.nonzero((stats[:, cv2.CC_STAT_HEIGHT] <= 3) & (stats[:, cv2.CC_STAT_WIDTH] <= 4))[0]
    tiny_ids = tiny_ids[tiny_ids > 0]
    if len(tiny_ids):
        tiny = _lookup(labels, tiny_ids, len(stats))
        # dots in a long horizontal chain are a dotted rule; a colon's two dots are not, nor is
        # a colon's dot beside a few specks of the background's print: a rule has many dots
        chains = cv2.dilate(tiny, np.ones((1, 15), np.uint8))  # dots up to 14 px apart
        n_chains, chain_labels, chain_stats, _ = cv2.connectedComponentsWithStats(chains, connectivity=8)
        at = np.round(centroids[tiny_ids]).astype(np.int64)
        dots = np.bincount(chain_labels[at[:, 1], at[:, 0]], minlength=n_chains)
        long_thin = (chain_stats[:, cv2.CC_STAT_WIDTH] > 40) & (chain_stats[:, cv2.CC_STAT_HEIGHT] <= 6) \
            & (dots >= RULE_DOTS)
        rule_ids = np.nonzero(long_thin)[0]
        rule_ids = rule_ids[rule_ids > 0]
        if len(rule_ids):
            out[(tiny > 0) & (_lookup(chain_labels, rule_ids, n_chains) > 0)] = 0
    margin = 14  # the printed frame and the card's edge
    out[:margin, :] = 0
    out[-margin:, :] = 0
    out[:, :margin] = 0
    out[:, -margin:] = 0
    return np.asarray(out, np.uint8)


def _lookup(labels: NDArray[Any], ids: NDArray[np.int64], n: int) -> UInt8:
    """255 where a pixel's component is one of ``ids``: a look-up table over the components, then
    one gather (``np.isin`` sorts every pixel's label)."""
    table = np.zeros(n, np.uint8)
    table[ids] = 255
    return _gather(table, labels)


def _gather(table: UInt8, labels: NDArray[Any]) -> UInt8:
    """``table[labels]``, each pixel's component looked up: ``np.take`` is twice as fast as
    fancy indexing over a card's two-thirds of a million pixels."""
    return np.asarray(np.take(table, labels), np.uint8)


# A letter: x0, y0, x1, y1, and whether it is a colon (which ends a label).
Frag = tuple[int, int, int, int, bool]


def _components(ink: UInt8) -> NDArray[np.int32]:
    """(x0, y0, x1, y1, area) of each 8-connected ink component."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    st = stats[1:].astype(np.int32)
    return np.stack([st[:, 0], st[:, 1], st[:, 0] + st[:, 2], st[:, 1] + st[:, 3], st[:, 4]], axis=1)


def _split_marks(comps: NDArray[np.int32], params: LineParams) -> tuple[list[Frag], NDArray[np.int32]]:
    """Letters (with colons made of two dots) apart from marks: tone marks, dots, commas."""
    heights = comps[:, 3] - comps[:, 1]
    keep = (heights <= params.max_height) & (comps[:, 4] >= 2)
    comps, heights = comps[keep], heights[keep]
    solid = heights[(heights >= 5) & (comps[:, 4] >= 10)]
    typical = float(np.median(solid)) if len(solid) else 10.0
    # a piece of a ruled line too short to be removed as one (thin, taller than any letter), or an
    # arc of a stamp's ring or a signature's stroke (tall and sparse: the stamp faded past red)
    widths = comps[:, 2] - comps[:, 0]
    stroke = ((widths <= 4) & (heights > 2.5 * typical)) \
        | ((heights > 2.2 * typical) & (comps[:, 4] < 0.12 * widths * heights))
    comps, heights = comps[~stroke], heights[~stroke]
    letter = heights >= max(5.0, 0.45 * typical)
    letters: list[Frag] = [(int(c[0]), int(c[1]), int(c[2]), int(c[3]), False) for c in comps[letter]]
    bodies = comps[letter]
    marks = comps[~letter]
    used = np.zeros(len(marks), bool)
    order = np.argsort(marks[:, 0], kind="stable")
    for a_i, a in enumerate(order):
        if used[a]:
            continue
        ax0, ay0, ax1, ay1, aa = (int(v) for v in marks[a])
        for b in order[a_i + 1 :]:
            bx0, by0, bx1, by1, ba = (int(v) for v in marks[b])
            if bx0 > ax1 + 1:
                break
            w = max(ax1 - ax0, bx1 - bx0)
            h = max(ay1 - ay0, by1 - by0)
            gap = max(by0 - ay1, ay0 - by1)
            dots = all(0.5 * (y1 - y0) <= x1 - x0 <= 2.0 * (y1 - y0) + 1 and y1 - y0 <= 0.4 * typical + 1
                       for x0, y0, x1, y1 in ((ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1)))
            similar = dots and max(aa, ba) <= 3 * min(aa, ba) + 2
            if used[b] or not similar or abs((ax0 + ax1) - (bx0 + bx1)) > w or not (h <= gap <= 4 * h + 2):
                continue
            top, bottom = min(ay1, by1), max(ay0, by0)  # the empty space between the two dots
            between = ((bodies[:, 0] < max(ax1, bx1)) & (bodies[:, 2] > min(ax0, bx0))
                       & (bodies[:, 1] < bottom) & (bodies[:, 3] > top))
            if between.any():  # marks above and below a letter (Ộ, Ậ), not a colon
                continue
            used[a] = used[b] = True
            letters.append((min(ax0, bx0), min(ay0, by0), max(ax1, bx1), max(ay1, by1), True))
            break
    return letters, marks[~used]


def detect_lines(card: UInt8, params: LineParams = LineParams(), layers: CardLayers | None = None) -> list[LineBox]:
    """Text-line boxes (x0, y0, x1, y1; x1/y1 exclusive) in reading order.

    ``layers``: the card's ``CardLayers`` when it is looked at more than once.
    """
    ink = _remove_rules(ink_mask(card, params, layers))
    comps = _components(ink)
    # specks of the frame or the table under a card whose edge the rectification missed a little:
    # print never lies wholly this close to the card's left or right edge
    width = ink.shape[1]
    comps = comps[(comps[:, 2] > SIDE_ZONE) & (comps[:, 0] < width - SIDE_ZONE)]
    if not len(comps):
        return []
    letters, marks = _split_marks(comps, params)
    lines, leftover = _group(letters, marks, params.word_gap)
    _attach_marks(lines, leftover)
    text_h = _text_height(lines)
    if text_h is not None:
        _split_rows(lines, ink, text_h)
        _trim_tall(lines, ink, text_h)
    lines = [b for b in lines if not _inside_another(b, lines)]
    lines.sort(key=lambda b: ((b[1] + b[3]) // 2 // 12, b[0]))
    return [LineBox(*b[:4]) for b in lines if b[3] - b[1] >= params.min_height and b[2] - b[0] >= 4]


def _inside_another(box: list[int], lines: list[list[int]]) -> bool:
    """Most of ``box`` lies within a wider line's box of about its height: the start of a value
    printed close under its label, strung apart from the rest of its row when a letter joined the
    two rows (and that line cut back to the value's row), read whole in that line's crop."""
    x0, y0, x1, y1 = box[:4]
    return any(o is not box and o[2] - o[0] > x1 - x0 and o[3] - o[1] <= SAME_HEIGHT * (y1 - y0)
               and overlap((x0, y0, x1, y1), (o[0], o[1], o[2], o[3])) >= INSIDE * (x1 - x0) * (y1 - y0)
               for o in lines)


def _group(letters: list[Frag], marks: NDArray[np.int32],
           gap: float) -> tuple[list[list[int]], NDArray[np.int32]]:
    """Merge letters, left to right, into the line on their row whose end is near enough.

    A letter joins a line when it overlaps the line's row by half the smaller height and the
    gap is under ``gap`` times the line's height; a colon closes a line (what follows a label's
    colon is its value, a line of its own) unless a letter all but touches it (a thin typeface's
    letter broken into two dot-like bits).  Marks on the row (dots, commas, hyphens) join the
    same way but never start a line; the marks left over are returned (with their areas).
    """
    items = [(x0, y0, x1, y1, 1 if colon else 0, 0) for x0, y0, x1, y1, colon in letters]
    items += [(int(m[0]), int(m[1]), int(m[2]), int(m[3]), 2, int(m[4])) for m in marks]
    items.sort(key=lambda b: (b[0], b[1]))
    open_lines: list[list[int]] = []  # x0, y0, x1, y1, closed
    leftover: list[tuple[int, int, int, int, int]] = []
    for x0, y0, x1, y1, kind, area in items:
        best, best_gap = None, 1e9
        bh = y1 - y0
        for line in open_lines:
            lh = line[3] - line[1]
            if line[4] and x0 - line[2] > COLON_TOUCH * lh:
                continue
            overlap = min(line[3], y1) - max(line[1], y0)
            small = kind == 2 or bh < 0.6 * lh
            need = 0.3 * bh if small else 0.5 * min(bh, lh)  # a comma hangs below the row
            if overlap < need or (bh > 2.2 * lh + 3 and kind == 0):
                continue
            dx = x0 - line[2]
            if dx > gap * max(lh, 0.8 * bh) or x0 < line[0] - 2:
                continue
            if dx < best_gap:
                best, best_gap = line, dx
        if best is not None:
            best[:] = [min(best[0], x0), min(best[1], y0), max(best[2], x1), max(best[3], y1), int(kind == 1)]
        elif kind == 2:
            leftover.append((x0, y0, x1, y1, area))
        else:
            open_lines.append([x0, y0, x1, y1, int(kind == 1)])
    rest = np.array(leftover, np.int32).reshape(-1, 5)
    return [line[:4] for line in open_lines], rest


def _text_height(lines: list[list[int]]) -> int | None:
    """The usual height of a line of text on the card (the median of the wide lines), if clear."""
    wide = [b[3] - b[1] for b in lines if b[2] - b[0] >= 3 * (b[3] - b[1])]
    return int(np.median(wide)) if len(wide) >= 3 else None


def _tall(box: list[int], text_h: int, tall: float = TALL_LINE) -> bool:
    """A line far taller than the text around it (and wide enough to be text)."""
    return box[3] - box[1] > tall * text_h and box[2] - box[0] >= 3 * text_h


def _split_rows(lines: list[list[int]], ink: UInt8, text_h: int) -> None:
    """A line as tall as two lines of text whose ink lies in two rows with a clear gap between
    (a small label and its value printed close under it, run together by a tone mark), or only
    a thin waist of ink (the value printed up into its label), is cut in two there, each part
    as wide as its own ink; a part must span its width like text does (not the
    sparse arcs of a stamp) and be at least half as tall as text."""
    for b in list(lines):
        if not _tall(b, text_h, TWO_ROWS):
            continue
        x0, y0, x1, y1 = b[:4]
        box = ink[y0:y1, x0:x1] > 0
        rows = box.sum(axis=1)
        low = rows <= 0.04 * rows.max()
        half = max(2, text_h // 2)
        gaps = [y for y in range(half, len(rows) - half) if low[y]]
        if gaps:
            cut = gaps[len(gaps) // 2]
        else:  # the rows touch (a value printed up into its label): cut at a deep enough valley
            smooth = np.convolve(rows.astype(np.float64), np.ones(3) / 3, mode="same")
            cut = half + int(np.argmin(smooth[half:len(rows) - half]))
            if smooth[cut] > ROW_VALLEY * min(smooth[:cut].max(), smooth[cut:].max()):
                continue
        parts = []
        for a, z in ((0, cut), (cut, len(rows))):
            cols = np.flatnonzero(box[a:z].any(axis=0))
            filled = np.flatnonzero(box[a:z].any(axis=1))
            if len(cols) < 0.3 * (x1 - x0) or len(filled) == 0 or filled[-1] - filled[0] + 1 < 0.5 * text_h:
                break
            top, bottom = y0 + a + int(filled[0]), y0 + a + int(filled[-1]) + 1
            parts.append([x0 + int(cols[0]), top, x0 + int(cols[-1]) + 1, bottom])
        if len(parts) == 2:
            b[:4] = parts[0]
            lines.append(parts[1])


def _trim_tall(lines: list[list[int]], ink: UInt8, text_h: int) -> None:
    """A line far taller than the text around it, whose ink sits mostly in one row of text height
    (a line run into the arcs of a faded stamp's ring or a signature), is cut to that row; a line
    printed large (a plate) has its ink spread over its height and is left alone."""
    for b in lines:
        if not _tall(b, text_h):
            continue
        x0, y0, x1, y1 = b[:4]
        rows = (ink[y0:y1, x0:x1] > 0).sum(axis=1).astype(np.float64)
        win = text_h + 4
        sums = np.convolve(rows, np.ones(win), mode="valid")
        top = int(np.argmax(sums))
        inside, total = float(sums[top]), float(rows.sum())
        outside_density = (total - inside) / max(1, len(rows) - win)
        if inside / win > TRIM_CONTRAST * max(outside_density, 1.0):
            b[1], b[3] = y0 + top, y0 + top + win


def _attach_marks(lines: list[list[int]], marks: NDArray[np.int32]) -> None:
    """Grow each line to take in the tone marks, dots and commas above, below and inside it, and
    the bits of a broken faint letter just before or after it."""
    if not lines or not len(marks):
        return
    boxes = np.array(lines, np.int32)
    heights = boxes[:, 3] - boxes[:, 1]
    for x0, y0, x1, y1, area in marks:
        if area <= 3:  # a pixel or two: a dotted rule's leftover dot, never a tone mark
            continue
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        inside = ((boxes[:, 0] - 2 <= cx) & (cx <= boxes[:, 2] + 2)
                  & (boxes[:, 1] - 0.55 * heights <= cy) & (cy <= boxes[:, 3] + 0.4 * heights))
        # bits of a faint letter broken up, just before or after the line, level with its letters
        beside = ((boxes[:, 0] - 0.8 * heights <= cx) & (cx <= boxes[:, 2] + 0.8 * heights)
                  & (boxes[:, 1] + 0.15 * heights <= cy) & (cy <= boxes[:, 3] - 0.1 * heights))
        inside |= beside
        hits = np.nonzero(inside)[0]
        if not len(hits):
            continue
        k = int(hits[np.argmin(np.abs((boxes[hits, 1] + boxes[hits, 3]) / 2 - cy))])
        line = lines[k]
        line[:] = [min(line[0], int(x0)), min(line[1], int(y0)), max(line[2], int(x1)), max(line[3], int(y1))]


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    """The area two boxes (x0, y0, x1, y1) share."""
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    inter = overlap(a, b)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0
