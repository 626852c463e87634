"""Per-frame quality of the card in a preview frame: pure numpy / OpenCV, well under a millisecond.

The card is first warped to a fixed-size patch, so sharpness and motion are measured relative
to the card's own size (a card twice as far away is not "sharper"), and glare and exposure on
the card's pixels only.  Motion is the card's content moving between two frames seen through
the same window (the current quad), so the locator's corner jitter never counts as movement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.document.locate import CardQuad

Image = NDArray[np.uint8]
Corners = NDArray[np.float64]
PATCH_W, PATCH_H = 192, 121  # the card's 1024:646 proportions
_PATCH_RECT = np.array([[0, 0], [PATCH_W - 1, 0], [PATCH_W - 1, PATCH_H - 1], [0, PATCH_H - 1]], np.float32)
GLARE_LEVEL = 250  # grey level at which the print is lost to a reflection
_EDGE_SHARE = 0.06  # the strongest-gradient share of the patch that motion is measured on


@dataclass(frozen=True)
class Measures:
    """What the gates look at, for one frame with a card in it."""

    score: float  # the locator's confidence 0..1
    width_px: float  # card's long edge, analysis-frame pixels
    fill: float  # card area / frame area
    inside: bool  # every corner inside the frame with a margin
    square: float  # 1 = square-on to the camera; opposite sides' length ratios multiplied
    sharpness: float  # steepest edges (99.5th pct gradient) over the card's contrast, on the card-sized patch:
    # as edge.document.quality.sharpness, blur spreads an edge whatever the light
    motion_px: float  # content movement since the previous frame, analysis px (nan on the first frame)
    glare: float  # share of the card blown out, after removing specks
    exposure: float  # mean grey level of the card 0..255


def patch_transform(corners: Corners) -> NDArray[np.float64]:
    """Homography from the frame to the card patch."""
    return np.asarray(cv2.getPerspectiveTransform(np.asarray(corners, np.float32), _PATCH_RECT), np.float64)


def warp_patch(image: Image, transform: NDArray[np.float64]) -> Image:
    """The card as a PATCH_W x PATCH_H patch; nearest sampling: 3x faster than bilinear and no added blur."""
    return np.asarray(cv2.warpPerspective(image, transform, (PATCH_W, PATCH_H), flags=cv2.INTER_NEAREST,
                                          borderMode=cv2.BORDER_REPLICATE), np.uint8)


def side_lengths(corners: Corners) -> NDArray[np.float64]:
    c = np.asarray(corners, np.float64).reshape(4, 2)
    return np.asarray(np.linalg.norm(np.roll(c, -1, axis=0) - c, axis=1), np.float64)


def squareness(corners: Corners) -> float:
    """1.0 when opposite sides are equally long (no perspective), lower the more the card is tilted."""
    s = side_lengths(corners)
    if s.min() <= 0:
        return 0.0
    return float(min(s[0], s[2]) / max(s[0], s[2]) * min(s[1], s[3]) / max(s[1], s[3]))


def inside_frame(corners: Corners, size: tuple[int, int], margin: float = 0.01) -> bool:
    """Every corner at least ``margin`` of the short side away from the frame's border."""
    w, h = size
    m = margin * min(w, h)
    return bool(np.all(corners >= m) and np.all(corners <= np.array([w - 1, h - 1]) - m))


def gradient(patch: Image) -> Image:
    """|d/dx| + |d/dy| in grey levels per pixel (a unit step reads about 1), as 8-bit for histograms."""
    gx = cv2.Sobel(patch, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(patch, cv2.CV_16S, 0, 1, ksize=3)
    return np.asarray(cv2.add(cv2.convertScaleAbs(gx, alpha=0.125), cv2.convertScaleAbs(gy, alpha=0.125)), np.uint8)


def percentiles(img: Image, qs: tuple[float, ...], mask: Image | None = None) -> list[float]:
    """Percentiles (0..1) of an 8-bit image from its histogram: no sort, a few microseconds."""
    hist = np.cumsum(np.asarray(cv2.calcHist([img], [0], mask, [256], [0, 256]), np.float64).ravel())
    return [float(v) for v in np.searchsorted(hist, [q * hist[-1] for q in qs])]


def motion(cur: Image, prev: Image, grad: Image, level: float) -> float:
    """Movement in patch px: frame difference over gradient on the strongest edges (brightness constancy).

    ``level`` is the gradient above which an edge counts as strong (the top few percent of the patch).
    """
    strong = np.asarray(cv2.inRange(grad, max(level, 2.0), 255), np.uint8)
    shift = cv2.mean(cur)[0] - cv2.mean(prev)[0]  # flicker and exposure drift move every pixel alike: not motion
    diff = cv2.absdiff(cur, cv2.addWeighted(prev, 1.0, prev, 0.0, shift))
    g = cv2.mean(grad, strong)[0]
    return float(cv2.mean(diff, strong)[0]) / g if g > 0 else math.inf


def glare_share(patch: Image) -> float:
    """Share of the card blown out (every channel near 255) in blobs: a 3x3 opening drops single specks."""
    blown = np.asarray(cv2.inRange(patch, (GLARE_LEVEL,) * 3, (255,) * 3), np.uint8)
    blobs = cv2.morphologyEx(blown, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return float(cv2.countNonZero(blobs)) / blown.size


def measure(frame: Image, prev: Image | None, quad: CardQuad) -> tuple[Measures, Image]:
    """Every gate's measure for the card at ``quad`` in BGR ``frame`` (``prev``: the frame before), and its patch."""
    h, w = frame.shape[:2]
    corners = quad.corners
    s = side_lengths(corners)
    width = float(max(s[0] + s[2], s[1] + s[3]) / 2)
    d1, d2 = corners[2] - corners[0], corners[3] - corners[1]
    area = 0.5 * abs(float(d1[0] * d2[1] - d1[1] * d2[0]))  # a quad's area from its diagonals
    transform = patch_transform(corners)
    colour = warp_patch(frame, transform)
    patch = np.asarray(cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY), np.uint8)
    grad = gradient(patch)
    lo, hi = percentiles(patch, (0.02, 0.98))
    strong, steepest = percentiles(grad, (1.0 - _EDGE_SHARE, 0.995))
    moved = math.nan
    if prev is not None and prev.shape == frame.shape:
        before = np.asarray(cv2.cvtColor(warp_patch(prev, transform), cv2.COLOR_BGR2GRAY), np.uint8)
        moved = motion(patch, before, grad, strong) * width / PATCH_W
    m = Measures(
        score=quad.score,
        width_px=width,
        fill=area / (w * h),
        inside=quad.inside and inside_frame(corners, (w, h)),
        square=squareness(corners),
        sharpness=steepest / max(hi - lo, 8.0),
        motion_px=moved,
        glare=glare_share(colour),
        exposure=float(cv2.mean(patch)[0]),
    )
    return m, patch
