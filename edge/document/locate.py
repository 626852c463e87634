"""Find the registration card in a photo: the quad of its outer paper edge, for preview or capture.

Candidates come from several cues on a downscaled copy (edge contours, edge blobs filled solid,
a light/dark split, and in "accurate" mode corners where two long straight edges meet: a card
lying partly on a sheet as light as itself, whose outline runs into the sheet's). Each side is
snapped to the card's *paper edge*: which step across the side that is gets decided on the
side's median profile (a faint edge against a similar surface stands out once averaged) as the
outermost step with the paper's colour just inside it, so the card's printed border inside it
and a shadow's rim outside it do not win. Candidates are scored by edge support and by the
card's aspect ratio (1024/646) with perspective undone. In "accurate" mode the winner is refined
at full resolution: sub-pixel edge points along each side, robust straight lines, their
intersections (so rounded card corners do not matter).

Geometry cannot tell the top of the card from its bottom: ``CardQuad.corners`` may be the card
turned by 180°. The caller decides from the content (``rectify.rotate180`` turns the flat face).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.document.rectify import NEXT, card_aspect, clockwise, fit_lines, intersect_sides, order_corners, quad_areas
from edge.synth.types import CARD_H, CARD_W

Mode = Literal["fast", "accurate"]
Image = NDArray[np.uint8]
Corners = NDArray[np.float64]
Floats = NDArray[np.float64]
Profiles = NDArray[np.float32]

ASPECT = CARD_W / CARD_H
MIN_SCORE = 0.4  # below this the best quad is not reported at all (a little more for small ones)
HINT_SCORE = 0.55  # a hinted quad scoring below this is treated as lost: the full search runs
STEP_MIN = 7.0  # grey levels of paper-against-surface contrast that count as edge support
_WORK_SIDE = {"fast": 320, "accurate": 512}  # long side of the copy candidates are found and scored on
_MIN_AREA = 0.006  # of the working copy: a card too far away to read is still found
_MAX_CANDIDATES = {"fast": 12, "accurate": 40}
_U = {"fast": np.linspace(0.1, 0.9, 12), "accurate": np.linspace(0.1, 0.9, 24)}  # samples along a side
_BEYOND = 7  # working px past a side's edge where a printed line would show paper again
BORDER_GAP = 3.0  # working px: a side whose ends are this close to one edge of the photo runs along it
UNSEEN_SUPPORT = 0.5  # ... and counts as half seen, whatever its edge support
CLEAR_SUPPORT = 0.75  # ... when the other three sides have at least this much
SMALL_FILL = 0.03  # of the working copy: a quad this small asks for the corners of straight edges too
_MAX_CORNERS = 12  # quads completed from two straight edges meeting at a corner
_SEGMENT_MIN = 0.1  # of the working copy's long side: an edge this long may be a card's side
_SEGMENT_GAP = 0.08  # ... and may be broken (a disc, a pen over it) by this much
COMPLETED_SUPPORT = 0.5  # the least edge support on any side of a card completed from two sides ...
COMPLETED_SCORE = 0.6  # ... and the least score
COMPLETED_STEP = 50.0  # ... and a colour step this big (BGR distance) across both its completed sides
COMPLETED_MARGIN = 4.0  # working px: ... and its corners at least this far inside the photo
SHRINK = (0.6, 0.7, 0.8, 0.9, 1.0)  # shares of a clear side's length a completed card is tried at


@dataclass(frozen=True)
class CardQuad:
    """The card's outline in image pixels; ``corners`` may be the card turned by 180°."""

    corners: NDArray[np.float64]  # (4, 2) TL, TR, BR, BL: clockwise, TL→TR along a long edge
    score: float  # 0..1 how card-like (edge support × aspect)
    inside: bool  # all corners inside the image with a small margin (the card is not cut off)


