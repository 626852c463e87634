"""Card geometry shared by the locator and later stages: corner order, warp to the flat face, error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.synth.types import CARD_H, CARD_W

if TYPE_CHECKING:
    from edge.document.locate import CardQuad

Image = NDArray[np.uint8]
Corners = NDArray[np.float64]
NEXT = np.array([1, 2, 3, 0])  # index of each corner's clockwise neighbour


def quad_areas(q: NDArray[np.float64]) -> NDArray[np.float64]:
    """Twice the shoelace area of each (..., 4, 2) quad: positive when clockwise on screen (y down)."""
    x, y = q[..., 0], q[..., 1]
    return np.asarray((x * y[..., NEXT] - x[..., NEXT] * y).sum(axis=-1), np.float64)


def clockwise(q: NDArray[np.float64]) -> NDArray[np.float64]:
    """The (..., 4, 2) quads clockwise on screen, so that (dy, -dx) of each side points outwards."""
    return np.ascontiguousarray(np.where((quad_areas(q) >= 0)[..., None, None], q, q[..., ::-1, :]))


def order_corners(quad: NDArray[np.floating] | NDArray[np.integer]) -> Corners:
    """Clockwise, first edge along a long side, pointing right-ish: the card upright or upside down.

    Geometry cannot tell the card's top from its bottom, so the result may be the card turned by
    180°; the content (side classifier, OCR) decides and ``rotate180`` fixes the flat face.
    """
    q = clockwise(np.asarray(quad, np.float64).reshape(4, 2))
    with np.errstate(all="ignore"):
        s0, s1, good = flat_sides(q[None], 2.0 * float(np.ptp(q, axis=0).max()) + 1.0)
    if good[0]:  # the sides' lengths on the flat card, perspective undone
        long_first = bool(s0[0, 0] >= s1[0, 0])
    else:
        side = np.linalg.norm(q[NEXT] - q, axis=1)
        long_first = bool(side[0] + side[2] >= side[1] + side[3])
    start = 0 if long_first else 1
    cands = (np.roll(q, -start, axis=0), np.roll(q, -start - 2, axis=0))
    # of the two 180°-equivalent orders, the one whose top edge runs most to the right
    dx = [float(c[1, 0] - c[0, 0] + c[2, 0] - c[3, 0]) for c in cands]
    return np.ascontiguousarray(cands[0] if dx[0] >= dx[1] else cands[1])


def card_corners_src(size: tuple[int, int]) -> Corners:
    """The flat face's outer corners in the pixel-centre convention the generator uses."""
    w, h = size
    return np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]], np.float64)


def card_width(corners: NDArray[np.floating]) -> float:
    """The card's own width in pixels: the mean length of its top and bottom edges."""
    c = np.asarray(corners, np.float64).reshape(4, 2)
    return float(0.5 * (np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])))


