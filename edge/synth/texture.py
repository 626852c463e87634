"""Security paper: pale guilloche curves on lightly mottled paper, a border frame and a watermark.

Real certificates are printed on paper covered with fine wavy lines and rosettes; the recogniser
must learn to ignore them, so every card and line crop is drawn on such a background.  Everything
is drawn per call from the passed generator with ``cv2.polylines`` (a few milliseconds a card).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.synth.types import Image

Float = NDArray[np.float32]
SHIFT = 3  # sub-pixel bits for cv2 drawing
_ONE = 1 << SHIFT

# Paper tones (BGR): near white, cream, pale blue-green, pale pink.
PAPERS = ((244, 246, 245), (232, 243, 247), (240, 244, 236), (238, 236, 246), (236, 242, 240))
# Guilloche inks (BGR): blue-green, teal, pale green, pale rose, pale ochre.
TINTS = ((200, 196, 140), (190, 200, 150), (170, 210, 170), (190, 170, 225), (160, 205, 225))


def lowfreq(rng: np.random.Generator, width: int, height: int, cells: int = 6) -> Float:
    """Smooth noise in [-1, 1]: uneven paper tone, ink pressure, stamp patches."""
    gh = max(2, cells)
    gw = max(2, round(cells * width / max(height, 1)))
    grid = rng.uniform(-1.0, 1.0, size=(gh, gw)).astype(np.float32)
    # Cubic to a quarter of the size, then linear: smooth, and a fraction of a full cubic resize's cost.
    small = cv2.resize(grid, (max(2, width // 4), max(2, height // 4)), interpolation=cv2.INTER_CUBIC)
    return np.asarray(cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


def _shade(rng: np.random.Generator, width: int, height: int) -> NDArray[np.uint8]:
    """Paper tone variation plus fine grain, as uint8 centred on 128 (one unit = 1/4 grey level)."""
    sw, sh = max(2, width // 3), max(2, height // 3)
    tone = lowfreq(rng, sw, sh, int(rng.integers(3, 7))) * float(rng.uniform(8.0, 24.0))
    grain = rng.standard_normal(size=(sh, sw), dtype=np.float32) * float(rng.uniform(4.0, 10.0))
    small = np.clip(tone + grain + 128.0, 0, 255).astype(np.uint8)
    return np.asarray(cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.uint8)


def _pts(xs: NDArray[np.float64], ys: NDArray[np.float64]) -> NDArray[np.int32]:
    return np.round(np.stack([xs, ys], axis=1) * _ONE).astype(np.int32)


def _waves(rng: np.random.Generator, width: int, height: int) -> list[NDArray[np.int32]]:
    """Two interlaced families of wavy lines crossing the whole sheet."""
    xs = np.arange(-8.0, width + 9.0, 3.0)
    spacing = float(rng.uniform(7.0, 13.0))
    lam1, lam2 = float(rng.uniform(110, 260)), float(rng.uniform(24, 60))
    amp1, amp2 = float(rng.uniform(5, 14)), float(rng.uniform(1.0, 3.5))
    drift = float(rng.uniform(0.15, 0.5))
    phase = rng.uniform(0, 2 * np.pi, 2)
    k = np.arange(int((height + 60) / spacing) + 1, dtype=np.float64)[:, None]
    curves: list[NDArray[np.int32]] = []
    for family, sign in ((0, 1.0), (1, -1.0)):
        ys = (
            k * spacing - 30 + family * spacing / 2
            + sign * amp1 * np.sin(2 * np.pi * xs[None, :] / lam1 + phase[0] + k * drift)
            + amp2 * np.sin(2 * np.pi * xs[None, :] / lam2 + phase[1] + family * np.pi)
        )
        pts = np.round(np.stack([np.broadcast_to(xs, ys.shape), ys], axis=2) * _ONE).astype(np.int32)
        curves.extend(pts)
    return curves


def _rosette(
    rng: np.random.Generator, cx: float, cy: float, radius: float, count: int
) -> list[NDArray[np.int32]]:
    """A spirograph rosette: many phase-shifted closed petal curves around one centre."""
    theta = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    petals = int(rng.integers(5, 13))
    lobes = int(rng.integers(17, 41))
    depth = float(rng.uniform(0.12, 0.3)) * radius
    ripple = float(rng.uniform(0.02, 0.06)) * radius
    curves = []
    for j in range(count):
        shift = 2 * np.pi * j / count
        r = radius + depth * np.sin(petals * theta + shift) + ripple * np.sin(lobes * theta - shift * 3)
        curves.append(_pts(cx + r * np.cos(theta), cy + r * np.sin(theta)))
    return curves


def _tint(rng: np.random.Generator) -> NDArray[np.float32]:
    tint = np.array(TINTS[int(rng.integers(len(TINTS)))], np.float32)
    return tint + rng.uniform(-8, 8, 3).astype(np.float32)


def guilloche(rng: np.random.Generator, width: int, height: int) -> Image:
    """Paper covered with a pale security pattern (BGR uint8): waves plus one or two rosettes."""
    base = np.array(PAPERS[int(rng.integers(len(PAPERS)))], np.float32)
    base += rng.uniform(-5, 4, 3).astype(np.float32)
    shade = _shade(rng, width, height)
    waves = np.zeros((height, width), np.uint8)
    cv2.polylines(waves, _waves(rng, width, height), False, 255, 1, cv2.LINE_AA, SHIFT)
    wave_pull = (_tint(rng) - base) * float(rng.uniform(0.28, 0.5)) / 255.0
    roses = np.zeros((height, width), np.uint8)
    curves: list[NDArray[np.int32]] = []
    for _ in range(int(rng.integers(1, 3))):
        cx = width * float(rng.uniform(0.25, 0.75))
        cy = height * float(rng.uniform(0.3, 0.7))
        radius = min(width, height) * float(rng.uniform(0.18, 0.42))
        curves += _rosette(rng, cx, cy, radius, int(rng.integers(12, 26)))
    cv2.polylines(roses, curves, True, 255, 1, cv2.LINE_AA, SHIFT)
    rose_pull = (_tint(rng) - base) * float(rng.uniform(0.15, 0.35)) / 255.0
    # One affine colour transform per pixel: paper + shade + both line families (fast, saturating).
    m = np.zeros((3, 4), np.float32)
    m[:, 0], m[:, 1], m[:, 2], m[:, 3] = wave_pull, rose_pull, 0.25, base - 32.0
    out = cv2.transform(cv2.merge([waves, roses, shade]), m)
    return np.asarray(out, dtype=np.uint8)


def draw_frame(img: Image, rng: np.random.Generator) -> None:
    """A thin printed border (double line with a wavy band between) just inside the card edge."""
    h, w = img.shape[:2]
    colour = tuple(float(c) for c in _tint(rng) * float(rng.uniform(0.55, 0.75)))
    outer = int(rng.integers(6, 12))
    gap = int(rng.integers(5, 9))
    cv2.rectangle(img, (outer, outer), (w - 1 - outer, h - 1 - outer), colour, 2, cv2.LINE_AA)
    inner = outer + gap
    cv2.rectangle(img, (inner, inner), (w - 1 - inner, h - 1 - inner), colour, 1, cv2.LINE_AA)
    if rng.random() < 0.7:  # a small wave running round the band between the two lines
        mid = (outer + inner) / 2
        amp = gap / 3
        period = float(rng.uniform(8, 16))
        band: list[NDArray[np.int32]] = []
        xs = np.arange(outer, w - outer, 1.5)
        ys = np.arange(outer, h - outer, 1.5)
        for edge in (mid, h - 1 - mid):
            band.append(_pts(xs, edge + amp * np.sin(2 * np.pi * xs / period)))
        for edge in (mid, w - 1 - mid):
            band.append(_pts(edge + amp * np.sin(2 * np.pi * ys / period), ys))
        cv2.polylines(img, band, False, colour, 1, cv2.LINE_AA, SHIFT)


def star_points(cx: float, cy: float, radius: float, angle: float = -np.pi / 2) -> NDArray[np.int32]:
    """A five-pointed star polygon (sub-pixel coordinates for ``SHIFT``)."""
    k = np.arange(10)
    r = np.where(k % 2 == 0, radius, radius * 0.4)
    t = angle + k * np.pi / 5
    return _pts(cx + r * np.cos(t), cy + r * np.sin(t))


def draw_watermark(img: Image, center: tuple[int, int], radius: int, rng: np.random.Generator) -> None:
    """A pale emblem (rings, rays and a star) printed under the text, as on the real form."""
    mask = np.zeros(img.shape[:2], np.uint8)
    cx, cy = center
    cv2.circle(mask, center, radius, 255, 3, cv2.LINE_AA)
    cv2.circle(mask, center, int(radius * 0.86), 255, 1, cv2.LINE_AA)
    rays = int(rng.integers(24, 48))
    for i in range(rays):
        t = 2 * np.pi * i / rays
        p0 = (int(cx + 0.45 * radius * np.cos(t)), int(cy + 0.45 * radius * np.sin(t)))
        p1 = (int(cx + 0.8 * radius * np.cos(t)), int(cy + 0.8 * radius * np.sin(t)))
        cv2.line(mask, p0, p1, 255, 1, cv2.LINE_AA)
    cv2.fillPoly(mask, [star_points(cx, cy, radius * 0.4)], 255, cv2.LINE_AA, SHIFT)
    x0, y0 = max(cx - radius - 3, 0), max(cy - radius - 3, 0)
    x1, y1 = min(cx + radius + 4, img.shape[1]), min(cy + radius + 4, img.shape[0])
    region = img[y0:y1, x0:x1].astype(np.float32)
    pull = float(rng.uniform(0.12, 0.22)) / 255.0
    tint = _tint(rng)
    a = mask[y0:y1, x0:x1].astype(np.float32)[:, :, None] * pull
    region += (tint[None, None, :] - region) * a
    img[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)