def locate_card(image: Image, mode: Mode = "accurate", hint: Corners | None = None) -> CardQuad | None:
    """The most card-like quadrilateral in a BGR photo, or None when nothing looks like the card.

    ``hint`` (fast mode only): the card's corners in the previous preview frame.  They are snapped
    first and the full candidate search runs only when that fails, which roughly halves the time
    on a card held in view.
    """
    img = _as_bgr(image)
    h, w = img.shape[:2]
    if min(h, w) < 16:
        return None
    work = _shrink(img, _WORK_SIDE[mode])
    scale = np.array(work.shape[1::-1]) / (w, h)
    found = _from_hint(work, hint, scale) if mode == "fast" and hint is not None else None
    if found is None:
        blur = np.asarray(cv2.GaussianBlur(work, (3, 3) if mode == "fast" else (5, 5), 0), np.uint8)
        quads = _candidates(blur, np.asarray(cv2.cvtColor(blur, cv2.COLOR_BGR2GRAY), np.uint8), mode)
        work32 = work.astype(np.float32)
        found = _pick(work32, quads, mode) if len(quads) else (None, 0.0, True)
        if mode == "accurate" and _small(found[0], work.shape[1], work.shape[0]):
            # nothing found, or only something small: the card's outline may run into a sheet's
            corners = _corner_quads(np.asarray(cv2.Canny(blur, 15, 45, L2gradient=True), np.uint8),
                                    work.shape[1], work.shape[0])
            if len(corners):  # picked among all again: a snap's reach depends on the quads snapped with it
                other = _pick(work32, np.concatenate([quads, corners]) if len(quads) else corners, mode)
                found = other if other[0] is not None and other[1] > found[1] else found
    best, score, cut = found
    if best is None:
        return None
    full = (best + 0.5) / scale - 0.5  # pixel centres of the working copy → the image's
    if mode == "accurate" or scale.min() < 1.0:  # previews get one cheap pass: it finds the paper edge
        full = _refine(img, full, float(1.0 / scale.min()), *((2, 48) if mode == "accurate" else (1, 16)))
    corners = order_corners(full)
    margin = 0.005 * min(h, w)
    inside = not cut and bool(np.all(corners >= margin) and np.all(corners <= np.array([w - 1, h - 1]) - margin))
    return CardQuad(corners=corners, score=float(score), inside=inside)


def _from_hint(work: Image, hint: Corners, scale: Floats) -> tuple[Corners | None, float, bool] | None:
    """The hinted quad snapped on the working copy, if it is still clearly the card; else None."""
    quads = clockwise((np.asarray(hint, np.float64).reshape(1, 4, 2) + 0.5) * scale - 0.5)
    if not np.all(np.isfinite(quads)) or not np.all(_plausible(quads, 0.0)):
        return None
    found = _pick(work.astype(np.float32), quads, "fast")
    return found if found[0] is not None and found[1] >= HINT_SCORE else None


