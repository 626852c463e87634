"""The red round police stamp and the officer's signature that overlap the back's dated line.

Both are blended multiplicatively (ink on paper darkens, never lightens), so text under them stays
readable the way it does on a real card, while the recogniser still has to cope with the red and
blue strokes crossing it.  Both clip to the image, so a text-line crop can carry part of a stamp.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from PIL import ImageDraw

from edge.synth import fonts
from edge.synth.fonts import Split
from edge.synth.texture import SHIFT, lowfreq, star_points
from edge.synth.types import Image

Float = NDArray[np.float32]
_ONE = 1 << SHIFT


def _blend(img: Image, x0: int, y0: int, alpha: Float, colour: tuple[float, float, float]) -> None:
    """Multiply ``colour`` into ``img`` with per-pixel ``alpha`` placed at (x0, y0), clipped to the image."""
    h, w = img.shape[:2]
    ah, aw = alpha.shape
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + aw, w), min(y0 + ah, h)
    if cx0 >= cx1 or cy0 >= cy1:
        return
    a = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0, None]
    ink = np.array(colour, np.float32)[None, None, :] / 255.0
    region = img[cy0:cy1, cx0:cx1].astype(np.float32)
    region *= 1.0 - a * (1.0 - ink)
    img[cy0:cy1, cx0:cx1] = np.clip(region, 0, 255).astype(np.uint8)


@cache
def _polar_maps(radius: int, r_top: int, strip_w: int) -> tuple[Float, Float]:
    """remap() tables that bend a straight text strip round the ring (strip x=0 at angle 0)."""
    size = 2 * radius + 1
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) - radius
    r = np.hypot(xx, yy)
    theta = np.mod(np.arctan2(yy, xx), 2 * np.pi)
    map_x = (theta / (2 * np.pi) * strip_w).astype(np.float32)
    map_y = (r_top - r).astype(np.float32)
    return map_x, map_y


def _ring_text(
    text: str, radius: int, r_top: int, band: int, start: float, span: float, rng: np.random.Generator,
    font_split: Split,
) -> NDArray[np.uint8]:
    """The ring lettering as a mask of the stamp's square: letters upright, tops outwards."""
    r_mid = r_top - band / 2
    strip_w = max(8, round(2 * np.pi * r_mid))
    choices = fonts.select("label", font_split, bold=True)
    spec = choices[int(rng.integers(len(choices)))]
    size = max(6, int(band * 0.95))
    font = fonts.load(spec.file, size)
    while size > 6 and font.getbbox("ỘẾ", anchor="ls")[1] < -band * 0.98:
        size -= 1
        font = fonts.load(spec.file, size)
    avail = span * strip_w
    while size > 6 and font.getlength(text) > avail:
        size -= 1
        font = fonts.load(spec.file, size)
    # Drawn once at natural spacing, then stretched to the span: stamp letters are set wide.
    natural = max(1, int(np.ceil(font.getlength(text))))
    line = PILImage.new("L", (natural + 2, band + 2), 0)
    ImageDraw.Draw(line).text((1, band * 0.82 + 1), text, font=font, fill=255, anchor="ls")
    span_px = int(min(avail, natural * 1.6))
    stretched = cv2.resize(np.asarray(line), (span_px, band + 2), interpolation=cv2.INTER_LINEAR)
    strip = np.zeros((band + 2, 2 * strip_w), np.uint8)
    x = int(start / (2 * np.pi) * strip_w + (avail - span_px) / 2)
    strip[:, x : x + span_px] = stretched[:, : 2 * strip_w - x]
    folded = np.maximum(strip[:, :strip_w], strip[:, strip_w:])
    map_x, map_y = _polar_maps(radius, r_top, strip_w)
    out = cv2.remap(folded, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return np.asarray(out, dtype=np.uint8)


def draw_stamp(
    img: Image, center: tuple[int, int], radius: int, rng: np.random.Generator, text: str,
    *, font_split: Split = "train",
) -> None:
    """A red round seal (double ring, lettering round the ring, star in the middle), in place."""
    radius = max(12, int(radius))
    size = 2 * radius + 1
    mask = np.zeros((size, size), np.uint8)
    c = (radius * _ONE, radius * _ONE)
    outer_t = max(2, round(radius * rng.uniform(0.035, 0.06)))
    r_out = radius - outer_t // 2 - 1
    cv2.circle(mask, c, r_out * _ONE, 255, outer_t, cv2.LINE_AA, SHIFT)
    r_in = int(radius * rng.uniform(0.6, 0.68))
    cv2.circle(mask, c, r_in * _ONE, 255, max(1, outer_t // 2), cv2.LINE_AA, SHIFT)
    if rng.random() < 0.5:  # a hairline just inside the outer ring
        cv2.circle(mask, c, (r_out - outer_t - 2) * _ONE, 255, 1, cv2.LINE_AA, SHIFT)
    r_top = r_out - outer_t - 3
    band = max(6, r_top - r_in - 4)
    span = float(rng.uniform(0.74, 0.86))
    tilt = float(rng.normal(0.0, 0.35))
    start = (-np.pi / 2 - span * np.pi + tilt) % (2 * np.pi)
    letters = _ring_text(text.strip().upper(), radius, r_top, band, start, span, rng, font_split)
    mask = np.maximum(mask, letters)
    t_star = start + span * 2 * np.pi + (1 - span) * np.pi  # middle of the gap at the bottom
    r_mid = r_top - band / 2
    sx, sy = radius + r_mid * np.cos(t_star), radius + r_mid * np.sin(t_star)
    cv2.fillPoly(mask, [star_points(sx, sy, band * 0.42, t_star)], 255, cv2.LINE_AA, SHIFT)
    cv2.fillPoly(mask, [star_points(radius, radius, r_in * 0.55, -np.pi / 2 + tilt)], 255, cv2.LINE_AA, SHIFT)
    cv2.circle(mask, c, int(r_in * 0.78) * _ONE, 255, 1, cv2.LINE_AA, SHIFT)
    patch = np.clip(0.88 + 0.3 * lowfreq(rng, size, size, 4), 0.45, 1.0)
    holes = np.where(rng.random((size, size)) < 0.06, 0.45, 1.0).astype(np.float32)
    alpha = mask.astype(np.float32) / 255.0 * patch * holes * float(rng.uniform(0.7, 0.95))
    red = (float(rng.uniform(40, 90)), float(rng.uniform(30, 70)), float(rng.uniform(185, 235)))
    _blend(img, center[0] - radius, center[1] - radius, alpha, red)


def _signature_path(rng: np.random.Generator) -> list[NDArray[np.float64]]:
    """Strokes of a cursive flourish in unit coordinates: a capital, looped letters, a tail."""
    strokes: list[NDArray[np.float64]] = []
    phase = float(rng.uniform(0, 2 * np.pi))
    cx, rx = float(rng.uniform(0.08, 0.18)), float(rng.uniform(0.05, 0.12))
    ry = float(rng.uniform(0.25, 0.45))
    if rng.random() < 0.5:  # a looped capital
        t = np.linspace(0, 2 * np.pi * float(rng.uniform(1.0, 1.8)), 90)
        shrink = 1 - 0.3 * t / t[-1]
        loop = [cx + rx * np.cos(t + phase) * shrink, 0.45 + ry * np.sin(t + phase) * shrink]
        strokes.append(np.stack(loop, 1))
    else:  # a tall stem with a hook
        t = np.linspace(0, 1, 60)
        x = cx + rx * (0.6 * np.sin(np.pi * t * 1.5 + phase) + 0.4 * t)
        strokes.append(np.stack([x, 0.05 + 0.85 * t + 0.08 * np.sin(6 * t)], 1))
    loops = int(rng.integers(3, 8))
    t = np.linspace(0, 2 * np.pi * loops, 40 * loops)
    heights = np.interp(t, np.linspace(0, t[-1], loops + 1), rng.uniform(0.3, 1.3, loops + 1))
    advance = np.interp(t, np.linspace(0, t[-1], loops + 1), rng.uniform(0.5, 1.2, loops + 1))
    b = float(rng.uniform(0.9, 1.5))
    x = np.cumsum(advance) * (t[1] - t[0]) - b * np.sin(t)
    y = -b * np.cos(t) * heights + 0.25 * np.sin(t / loops * 2 + phase)
    x = float(rng.uniform(0.2, 0.3)) + (x - x.min()) / (np.ptp(x) + 1e-9) * float(rng.uniform(0.45, 0.65))
    y = 0.5 + y / (2 * b * 1.3) * float(rng.uniform(0.4, 0.7))
    end = np.array([x[-1], y[-1]])
    p1 = np.array([float(rng.uniform(0.0, 0.4)), float(rng.uniform(0.8, 1.0))])
    p2 = np.array([float(rng.uniform(0.8, 1.0)), float(rng.uniform(0.45, 0.85))])
    s = np.linspace(0, 1, 50)[:, None]
    tail = (1 - s) ** 2 * end + 2 * (1 - s) * s * p1 + s**2 * p2
    strokes.append(np.concatenate([np.stack([x, y], 1), tail]))
    if rng.random() < 0.4:  # a dot or short dash above
        dx, dy = float(rng.uniform(0.3, 0.8)), float(rng.uniform(0.02, 0.15))
        strokes.append(np.array([[dx, dy], [dx + float(rng.uniform(0.01, 0.08)), dy + 0.02]]))
    return strokes


def draw_signature(img: Image, box: tuple[int, int, int, int], rng: np.random.Generator) -> None:
    """A handwritten-looking pen signature inside ``box`` (x0, y0, x1, y1), blue or black, in place."""
    x0, y0, x1, y1 = box
    w, h = max(8, x1 - x0), max(8, y1 - y0)
    slant = float(rng.uniform(0.05, 0.35))
    angle = float(rng.uniform(-0.25, 0.05))
    ca, sa = np.cos(angle), np.sin(angle)
    pad = 6
    mask = np.zeros((h + 2 * pad, w + 2 * pad), np.uint8)
    polys = []
    for stroke in _signature_path(rng):
        u = stroke[:, 0] - slant * (stroke[:, 1] - 0.5) - 0.5
        v = stroke[:, 1] - 0.5
        px = (u * ca - v * sa * h / w + 0.5) * (w - 4) + pad + 2
        py = (u * sa * w / h + v * ca + 0.5) * (h - 4) + pad + 2
        polys.append(np.round(np.stack([np.clip(px, 1, w + 2 * pad - 2), np.clip(py, 1, h + 2 * pad - 2)], 1)
                              * _ONE).astype(np.int32))
    thickness = int(rng.integers(2, 4))
    cv2.polylines(mask, polys, False, 255, thickness, cv2.LINE_AA, SHIFT)
    alpha = mask.astype(np.float32) / 255.0 * float(rng.uniform(0.75, 0.95))
    if rng.random() < 0.7:
        ink = (float(rng.uniform(120, 170)), float(rng.uniform(40, 80)), float(rng.uniform(10, 40)))
    else:
        grey = float(rng.uniform(25, 45))
        ink = (grey, grey, grey)
    _blend(img, x0 - pad, y0 - pad, alpha, ink)