def rectify(image: Image, quad: CardQuad | Corners, size: tuple[int, int] = (CARD_W, CARD_H)) -> Image:
    """Warp the card to the canonical face size so later stages see one flat, known geometry."""
    corners = quad if isinstance(quad, np.ndarray) else quad.corners
    src = np.asarray(corners, np.float32).reshape(4, 2)
    dst = card_corners_src(size).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(image, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(out, np.uint8)


def rotate180(card: Image) -> Image:
    """Turn a flat face upside down: the locator's order may be the card rotated by 180°."""
    return np.ascontiguousarray(card[::-1, ::-1])


def corners_error(pred: NDArray[np.floating], truth: NDArray[np.floating]) -> float:
    """Mean corner distance in px, up to the 180° turn geometry cannot resolve."""
    p = np.asarray(pred, np.float64).reshape(4, 2)
    t = np.asarray(truth, np.float64).reshape(4, 2)
    errs = (np.linalg.norm(c - t, axis=1).mean() for c in (p, np.roll(p, 2, axis=0)))
    return float(min(errs))


def cross3(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Cross product over the last axis of length 3 (np.cross is slow on many small arrays)."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def line_through(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Homogeneous lines through point pairs (..., 2) → (..., 3)."""
    ones = np.ones((*a.shape[:-1], 1))
    return cross3(np.concatenate([a, ones], -1), np.concatenate([b, ones], -1))


def intersect_sides(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Corner i where side i-1 meets side i, sides given as (..., 4, 2) end points a[i] → b[i]."""
    lines = line_through(a, b)
    pts = cross3(lines[..., [3, 0, 1, 2], :], lines)
    z = pts[..., 2:3]
    ok = np.abs(z) > 1e-9
    return np.asarray(np.where(ok, pts[..., :2] / np.where(ok, z, 1.0), a), np.float64)


def flat_sides(quads: NDArray[np.float64], focal: float) -> tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]
]:
    """Lengths of sides 0→1 and 0→3 of the flat rectangles (C, 4, 2) quads show, up to scale.

    Back-projects the corners through a pinhole camera whose axis passes through the quad's
    centre (where its diagonals meet). Row 0 of the (2, C) lengths takes the focal length from
    the two vanishing points where they give a sane one, row 1 always ``focal`` (steadier when
    the card faces the camera); the third result says where the back-projection worked.
    """
    q = np.asarray(quads, np.float64)
    ones = np.ones((*q.shape[:-1], 1))
    hq = np.concatenate([q, ones], -1)
    diag = cross3(hq[:, [0, 1]], hq[:, [2, 3]])
    meet = cross3(diag[:, 0], diag[:, 1])
    z = meet[:, 2:3]
    good = np.abs(z[:, 0]) > 1e-9
    centre = np.where(good[:, None], meet[:, :2] / np.where(good[:, None], z, 1.0), q.mean(axis=1))
    p = (q - centre[:, None, :]) / focal
    h = np.concatenate([p, ones], -1)
    sides = cross3(h, h[:, NEXT])
    vp = cross3(sides[:, [0, 1]], sides[:, [2, 3]])  # the two vanishing points
    vp /= np.linalg.norm(vp, axis=-1, keepdims=True) + 1e-12
    den = vp[:, 0, 2] * vp[:, 1, 2]
    f2 = -(vp[:, 0, 0] * vp[:, 1, 0] + vp[:, 0, 1] * vp[:, 1, 1]) / np.where(np.abs(den) > 1e-6, den, 1.0)
    sane = (np.abs(den) > 1e-6) & (f2 > 0.3**2) & (f2 < 3.0**2)
    f = np.stack([np.where(sane, np.sqrt(np.abs(f2)), 1.0), np.ones_like(f2)])  # (2, C)
    # the centre is on the axis, so opposite corners' depths are inversely as far from it
    d = np.linalg.norm(p, axis=-1)
    good &= np.all(d > 1e-9, axis=1)
    d = np.maximum(d, 1e-9)
    lam1 = (1 + d[:, 0] / d[:, 2]) / (1 + d[:, 1] / d[:, 3])
    lam = np.stack([np.ones_like(lam1), lam1, d[:, 0] / d[:, 2], lam1 * d[:, 1] / d[:, 3]], axis=1)
    xy = p * lam[..., None]  # the 3D corners are (xy, f·lam)
    s0 = np.sqrt(((xy[:, 1] - xy[:, 0]) ** 2).sum(-1) + (f * (lam[:, 1] - lam[:, 0])) ** 2)
    s1 = np.sqrt(((xy[:, 3] - xy[:, 0]) ** 2).sum(-1) + (f * (lam[:, 3] - lam[:, 0])) ** 2)
    return s0, s1, np.asarray(good & np.all(np.isfinite(s0) & np.isfinite(s1), axis=0), np.bool_)


def card_aspect(quads: NDArray[np.float64], focal: float, both: bool = False) -> NDArray[np.float64]:
    """Long/short side ratio of the rectangle each quad shows: a tilted card still reads 1.585.

    (C,) from the vanishing-point focal length, or (2, C) with the fixed ``focal`` too.
    """
    s0, s1, good = flat_sides(quads, focal)
    ratio = np.where(good, np.maximum(s0, s1) / np.maximum(np.minimum(s0, s1), 1e-12), _side_ratio(quads))
    return np.asarray(ratio if both else ratio[0], np.float64)


def _side_ratio(q: NDArray[np.float64]) -> NDArray[np.float64]:
    length = np.linalg.norm(np.roll(q, -1, axis=-2) - q, axis=-1)
    r = (length[..., 0] + length[..., 2]) / np.maximum(length[..., 1] + length[..., 3], 1e-12)
    return np.asarray(np.maximum(r, 1 / np.maximum(r, 1e-12)), np.float64)


def fit_lines(pts: NDArray[np.float64], w: NDArray[np.float64]) -> tuple[
    NDArray[np.float64], NDArray[np.float64], bool
]:
    """Weighted total-least-squares line through each row of (S, K, 2) points, outliers dropped.

    Returns two points on each line and whether every line kept enough points to trust.
    """
    keep = w > 0
    c = direction = np.zeros((len(pts), 2))
    for tol in (3.0, 1.2, 0.7):
        ww = w * keep
        sw = np.maximum(ww.sum(-1), 1e-9)
        c = (pts * ww[..., None]).sum(1) / sw[:, None]
        x = pts - c[:, None]
        cxx, cyy = (ww * x[..., 0] ** 2).sum(-1) / sw, (ww * x[..., 1] ** 2).sum(-1) / sw
        cxy = (ww * x[..., 0] * x[..., 1]).sum(-1) / sw
        theta = 0.5 * np.arctan2(2 * cxy, cxx - cyy)
        direction = np.stack([np.cos(theta), np.sin(theta)], -1)
        res = np.abs(x[..., 0] * direction[:, 1:2] - x[..., 1] * direction[:, 0:1])
        spread = (res * keep).sum(-1) / np.maximum(keep.sum(-1), 1)
        keep = (w > 0) & (res <= np.maximum(tol, 2.5 * spread)[:, None])
    return c, c + 100.0 * direction, bool(np.all(keep.sum(-1) >= 6))
