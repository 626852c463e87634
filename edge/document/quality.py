"""Is a located card readable?  Size, framing, sharpness and glare, measured in numpy on the photo.

Each measure is cheap (a few ms on a 1280x720 photo) and gives a reason the person in front of
the camera can act on: come closer, keep the whole card in view, hold still, tilt away from
the light.  Thresholds live here, next to the measures, and are checked by ``edge bench scan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.document.locate import CardQuad
from edge.document.rectify import card_width

Reason = Literal["no_card", "too_small", "cut_off", "blurred", "glare", "unreadable"]
REASON_MESSAGES: dict[Reason, str] = {
    "no_card": "no registration card was found in the photo",
    "too_small": "the card is too small in the photo to read: bring it closer",
    "cut_off": "part of the card is outside the photo: keep the whole card in view",
    "blurred": "the photo is too blurred to read: hold the card still and in focus",
    "glare": "glare covers part of the card: tilt it away from the light",
    "unreadable": "the card's text could not be read",
}

MIN_CARD_WIDTH = 300.0  # px along the card's long edge; below this the labels are ~5 px tall
MIN_SHARPNESS = 0.2  # steepest edges, as a share of the card's contrast per pixel (see sharpness)
MAX_GLARE = 0.04  # share of the card blown out to white
BLOWN = 248  # every channel at least this: blown out
CORNER_SLACK = 0.01  # share of the photo's short side a corner may be estimated past its edge
BORDER_BAND = 0.015  # two neighbouring corners this close to one edge of the photo: the card runs out


@dataclass(frozen=True)
class Quality:
    width_px: float
    sharpness: float
    glare: float
    inside: bool  # every corner inside the photo (the locator's own flag is stricter: for capture)

    def reason(self) -> Reason | None:
        """The first thing that makes the photo unreadable, in the order a person should fix them."""
        if not self.inside:  # first: the size of a card running off the photo is not known
            return "cut_off"
        if self.width_px < MIN_CARD_WIDTH:
            return "too_small"
        if self.glare > MAX_GLARE:
            return "glare"
        if self.sharpness < MIN_SHARPNESS:
            return "blurred"
        return None


def _side_on_border(corners: NDArray[np.float64], size: tuple[int, int], band: float) -> bool:
    """Two neighbouring corners both on one edge of the photo: the locator followed the photo's
    edge where the card runs out of it (a card merely near the edge has one corner there)."""
    w, h = size
    near = np.stack([corners[:, 0] <= band, corners[:, 1] <= band,
                     corners[:, 0] >= w - 1 - band, corners[:, 1] >= h - 1 - band], axis=1)  # (corner, edge)
    return bool(np.any(near & np.roll(near, -1, axis=0)))


def measure(image: NDArray[np.uint8], quad: CardQuad) -> Quality:
    """Size, sharpness and glare of the card inside ``image`` (BGR), on its own pixels only."""
    corners = quad.corners
    h, w = image.shape[:2]
    x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, (w - 1, h - 1))
    x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int) + 1, 1, (w, h))
    roi = image[y0:y1, x0:x1]
    mask = np.zeros(roi.shape[:2], np.uint8)
    poly = np.round(corners - (x0, y0)).astype(np.int32)
    cv2.fillConvexPoly(mask, poly, 1)
    inner = np.asarray(cv2.erode(mask, np.ones((9, 9), np.uint8)), np.uint8)  # off the card's own edge
    # a corner estimated a little past the photo's edge (up to 1 % of its short side) is the
    # locator's error on a card filling the frame, not a lost line: the card's blank border, about
    # 1.4 % of its width, is wider; a card really cut off loses far more (edge.synth: 4 % or more)
    slack = CORNER_SLACK * min(h, w)
    inside = bool(np.all(corners >= -slack) and np.all(corners <= np.array([w - 1, h - 1]) + slack))
    inside = inside and not _side_on_border(corners, (w, h), BORDER_BAND * min(h, w))
    return Quality(card_width(corners), sharpness(roi, inner), glare_share(roi, mask), inside)


def sharpness(roi: NDArray[np.uint8], mask: NDArray[np.uint8]) -> float:
    """Steepness of the sharpest edges (99.5th percentile gradient) over the print's contrast.

    A focused print edge changes by most of its contrast within a pixel or two; defocus or
    motion spreads that over many pixels, whatever the lighting, so the ratio separates blur
    from dim or low-contrast photos.  Big photos are first brought to about 1000 px so a card
    filling a 4K frame is judged at the scale the reader uses.
    """
    grey = roi if roi.ndim == 2 else np.asarray(cv2.cvtColor(roi, cv2.COLOR_BGR2GRAY), np.uint8)
    scale = min(1.0, 1000.0 / max(grey.shape))
    if scale < 1.0:
        size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
        grey = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), np.uint8)
        mask = np.asarray(cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST), np.uint8)
    inside = mask > 0
    if np.count_nonzero(inside) < 100:
        return 0.0
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)[inside] / 8.0  # Sobel 3x3 weighs a unit step by 4 per side
    lo, hi = _grey_percentiles(grey, mask, (2, 98))
    contrast = max(hi - lo, 8.0)
    return float(np.percentile(mag, 99.5)) / contrast


def _grey_percentiles(grey: NDArray[np.uint8], mask: NDArray[np.uint8], ps: tuple[float, ...]) -> list[float]:
    """``np.percentile(grey[mask > 0], ps)`` (linear interpolation) from a 256-bin histogram: the
    same figures without sorting half a million pixels."""
    counts = cv2.calcHist([grey], [0], mask, [256], [0, 256]).ravel().astype(np.int64)
    cum = np.cumsum(counts)
    n = int(cum[-1])
    out = []
    for p in ps:
        pos = p / 100 * (n - 1)
        k = int(np.floor(pos))
        below, above = np.searchsorted(cum, (k, min(k + 1, n - 1)), side="right")  # the k-th and next value
        out.append(float(below + (pos - k) * (above - below)))
    return out


def glare_share(roi: NDArray[np.uint8], mask: NDArray[np.uint8]) -> float:
    """Share of the card's pixels blown out: every channel near 255 (the print is lost there)."""
    # every channel >= BLOWN, by cv2.inRange: numpy's minimum over the channel axis is 20x slower
    low = (BLOWN,) * (1 if roi.ndim == 2 else roi.shape[2])
    blown = cv2.inRange(roi, low, (255,) * len(low))
    total = cv2.countNonZero(mask)
    return float(cv2.countNonZero(cv2.bitwise_and(blown, mask))) / total if total else 0.0