def _as_bgr(image: NDArray[np.uint8]) -> Image:
    """Accept BGR, BGRA or grey 8-bit images; anything else is a caller error."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        raise ValueError(f"locate_card needs an 8-bit image, got {arr.dtype}")
    if arr.ndim == 2:
        return np.asarray(cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR), np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 4:
        return np.asarray(cv2.cvtColor(arr, cv2.COLOR_BGRA2BGR), np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 3:
        return arr
    raise ValueError(f"locate_card needs an HxW, HxWx3 or HxWx4 image, got shape {arr.shape}")


def _shrink(img: Image, side: int) -> Image:
    """Area-averaged copy with a long side of at most ``side``: the search need not see fine print."""
    h, w = img.shape[:2]
    s = side / max(h, w)
    if s >= 1.0:
        return img
    size = (max(8, round(w * s)), max(8, round(h * s)))
    return np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA), np.uint8)


# --- candidates -------------------------------------------------------------------------------


def _candidates(blur: Image, grey: Image, mode: Mode) -> Floats:
    """Rough quads (N, 4, 2), largest first, from cues that fail in different scenes."""
    h, w = blur.shape[:2]
    min_area = _MIN_AREA * w * h
    k3 = np.ones((3, 3), np.uint8)
    masks: list[tuple[Image, int]] = []
    edges = np.zeros_like(grey)
    for lo, hi in ((40, 120),) if mode == "fast" else ((15, 45), (40, 120)):
        edges = np.asarray(cv2.Canny(grey if mode == "fast" else blur, lo, hi, L2gradient=True), np.uint8)
        masks.append((np.asarray(cv2.dilate(edges, k3), np.uint8), cv2.RETR_LIST))  # holes: the inside
    masks.append((_solid(edges, max(w, h)), cv2.RETR_EXTERNAL))
    _, otsu = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = np.asarray(cv2.morphologyEx(otsu, cv2.MORPH_OPEN, k3), np.uint8)
    masks.append((bright, cv2.RETR_EXTERNAL))
    if mode == "accurate":  # a card darker than a bright surface
        masks.append((np.asarray(255 - bright, np.uint8), cv2.RETR_EXTERNAL))
    quads: list[Floats] = []
    areas: list[float] = []
    for mask, retr in masks:
        contours, _ = cv2.findContours(mask, retr, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            if len(c) < 4:
                continue
            _, _, bw, bh = cv2.boundingRect(c)
            if bw * bh < min_area:
                continue
            hull = np.asarray(cv2.convexHull(c), np.int32)
            area = float(cv2.contourArea(hull))
            if min_area <= area <= 0.97 * w * h:
                quads.append(_hull_quad(hull))
                areas.append(area)
    if not quads:
        return np.zeros((0, 4, 2))
    q = clockwise(np.stack(quads))[np.argsort(-np.array(areas), kind="stable")]
    return _dedupe(q[_plausible(q, min_area)], 2.0)[: _MAX_CANDIDATES[mode]]


def _small(quad: Corners | None, w: int, h: int) -> bool:
    """No quad, or one too small to be a card photographed to be read (a disc, a box on a sheet)."""
    return quad is None or abs(float(quad_areas(quad[None])[0])) / (2 * w * h) < SMALL_FILL


def _segments(edges: Image, w: int, h: int) -> Floats:
    """Long straight edges (N, 4: x0 y0 x1 y1), pieces on one line joined across short gaps."""
    side = max(w, h)
    short = max(8, round(0.6 * _SEGMENT_MIN * side))
    found = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=short // 2, minLineLength=short, maxLineGap=3)
    if found is None:
        return np.zeros((0, 4))
    seg = np.asarray(found, np.float64).reshape(-1, 4)
    seg = seg[np.argsort(-np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]), kind="stable")]
    lines: list[tuple[Floats, Floats]] = []  # (start, end), the longest first
    for a0, a1 in zip(seg[:, :2], seg[:, 2:], strict=True):
        for k, (b0, b1) in enumerate(lines):
            e = (b1 - b0) / np.linalg.norm(b1 - b0)
            normal = np.array([-e[1], e[0]])
            d = (a1 - a0) / max(1e-9, float(np.linalg.norm(a1 - a0)))
            if abs(d @ e) < np.cos(np.radians(3.0)) or max(abs((a0 - b0) @ normal), abs((a1 - b0) @ normal)) > 2.5:
                continue
            ta = sorted((float((a0 - b0) @ e), float((a1 - b0) @ e)))
            length = float(np.linalg.norm(b1 - b0))
            if ta[0] > length + _SEGMENT_GAP * side or ta[1] < -_SEGMENT_GAP * side:
                continue
            lines[k] = (b0 + min(ta[0], 0.0) * e, b0 + max(ta[1], length) * e)
            break
        else:
            lines.append((a0, a1))
    out = np.array([[*a, *b] for a, b in lines], np.float64)
    return out[np.hypot(out[:, 2] - out[:, 0], out[:, 3] - out[:, 1]) >= _SEGMENT_MIN * side][:40]


def _corner_quads(edges: Image, w: int, h: int) -> Floats:
    """Parallelograms on two long straight edges that meet end to end at a roughly square corner.

    A card lying partly on a light sheet has an outline that runs into the sheet's, so no contour
    gives it; two of its sides against the surface still meet at a corner, and the corner
    opposite is where their far ends say (the snap then moves the other two sides onto the paper)."""
    seg = _segments(edges, w, h)
    out: list[Floats] = []
    weight: list[float] = []
    for i in range(len(seg)):
        for j in range(i + 1, len(seg)):
            a0, a1, b0, b1 = seg[i, :2], seg[i, 2:], seg[j, :2], seg[j, 2:]
            da, db = a1 - a0, b1 - b0
            la, lb = float(np.linalg.norm(da)), float(np.linalg.norm(db))
            den = float(da[0] * db[1] - da[1] * db[0])
            if abs(float(da @ db)) > 0.45 * la * lb or abs(den) < 1e-9:
                continue
            corner = a0 + float((b0 - a0)[0] * db[1] - (b0 - a0)[1] * db[0]) / den * da
            ends_a = np.linalg.norm(np.stack([a0, a1]) - corner, axis=1)
            ends_b = np.linalg.norm(np.stack([b0, b1]) - corner, axis=1)
            if max(ends_a.min(), ends_b.min()) > max(6.0, 0.06 * min(la, lb)):
                continue
            far_a, far_b = (a0, a1)[int(np.argmax(ends_a))], (b0, b1)[int(np.argmax(ends_b))]
            out.append(np.stack([corner, far_a, far_a + far_b - corner, far_b]))
            weight.append(la + lb)
    if not out:
        return np.zeros((0, 4, 2))
    q = clockwise(np.stack(out))[np.argsort(-np.array(weight), kind="stable")]
    return _dedupe(q[_plausible(q, _MIN_AREA * w * h)], 3.0)[:_MAX_CORNERS]


def _solid(edges: Image, side: int) -> Image:
    """Edge-dense areas filled, thin strokes cut: one blob though the grid splits it or a pen touches it."""
    k_close = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side // 70 | 1, side // 70 | 1))
    k_open = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side // 45 | 1, side // 45 | 1))
    closed = np.asarray(cv2.morphologyEx(edges, cv2.MORPH_CLOSE, k_close), np.uint8)
    outer, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(closed)
    cv2.drawContours(filled, outer, -1, 255, -1)
    return np.asarray(cv2.morphologyEx(filled, cv2.MORPH_OPEN, k_open), np.uint8)


def _hull_quad(hull: NDArray[np.int32]) -> Floats:
    """Four corners of a convex outline: polygon simplification, else its min-area rectangle."""
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.04, 0.07):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return np.asarray(approx, np.float64).reshape(4, 2)
        if len(approx) < 4:
            break
    return np.asarray(cv2.boxPoints(cv2.minAreaRect(hull)), np.float64).reshape(4, 2)


def _plausible(q: Floats, min_area: float) -> NDArray[np.bool_]:
    """Convex, not too skewed, roughly the card's proportions even under a strong tilt."""
    d = q[:, NEXT] - q
    dn = d[:, NEXT]
    length = np.linalg.norm(d, axis=-1)
    cross = d[..., 0] * dn[..., 1] - d[..., 1] * dn[..., 0]
    cos = -(d * dn).sum(-1) / np.maximum(length * length[:, NEXT], 1e-9)
    r = (length[:, 0] + length[:, 2]) / np.maximum(length[:, 1] + length[:, 3], 1e-9)
    r = np.maximum(r, 1 / np.maximum(r, 1e-9))
    ok = np.all(length >= 4, axis=1) & np.all(cross > 0, axis=1) & np.all(np.abs(cos) < 0.7, axis=1)
    return np.asarray(ok & (r >= 1.05) & (r <= 2.6) & (0.5 * quad_areas(q) >= 0.5 * min_area), np.bool_)


def _dedupe(q: Floats, tol: float) -> Floats:
    """Drop quads whose corners all lie within ``tol`` px of an earlier one: snapping costs per quad."""
    if len(q) < 2:
        return q
    dist = np.min([np.abs(np.roll(q, r, axis=1)[:, None] - q[None]).max(axis=(2, 3)) for r in range(4)], axis=0)
    keep: list[int] = []
    for i in range(len(q)):
        if not keep or dist[i, keep].min() > tol:
            keep.append(i)
    return q[keep]


# --- profiles across the sides ----------------------------------------------------------------


def _profiles(img: Profiles | Image, quads: Floats, u: Floats, t: Floats) -> tuple[Profiles, Floats, Floats]:
    """(C, 4, K, T, 3) colours across every side at offsets ``t`` ((T,) or (C, T)), bases, normals."""
    d = quads[:, NEXT] - quads
    n = np.stack([d[..., 1], -d[..., 0]], axis=-1) / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-9)
    base = quads[:, :, None, :] + u[None, None, :, None] * d[:, :, None, :]
    tt = np.broadcast_to(t, (quads.shape[0], t.shape[-1]))[:, None, None, :, None]
    pts = (base[:, :, :, None, :] + tt * n[:, :, None, None, :]).astype(np.float32)
    c, k, m = quads.shape[0], u.size, t.shape[-1]
    vals = cv2.remap(img, pts[..., 0].reshape(c * 4 * k, m), pts[..., 1].reshape(c * 4 * k, m),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(vals, np.float32).reshape(c, 4, k, m, -1), base, n


def _paper(img: Profiles | Image, quads: Floats, u: Floats) -> Profiles:
    """Each side's paper colour (C, 4, 3) from deep inside: a quad starting on a shadow is not fooled."""
    short = np.linalg.norm(quads[:, NEXT] - quads, axis=-1).min(axis=1)
    vals, _, _ = _profiles(img, quads, u, -short[:, None] * np.array([0.05, 0.08, 0.11, 0.14]))
    return _quantile(vals.reshape(*vals.shape[:2], -1, vals.shape[-1]), 2, 0.5)


def _quantile(x: Profiles, axis: int, q: float) -> Profiles:
    """Quantile along ``axis`` by sorting (np.median partitions slowly on these small arrays)."""
    srt = np.sort(np.moveaxis(x, axis, -1), axis=-1)
    pos = q * (srt.shape[-1] - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, srt.shape[-1] - 1)
    return np.asarray(srt[..., lo] + (pos - lo) * (srt[..., hi] - srt[..., lo]), np.float32)


def _step(vals: Profiles, reach: tuple[int, ...]) -> tuple[Profiles, Profiles]:
    """Step strength (weakest of several spans: a thin line has no long-span step) and colour, at j + max(reach)."""
    a_max, m = max(reach), vals.shape[-2]
    wide = vals[..., 2 * a_max :, :] - vals[..., : m - 2 * a_max, :]
    strength = np.sqrt((wide * wide).sum(-1))
    unit = wide / (strength[..., None] + 1e-3)
    for a in reach:
        if a != a_max:
            diff = vals[..., a_max + a : m - a_max + a, :] - vals[..., a_max - a : m - a_max - a, :]
            strength = np.minimum(strength, (diff * unit).sum(axis=-1))
    return np.maximum(strength, 0.0), unit


def _step1(p: Profiles, reach: tuple[int, ...]) -> Profiles:
    """``_step`` for profiles already projected on the edge's colour: one channel, a tenth of the cost."""
    a_max, m = max(reach), p.shape[-1]
    s = p[..., 2 * a_max :] - p[..., : m - 2 * a_max]
    for a in reach:
        if a != a_max:
            s = np.minimum(s, p[..., a_max + a : m - a_max + a] - p[..., a_max - a : m - a_max - a])
    return np.asarray(np.maximum(s, 0.0), np.float32)


def _project(vals: Profiles, unit: Profiles, j: NDArray[np.int64]) -> Profiles:
    """Colour profiles projected on each side's step colour at ``j``: its edges then rise outwards."""
    c, k = unit.shape[:2]
    direction = unit.reshape(c, k, -1, unit.shape[-1])[np.arange(c)[:, None], np.arange(k)[None, :], j.reshape(c, k)]
    return np.asarray((vals @ direction[:, :, None, :, None])[..., 0], np.float32)


def _at(s: NDArray[np.floating], idx: NDArray[np.int64]) -> NDArray[np.floating]:
    """``s[..., idx]`` per row (fancy indexing beats take_along_axis on small arrays)."""
    flat = s.reshape(-1, s.shape[-1])
    rows = np.broadcast_to(idx, s.shape[:-1]).reshape(-1)
    return np.asarray(flat[np.arange(flat.shape[0]), rows].reshape(s.shape[:-1]))


def _window(s: NDArray[np.floating], lo: NDArray[np.int64], width: int) -> NDArray[np.floating]:
    """``s[..., lo:lo + width]`` per row, for a ``lo`` that differs between rows."""
    flat = s.reshape(-1, s.shape[-1])
    cols = np.broadcast_to(lo, s.shape[:-1]).reshape(-1, 1) + np.arange(width)
    return np.asarray(flat[np.arange(flat.shape[0])[:, None], cols].reshape(*s.shape[:-1], width))


def _parabola(s: NDArray[np.floating], j: NDArray[np.int64]) -> Floats:
    """Sub-sample position of the peak of ``s`` at ``j``: edges are located to a fraction of a pixel."""
    jc = np.clip(j, 1, s.shape[-1] - 2)
    three = _window(s, jc - 1, 3).astype(np.float64)
    den = three[..., 0] - 2 * three[..., 1] + three[..., 2]
    good = (den < -1e-6) & (j == jc)
    delta = np.where(good, 0.5 * (three[..., 0] - three[..., 2]) / np.where(good, den, -1.0), 0.0)
    return np.asarray(j + np.clip(delta, -0.5, 0.5), np.float64)


def _paper_edge(
    vals: Profiles, reach: tuple[int, ...], paper: Profiles, least: float, rel: float, limit: Floats | None = None
) -> tuple[Floats, Floats, Profiles, Profiles]:
    """The outermost clear step with paper just inside, else the strongest: (position, strength, s, colour)."""
    s, unit = _step(vals, reach)
    a, m = max(reach), vals.shape[-2]
    if limit is not None:  # steps past each quad's band do not count
        s = np.where((np.arange(s.shape[-1])[None, :] <= limit[:, None])[:, None, None, :], s, np.float32(0))
    dist = np.sqrt(((vals - paper[:, :, None, None, :]) ** 2).sum(-1))
    probe = a - 1  # how far inside / outside the step the colours are compared
    d_in, d_out = dist[..., a - probe : m - a - probe], dist[..., a + probe : m - a + probe]
    local = np.zeros(s.shape, bool)
    local[..., 1:-1] = (s[..., 1:-1] >= s[..., :-2]) & (s[..., 1:-1] >= s[..., 2:])
    paperish = (d_in <= d_out - 0.5 * s) & (d_in <= 0.7 * d_out)  # paper inside, clearly not outside
    valid = local & (s >= np.maximum(least, rel * s.max(axis=-1, keepdims=True))) & paperish
    last = s.shape[-1] - 1 - np.argmax(valid[..., ::-1], axis=-1)
    j = np.where(valid.any(axis=-1), last, np.argmax(s, axis=-1))
    return _parabola(s, j) + a, _at(s, j).astype(np.float64), s, unit


# --- snapping, scoring, refinement ------------------------------------------------------------


def _fit_offsets(u: Floats, off: Floats, w: Floats, tol: float) -> tuple[Floats, Floats]:
    """Robust line offset(u) = alpha + beta·u per side (weight 0 = no edge): a side stays straight."""
    n_ok = (w > 0).sum(-1)
    med = np.where(n_ok > 0, _at(np.sort(np.where(w > 0, off, np.inf), axis=-1), np.maximum((n_ok - 1) // 2, 0)), 0.0)
    alpha, beta = med, np.zeros_like(med)
    wt = w * (np.abs(off - med[..., None]) <= 2.5 * tol)
    for _ in range(2):
        sw, su, suu = wt.sum(-1), (wt * u).sum(-1), (wt * u * u).sum(-1)
        so, suo = (wt * off).sum(-1), (wt * u * off).sum(-1)
        det = sw * suu - su * su
        ok = (sw > 1e-6) & (det > 1e-9 * np.maximum(sw, 1e-9) ** 2)
        beta = np.where(ok, (sw * suo - su * so) / np.where(ok, det, 1.0), 0.0)
        alpha = np.where(ok, (so - beta * su) / np.where(ok, sw, 1.0), med)
        wt = w * (np.abs(off - (alpha[..., None] + beta[..., None] * u)) <= tol)
    return np.asarray(alpha, np.float64), np.asarray(beta, np.float64)


def _snap(work: Profiles, quads: Floats, u: Floats, band: Floats, window: float) -> tuple[
    Floats, Floats, NDArray[np.bool_]
]:
    """Every side moved onto the paper edge within ±``band`` px: (quads, support, paper beyond) per side."""
    a, reach = 3, (1, 2, 3)
    t = np.arange(-np.ceil(band.max()) - a, np.ceil(band.max()) + a + _BEYOND + 1, dtype=np.float64)
    vals, _, n = _profiles(work, quads, u, t)
    paper = _paper(work, quads, u)
    profile = _quantile(vals, 2, 0.5)[:, :, None]  # each side's median profile: print on a few samples drops out
    side, side_strength, _, unit = _paper_edge(profile, reach, paper, 2.5, 0.12, band - t[0] - a)
    # a printed line (a box on the card seen as a card) has paper again just beyond it
    near = np.clip(np.rint(side[..., 0]).astype(np.int64) + 3, 0, t.size - _BEYOND + 2)
    beyond = _window(np.sqrt(((profile[:, :, 0] - paper[:, :, None]) ** 2).sum(-1)), near, _BEYOND - 2)
    line = beyond.min(axis=-1) <= np.maximum(8.0, 0.3 * side_strength[..., 0])
    # each sample: its strongest step of the side's colour near the side's choice
    s = _step1(_project(vals, unit, np.rint(side).astype(np.int64) - a), reach)  # index j ↔ profile j + a
    s = np.where(np.abs(np.arange(s.shape[-1]) + a - side[..., None]) <= window, s, np.float32(0))
    j = np.argmax(s, axis=-1)
    strength = _at(s, j)
    least = np.clip(0.5 * side_strength, 4.0, STEP_MIN)
    weight = np.where(strength >= least, np.minimum(strength, 60.0), 0.0)
    alpha, beta = _fit_offsets(u, _parabola(s, j) + a + t[0], weight, 1.2)
    idx = np.clip(np.rint(alpha[..., None] + beta[..., None] * u - t[0] - a).astype(np.int64), 1, s.shape[-1] - 2)
    # a line side is only half evidence: a card on a white sheet can look like that too
    support = (_window(s, idx - 1, 3).max(axis=-1) >= least).mean(axis=-1) * np.where(line, 0.55, 1.0)
    ends = quads + alpha[..., None] * n
    return intersect_sides(ends, quads[:, NEXT] + (alpha + beta)[..., None] * n), support, line


def _shape_score(quads: Floats, size: tuple[int, int]) -> Floats:
    """Aspect prior with perspective undone, times sanity: other paper rectangles rarely share 1.585."""
    w, h = size
    with np.errstate(all="ignore"):  # the focal length from vanishing points is shaky near fronto-parallel
        r = card_aspect(quads, float(max(w, h)), both=True)
        ok = _plausible(quads, 0.0) & np.all(np.isfinite(r), axis=0)
    aspect = np.exp(-((np.log(np.clip(r, 1e-3, 1e3) / ASPECT) / 0.18) ** 2)).max(axis=0)
    ok &= np.all((quads >= (-0.05 * w, -0.05 * h)) & (quads <= (1.05 * w, 1.05 * h)), axis=(1, 2))
    small = np.clip(0.5 * quad_areas(quads) / (2.0 * _MIN_AREA * w * h), 0.0, 1.0)
    return np.asarray(np.where(ok, aspect * (0.7 + 0.3 * small), 0.0), np.float64)


def _pick(work: Profiles, quads: Floats, mode: Mode) -> tuple[Corners | None, float, bool]:
    """Snap all candidates, score them: the best (working px), its score, whether it may be cut off."""
    u = _U[mode]
    h, w = work.shape[:2]
    band = np.clip(0.045 * np.linalg.norm(quads[:, NEXT] - quads, axis=-1).max(axis=1), 5.0, 14.0)
    q, support, line = _snap(work, quads, u, band, 2.5)
    if mode == "accurate":  # again from closer: the first snap may have moved far
        q, support, line = _snap(work, q, u, np.full(len(q), 2.0), 1.5)
    found = _best(q, support, line, (w, h))
    if found[0] is None and mode == "accurate":
        # nothing card-like: a card on paper as light as itself loses a side or two to the paper
        # under it, but two clear sides meeting at a corner still give it, completed as a parallelogram
        extra, at = _completions(q, support)
        shorter = extra[at >= 0]
        if len(shorter):
            eq, e_support, e_line = _snapped(work, shorter, u)
            # a completed card must be clear on every side, whole inside the photo, not small, and
            # with another surface beyond its completed sides: the visible part of a card running
            # out of the photo, or a box printed on it, is not one
            inside = np.all((eq >= COMPLETED_MARGIN) & (eq <= np.array([w - 1, h - 1]) - COMPLETED_MARGIN), axis=(1, 2))
            big = np.abs(quad_areas(eq)) / (2 * w * h) >= SMALL_FILL
            clear = (e_support.min(axis=1) >= COMPLETED_SUPPORT) & inside & big
            if np.any(clear):
                clear[clear] = _surface_beyond(work, eq[clear], at[at >= 0][clear])
            if np.any(clear):
                found = _best(eq[clear], e_support[clear], e_line[clear], (w, h))
                if found[1] < COMPLETED_SCORE:
                    found = (None, 0.0, True)
        plain = extra[at < 0]
        if found[0] is None and len(plain):  # the parallelograms on the sides' far ends, scored as any
            # quad (snapped among themselves: a snap's reach depends on the quads snapped with it)
            found = _best(*_snapped(work, plain, u), (w, h))
    return found


def _snapped(work: Profiles, quads: Floats, u: Floats) -> tuple[Floats, Floats, NDArray[np.bool_]]:
    """Completed quads snapped from afar, then from closer."""
    band = np.clip(0.045 * np.linalg.norm(quads[:, NEXT] - quads, axis=-1).max(axis=1), 5.0, 14.0)
    q, _, _ = _snap(work, quads, u, band, 2.5)
    return _snap(work, q, u, np.full(len(q), 2.0), 1.5)


def _best(q: Floats, support: Floats, line: NDArray[np.bool_],
          size: tuple[int, int]) -> tuple[Corners | None, float, bool]:
    """The best scored of the snapped quads, if card-like enough."""
    w, h = size
    support = _unseen_sides(q, support, size)
    score = np.nan_to_num(0.5 * (support.mean(axis=1) + support.min(axis=1)) * _shape_score(q, (w, h)), nan=-1.0)
    # ranking prefers big quads a little: a photo taken to read the card shows it large
    rank = score * (0.8 + 0.2 * np.clip(np.abs(quad_areas(q)) / (2 * w * h) / 0.08, 0.0, 1.0))
    best = _outermost(q, score, int(np.argmax(rank)))
    fill = abs(float(quad_areas(q[best]))) / (2 * w * h)
    least = MIN_SCORE + 0.15 * max(0.0, 1.0 - fill / SMALL_FILL)  # a small quad needs more: stamps, boxes
    if score[best] < least:
        return None, 0.0, True
    # a side with paper beyond it is the card's printed border: near the image's edge, the paper
    # edge past it may lie outside the picture
    reach = 0.02 * float(np.linalg.norm(q[best, NEXT] - q[best], axis=-1).max()) + 1.5
    room = np.minimum(q[best], np.array([w - 1, h - 1]) - q[best]).min(axis=-1)  # per corner
    cut = bool(np.any(line[best] & (np.minimum(room, room[NEXT]) < reach)))
    return q[best], float(score[best]), cut


def _unseen_sides(q: Floats, support: Floats, size: tuple[int, int]) -> Floats:
    """``support`` with a side that runs along the photo's edge, too close to it for its paper
    edge to be seen (a card filling the frame, its side a few pixels from the border), counted
    as half seen rather than as no edge, when the quad's three other sides are clear: whether
    the card runs out there is for the quality check to say (``edge.document.quality``), not a
    reason to lose the card.  (The visible part of a card that does run out has weak sides
    where the frame cuts it.)"""
    w, h = size
    gap = np.stack([q[..., 0], q[..., 1], w - 1 - q[..., 0], h - 1 - q[..., 1]], axis=-1)  # (C, corner, edge)
    along = np.any((gap <= BORDER_GAP) & (np.roll(gap, -1, axis=1) <= BORDER_GAP), axis=-1)  # (C, side)
    others_clear = np.stack([np.delete(support, k, axis=1).min(axis=1) for k in range(4)], axis=1) >= CLEAR_SUPPORT
    return np.asarray(np.where(along & others_clear, np.maximum(support, UNSEEN_SUPPORT), support), np.float64)


def _surface_beyond(work: Profiles, quads: Floats, at: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Whether each completed quad's two completed sides (those away from its corner ``at``) have
    another surface beyond them (a sheet, the table), not more of the card: a box printed on the
    card has paper of its colour on both sides."""
    t = np.array([-9.0, -7.0, -5.0, 5.0, 7.0, 9.0])
    vals, _, _ = _profiles(work, quads, np.linspace(0.15, 0.85, 16), t)
    inside = _quantile(vals[:, :, :, :3, :].reshape(*vals.shape[:2], -1, vals.shape[-1]), 2, 0.5)
    outside = _quantile(vals[:, :, :, 3:, :].reshape(*vals.shape[:2], -1, vals.shape[-1]), 2, 0.5)
    step = np.linalg.norm(inside - outside, axis=-1)  # (N, side)
    rows = np.arange(len(quads))
    return np.asarray(np.minimum(step[rows, (at + 1) % 4], step[rows, (at + 2) % 4]) >= COMPLETED_STEP)


def _completions(q: Floats, support: Floats, good: float = 0.75, most: int = 8) -> tuple[Floats, NDArray[np.int64]]:
    """Parallelograms on two well-supported sides meeting at a corner of a quad whose other sides
    are not (at most ``most`` corners): the corner opposite is where the two sides' far ends say it
    is, or (the clear sides run on past the card's corners, along the sheet's edge or a shadow)
    the card in its own proportions along them, shorter; and for each of these the corner it was
    completed from (-1 for the first kind)."""
    prev = np.roll(support, 1, axis=1)  # the side ending at each corner (support[:, i]: corner i -> i + 1)
    sure = (support >= good) & (prev >= good)  # (N, corner): both sides at the corner are clear
    weak = support.min(axis=1) < good
    out: list[Floats] = []
    at: list[int] = []
    corners = 0
    for k, j in zip(*np.nonzero(sure & weak[:, None]), strict=True):
        corner, a, b = q[k, j], q[k, (j + 1) % 4] - q[k, j], q[k, (j + 3) % 4] - q[k, j]
        la, lb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
        if min(la, lb) < 1.0:
            continue
        scales = [(1.0, 1.0)]
        ratio = ASPECT if la >= lb else 1.0 / ASPECT  # la / lb of a card so seen
        for t in SHRINK:
            scales += [(t, t * la / (ratio * lb)), (t * ratio * lb / la, t)]
        for ta, tb in scales:
            if not (0.3 <= ta <= 1.05 and 0.3 <= tb <= 1.05):
                continue
            c = np.stack([corner, corner + ta * a, corner + ta * a + tb * b, corner + tb * b])
            out.append(np.roll(c, j, axis=0))
            at.append(-1 if ta == tb == 1.0 else int(j))
        corners += 1
        if corners >= most:
            break
    return (np.stack(out) if out else np.zeros((0, 4, 2))), np.array(at, np.int64)


def _outermost(q: Floats, score: Floats, best: int) -> int:
    """A nearly as good card-like quad around the winner wins: the card's own printed boxes lie inside it."""
    for _ in range(4):
        d = q[:, NEXT] - q
        rel = q[best][None, :, None, :] - q[:, None, :, :]  # (C, corner of best, side of q, 2)
        cross = d[:, None, :, 0] * rel[..., 1] - d[:, None, :, 1] * rel[..., 0]
        tol = 2.0 * np.linalg.norm(d, axis=-1)[:, None, :]  # 2 px outside a side still counts
        area = np.abs(quad_areas(q))
        ok = np.all(cross >= -tol, axis=(1, 2)) & (area > 1.1 * area[best]) & (score >= max(0.45, 0.85 * score[best]))
        if not np.any(ok):
            return best
        best = int(np.argmax(np.where(ok, area, -1.0)))
    return best


def _refine(image: Image, quad: Corners, px_per_work: float, passes: int, samples: int) -> Corners:
    """Sub-pixel sides at full resolution, looking further out than in: small copies blur edge and border."""
    q = clockwise(quad.astype(np.float64)[None])
    u = np.linspace(0.08, 0.92, samples)
    long_side = float(np.linalg.norm(q[0, NEXT] - q[0], axis=1).max())
    r_in, r_out = 1.5 * px_per_work + 1.5, max(2.0 * px_per_work, 0.02 * long_side) + 1.0
    dt = 0.5
    paper = _paper(image, q, u)
    for _ in range(passes):
        t = np.arange(-np.ceil(r_in + 2), np.ceil(r_out + 2) + dt / 2, dt)
        vals, base, n = _profiles(image, q, u, t)
        pos, strength, _, unit = _paper_edge(_quantile(vals, 2, 0.5)[:, :, None], (2, 4), paper, 2.5, 0.12)
        j = np.rint(pos).astype(np.int64)  # profile index of each side's paper edge
        p = _project(vals, unit, j - 4)
        g = p[..., 2:] - p[..., :-2]  # the one-pixel gradient; index i ↔ profile i + 1
        lo = np.clip(j - 4, 0, g.shape[-1] - 7)
        win = _window(g, lo, 7)
        peak = np.argmax(win, axis=-1)
        pts = base + (t[0] + (_parabola(win, peak) + lo + 1) * dt)[..., None] * n[:, :, None, :]
        w = np.clip(_at(win, peak), 0.0, 80.0)
        a, b, ok = fit_lines(pts[0], np.where((strength > 0) & (w >= 1.0), w, 0.0)[0])
        new = intersect_sides(a[None], b[None])
        if not ok or not np.all(np.isfinite(new)) or float(np.abs(new - q).max()) > 3 * (r_in + r_out):
            break
        q = new
        r_in = r_out = 2.5
    return np.asarray(q[0], np.float64)
