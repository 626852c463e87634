"""Procedural backgrounds and camera degradations shared by single photos and video sequences."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.synth.types import Image

BackgroundKind = Literal["wood", "fabric", "tray", "clutter", "plain"]
BACKGROUNDS: tuple[BackgroundKind, ...] = ("wood", "fabric", "tray", "clutter", "plain")
Conditions = dict[str, float | str | bool]
Float = NDArray[np.float32]
Points = NDArray[np.float64]

_WOODS = ((60, 120, 180), (40, 85, 140), (25, 45, 80), (45, 70, 140), (140, 160, 175))
_FABRICS = ((120, 70, 40), (60, 60, 60), (40, 40, 120), (150, 150, 140), (90, 120, 70), (160, 100, 110))
_SKIN = ((95, 135, 190), (70, 110, 160), (120, 160, 215), (55, 85, 130))


def _rand(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def smooth_noise(rng: np.random.Generator, h: int, w: int, scale: float, sx: float = 1.0) -> Float:
    """Band-limited noise in about [-1, 1]: blotches, folds, grain warps; ``sx`` stretches along x."""
    gh, gw = max(2, int(h / scale) + 2), max(2, int(w / (scale * sx)) + 2)
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    return np.asarray(cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC) * 0.6, np.float32)


def _colour(base: tuple[int, int, int], rng: np.random.Generator, jitter: float) -> Float:
    return np.clip(np.array(base, np.float32) * rng.uniform(1 - jitter, 1 + jitter, 3), 0, 255).astype(
        np.float32
    )


def _rotated(tex: Float, angle: float, w: int, h: int) -> Float:
    """Crop a w×h window of a square texture rotated by ``angle`` (texture is big enough)."""
    s = tex.shape[0]
    m = cv2.getRotationMatrix2D((s / 2, s / 2), angle, 1.0)
    m[:, 2] += (w / 2 - s / 2, h / 2 - s / 2)
    return np.asarray(cv2.warpAffine(tex, m, (w, h), borderMode=cv2.BORDER_REFLECT), np.float32)


def _wood(rng: np.random.Generator, w: int, h: int, c: Conditions) -> Float:
    s = int(math.hypot(w, h)) + 4
    y = np.arange(s, dtype=np.float32)[:, None]
    period = _rand(rng, 6, 22)
    warp = smooth_noise(rng, s, s, 40, sx=8) * _rand(rng, 8, 30)
    rings = np.sin((y + warp) * (2 * math.pi / period))
    streaks = smooth_noise(rng, s, s, 1.5, sx=60)
    blotch = smooth_noise(rng, s, s, 90)
    tex = 0.45 * rings + 0.45 * streaks + 0.35 * blotch
    plank = _rand(rng, 0.25, 0.8) * s
    seams = (np.mod(y + _rand(rng, 0, plank), plank) < 1.5).astype(np.float32) * -1.5
    tex = _rotated((tex + seams).astype(np.float32), _rand(rng, -180, 180), w, h)
    base = _colour(_WOODS[int(rng.integers(len(_WOODS)))], rng, 0.15)
    amp = np.array([0.22, 0.18, 0.14], np.float32) * _rand(rng, 0.6, 1.3)
    c["wood_period"] = period
    return np.asarray(base * (1 + tex[..., None] * amp), np.float32)


def _fabric(rng: np.random.Generator, w: int, h: int, c: Conditions) -> Float:
    p = int(rng.integers(2, 5))  # thread width at half resolution
    s = int(math.hypot(w, h)) + 4
    yy, xx = np.mgrid[0 : 2 * p, 0 : 2 * p].astype(np.float32)
    over = ((xx // p + yy // p) % 2).astype(np.float32)
    weft, warp = 0.5 + 0.5 * np.cos(2 * np.pi * yy / p), 0.5 + 0.5 * np.cos(2 * np.pi * xx / p)
    tile = over * weft + (1 - over) * warp
    reps = s // (2 * p) + 1
    woven = np.tile(tile, (reps, reps))[:s, :s] + 0.25 * smooth_noise(rng, s, s, 3, sx=6)
    tex = _rotated(woven.astype(np.float32), _rand(rng, -25, 25), w, h)
    folds = 1 + 0.18 * smooth_noise(rng, h, w, _rand(rng, 60, 160))
    base = _colour(_FABRICS[int(rng.integers(len(_FABRICS)))], rng, 0.25)
    c["fabric_thread_px"] = float(2 * p)
    return base * ((0.72 + 0.4 * tex) * folds)[..., None]


def _tray(rng: np.random.Generator, w: int, h: int, c: Conditions) -> Float:
    metal = bool(rng.random() < 0.5)
    grey = _rand(rng, 110, 170) if metal else _rand(rng, 18, 55)
    base = np.array([grey * _rand(rng, 1.0, 1.12), grey, grey * _rand(rng, 0.9, 1.0)], np.float32)
    tex = smooth_noise(rng, h, w, 1.2, sx=80) * (0.07 if metal else 0.02) + smooth_noise(rng, h, w, 120) * 0.1
    img = base * (1 + tex)[..., None]
    rim = np.zeros((h, w), np.uint8)
    centre = (w / 2 + _rand(rng, -0.2, 0.2) * w, h / 2 + _rand(rng, -0.2, 0.2) * h)
    dims = (w * _rand(rng, 0.8, 1.2), h * _rand(rng, 0.8, 1.25))
    box = cv2.boxPoints((centre, dims, _rand(rng, -8, 8))).astype(np.int32)
    cv2.fillPoly(rim, [box], 255)
    wall = base * _rand(rng, 0.4, 1.6) + _rand(rng, -10, 25)
    img = np.where(rim[..., None] > 0, img, wall[None, None, :]).astype(np.float32)
    bevel = np.zeros((h, w), np.float32)
    cv2.polylines(bevel, [box], True, 1.0, max(1, int(_rand(rng, 1, 4))), cv2.LINE_AA)
    bevel = np.asarray(cv2.GaussianBlur(bevel, (0, 0), 1.0), np.float32)
    c["tray_metal"] = metal
    return np.asarray(img + bevel[..., None] * _rand(rng, 60, 140), np.float32)


def _paper(rng: np.random.Generator, pw: int, ph: int) -> Float:
    """Another document: a light sheet with rows of word-like strokes."""
    tone = rng.uniform(0.95, 1.0, 3).astype(np.float32)
    paper = np.full((ph, pw, 3), _rand(rng, 215, 250), np.float32) * tone
    ink = rng.uniform(20, 70) + rng.uniform(-15, 15, 3)
    line_h = max(3, int(_rand(rng, 0.02, 0.06) * ph))
    y = int(line_h * _rand(rng, 1, 3))
    while y < ph - 2 * line_h:
        x = int(_rand(rng, 0.05, 0.15) * pw)
        end = int(pw * _rand(rng, 0.5, 0.92))
        while x < end:
            wlen = int(line_h * _rand(rng, 1.0, 5.0))
            cv2.rectangle(paper, (x, y), (min(x + wlen, end), y + max(1, line_h // 3)), ink.tolist(), -1)
            x += wlen + max(2, line_h // 2)
        y += int(line_h * _rand(rng, 1.4, 2.2))
    return paper


def _clutter(rng: np.random.Generator, w: int, h: int, c: Conditions) -> Float:
    grey = int(_rand(rng, 120, 215))
    desk = _colour((grey, grey, grey), rng, 0.08)
    img = np.ascontiguousarray(desk * (1 + 0.06 * smooth_noise(rng, h, w, 100))[..., None])
    n_papers = int(rng.integers(1, 4))
    for _ in range(n_papers):
        pw, ph = int(w * _rand(rng, 0.2, 0.6)), int(h * _rand(rng, 0.25, 0.8))
        m = cv2.getRotationMatrix2D((pw / 2, ph / 2), _rand(rng, -40, 40), 1.0)
        corners = cv2.transform(np.array([[[0, 0], [pw, 0], [pw, ph], [0, ph]]], np.float32), m)[0]
        shift = np.array([_rand(rng, -0.1, 1.0) * w, _rand(rng, -0.1, 1.0) * h]) - corners.mean(axis=0)
        x0, y0 = (np.maximum(corners.min(axis=0) + shift - 8, 0)).astype(int)
        x1, y1 = (np.minimum(corners.max(axis=0) + shift + 8, (w, h))).astype(int)
        if x1 <= x0 or y1 <= y0:
            continue
        m[:, 2] += shift - (x0, y0)
        sheet = cv2.warpAffine(_paper(rng, pw, ph), m, (x1 - x0, y1 - y0))
        mask = cv2.warpAffine(np.ones((ph, pw), np.float32), m, (x1 - x0, y1 - y0))[..., None]
        shadow = cv2.GaussianBlur(mask, (0, 0), 3)[..., None]
        roi = img[y0:y1, x0:x1] * (1 - 0.25 * shadow)
        img[y0:y1, x0:x1] = roi * (1 - mask) + sheet * mask
    img = np.clip(img, 0, 255).astype(np.uint8)  # anti-aliased drawing needs 8-bit
    for _ in range(int(rng.integers(2, 7))):
        col = rng.uniform(10, 240, 3).tolist()
        if rng.random() < 0.5:
            r = int(_rand(rng, 0.02, 0.12) * w)
            cv2.circle(img, (int(_rand(rng, 0, w)), int(_rand(rng, 0, h))), r, col, -1, cv2.LINE_AA)
        else:
            p0 = (int(_rand(rng, 0, w)), int(_rand(rng, 0, h)))
            ang, ln = _rand(rng, 0, 2 * math.pi), _rand(rng, 0.1, 0.35) * w
            p1 = (int(p0[0] + ln * math.cos(ang)), int(p0[1] + ln * math.sin(ang)))
            cv2.line(img, p0, p1, col, max(2, int(_rand(rng, 0.005, 0.015) * w)), cv2.LINE_AA)
    c["clutter_papers"] = float(n_papers)
    return np.asarray(img, np.float32)


def _plain(
    rng: np.random.Generator, w: int, h: int, c: Conditions, near: tuple[float, float, float]
) -> Float:
    delta = _rand(rng, 6, 28) * (1 if rng.random() < 0.5 else -1)
    base = np.clip(np.array(near, np.float32) + delta + rng.uniform(-6, 6, 3).astype(np.float32), 0, 255)
    tex = 0.03 * smooth_noise(rng, h, w, 1.5) + 0.04 * smooth_noise(rng, h, w, 150)
    c["plain_delta"] = delta
    return np.asarray(base * (1 + tex)[..., None], np.float32)


def make_background(
    rng: np.random.Generator,
    size: tuple[int, int],
    kind: BackgroundKind | None = None,
    near: tuple[float, float, float] = (200.0, 200.0, 200.0),
) -> tuple[Image, Conditions]:
    """A surface a card is photographed on; ``near`` is the card's colour for the low-contrast kind."""
    w, h = size
    if kind is None:
        kind = BACKGROUNDS[int(rng.choice(len(BACKGROUNDS), p=[0.25, 0.2, 0.2, 0.2, 0.15]))]
    c: Conditions = {"background": kind}
    hw, hh = (w + 1) // 2, (h + 1) // 2  # textures are drawn at half size: backgrounds sit out of focus
    if kind == "wood":
        tex = _wood(rng, hw, hh, c)
    elif kind == "fabric":
        tex = _fabric(rng, hw, hh, c)
    elif kind == "tray":
        tex = _tray(rng, hw, hh, c)
    elif kind == "clutter":
        tex = _clutter(rng, hw, hh, c)
    else:
        tex = _plain(rng, hw, hh, c, near)
    img = cv2.resize(np.clip(tex, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)
    return np.asarray(img, np.uint8), c


def _capsule(p0: Points, p1: Points, r0: float, r1: float) -> Points:
    """A finger or arm: a tapered stroke with round ends."""
    d = p1 - p0
    ang = math.atan2(d[1], d[0])
    a1 = np.linspace(ang - math.pi / 2, ang + math.pi / 2, 9)
    a0 = a1 + math.pi
    return np.concatenate(
        [p1 + r1 * np.stack([np.cos(a1), np.sin(a1)], 1), p0 + r0 * np.stack([np.cos(a0), np.sin(a0)], 1)]
    )


def hand_polygons(rng: np.random.Generator, w: int, h: int, scale: float) -> list[Points]:
    """A hand (palm, fingers, thumb, forearm) or a phone reaching in from one frame edge."""
    side = int(rng.integers(4))
    t = _rand(rng, 0.2, 0.8)
    anchor = np.array([(t * w, -0.05 * h), (w * 1.05, t * h), (t * w, h * 1.05), (-0.05 * w, t * h)][side])
    inward = [math.pi / 2, math.pi, -math.pi / 2, 0.0][side] + _rand(rng, -0.5, 0.5)
    d = np.array([math.cos(inward), math.sin(inward)])
    n = np.array([-d[1], d[0]])
    size = scale * min(w, h)
    palm = anchor + d * size * _rand(rng, 0.3, 0.6)
    if rng.random() < 0.3:  # a phone
        box = ((float(palm[0]), float(palm[1])), (size * 0.55, size * 1.1), math.degrees(inward) + 90)
        return [np.asarray(cv2.boxPoints(box), np.float64)]
    a = np.linspace(0, 2 * math.pi, 32, endpoint=False)
    polys = [palm + np.outer(np.cos(a), d) * size * 0.3 + np.outer(np.sin(a), n) * size * 0.27]
    polys.append(_capsule(anchor - d * size, palm, size * 0.2, size * 0.22))
    spread = _rand(rng, 0.05, 0.2)
    for k in range(4):
        off = (k - 1.5) * 0.13 * size
        fa = inward + (k - 1.5) * spread
        length = size * _rand(rng, 0.42, 0.55) * (0.8 if k in (0, 3) else 1.0)
        base = palm + n * off + d * size * 0.2
        polys.append(
            _capsule(base, base + np.array([math.cos(fa), math.sin(fa)]) * length, 0.065 * size, 0.055 * size)
        )
    sgn = 1.0 if rng.random() < 0.5 else -1.0
    ta = inward + sgn * _rand(rng, 0.7, 1.2)
    tb = palm + n * sgn * 0.18 * size
    polys.append(
        _capsule(tb, tb + np.array([math.cos(ta), math.sin(ta)]) * 0.35 * size, 0.08 * size, 0.06 * size)
    )
    return polys


def fill_polygons(mask: NDArray[np.uint8] | Float, polys: list[Points], value: float) -> None:
    """Fill each polygon on its own (one fillPoly call would XOR their overlaps)."""
    for p in polys:
        cv2.fillPoly(mask, [np.round(p * 16).astype(np.int32)], value, cv2.LINE_AA, 4)


def skin_colour(rng: np.random.Generator) -> tuple[float, float, float]:
    """A hand's colour for hands passing in front of the camera."""
    c = _colour(_SKIN[int(rng.integers(len(_SKIN)))], rng, 0.1)
    return float(c[0]), float(c[1]), float(c[2])


@dataclass(frozen=True)
class Lighting:
    """A smooth multiplicative light field (exposure, gradient, vignette, soft shadow, white balance)."""

    gain: Float  # (h, w, 3)
    conditions: Conditions


def make_lighting(rng: np.random.Generator, size: tuple[int, int], shadow: bool | None = None) -> Lighting:
    """Draw one scene's illumination; a video keeps it for every frame."""
    w, h = size
    qw, qh = max(8, w // 4), max(8, h // 4)
    yy, xx = np.mgrid[0:qh, 0:qw].astype(np.float32)
    xx, yy = xx / qw - 0.5, yy / qh - 0.5
    ang, grad = _rand(rng, 0, 2 * math.pi), _rand(rng, 0.0, 0.4)
    vig = _rand(rng, 0.0, 0.4)
    cx, cy = _rand(rng, -0.15, 0.15), _rand(rng, -0.15, 0.15)
    slope = 1 + grad * (xx * math.cos(ang) + yy * math.sin(ang))
    light = slope * (1 - vig * 2 * ((xx - cx) ** 2 + (yy - cy) ** 2))
    c: Conditions = {"exposure": _rand(rng, 0.78, 1.12), "light_gradient": grad, "vignette": vig}
    has_shadow = bool(rng.random() < 0.35) if shadow is None else shadow
    c["shadow"] = has_shadow
    if has_shadow:
        mask = np.zeros((qh, qw), np.float32)
        fill_polygons(mask, hand_polygons(rng, qw, qh, _rand(rng, 0.5, 1.0)), 1.0)
        soft = _rand(rng, 0.01, 0.05) * max(qw, qh)
        c["shadow_strength"], c["shadow_softness"] = _rand(rng, 0.15, 0.5), soft * 4
        light = light * (1 - float(c["shadow_strength"]) * cv2.GaussianBlur(mask, (0, 0), soft))
    temp, tint = _rand(rng, -1, 1), _rand(rng, -0.04, 0.04)
    wb = np.array([1 - 0.12 * temp, 1 + tint, 1 + 0.12 * temp], np.float32) * float(c["exposure"])
    c["white_balance_temp"], c["white_balance_tint"] = temp, tint
    gain = cv2.resize((light[..., None] * wb).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    return Lighting(np.asarray(gain, np.float32), c)


GLARE_PEAK = 3.0  # the highlight's centre, in units of full scale
GLARE_SURE = 1.15  # added light above which a pixel is blown out whatever lies under it


def glare_field(
    size: tuple[int, int], centre: tuple[float, float], axes: tuple[float, float], angle: float
) -> tuple[int, int, Float]:
    """A specular highlight's added light (full scale = 1): a blown-out core, a soft halo; (x0, y0, roi)."""
    w, h = size
    reach = 2.6 * max(axes)
    x0, y0 = max(0, int(centre[0] - reach)), max(0, int(centre[1] - reach))
    x1, y1 = min(w, int(centre[0] + reach) + 1), min(h, int(centre[1] + reach) + 1)
    if x1 <= x0 or y1 <= y0:
        return 0, 0, np.zeros((0, 0), np.float32)
    k = max(1, int(min(axes) / 24))  # smooth: evaluate on a coarse grid, then interpolate
    gh, gw = (y1 - y0 + k - 1) // k + 1, (x1 - x0 + k - 1) // k + 1
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32) * k
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    dx, dy = xx + (x0 - centre[0]), yy + (y0 - centre[1])
    r2 = ((dx * ca + dy * sa) / axes[0]) ** 2 + ((-dx * sa + dy * ca) / axes[1]) ** 2
    field = (GLARE_PEAK * np.exp(-1.2 * r2 * r2) + 0.12 * np.exp(-0.5 * r2)).astype(np.float32)
    if k > 1:
        field = cv2.resize(field, ((gw - 1) * k + 1, (gh - 1) * k + 1), interpolation=cv2.INTER_LINEAR)
    return x0, y0, np.asarray(field[: y1 - y0, : x1 - x0], np.float32)


def glare_core_r2() -> float:
    """Squared normalised radius inside which ``glare_field`` surely blows pixels out."""
    return math.sqrt(math.log(GLARE_PEAK / GLARE_SURE) / 1.2)


def defocus(img: Float, sigma: float, disk: bool = False) -> Float:
    """Out-of-focus optics: Gaussian or a lens-like disk; big kernels run at reduced size."""
    if sigma < 0.3:
        return img
    h, w = img.shape[:2]
    k = max(1, int(sigma / 3))
    small = cv2.resize(img, (w // k, h // k), interpolation=cv2.INTER_AREA) if k > 1 else img
    s = sigma / k
    if disk:
        r = max(1, round(s * 1.5))
        kern = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
        cv2.circle(kern, (r, r), r, 1.0, -1, cv2.LINE_AA)
        out = cv2.filter2D(small, -1, kern / kern.sum(), borderType=cv2.BORDER_REFLECT)
    else:
        out = cv2.GaussianBlur(small, (0, 0), s)
    if k > 1:
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.asarray(out, np.float32)


def line_kernel(length: float, angle: float) -> Float:
    """A normalised straight-line kernel: linear motion during the exposure."""
    r = math.ceil(length / 2) + 1
    kern = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
    dx, dy = math.cos(math.radians(angle)) * length / 2, math.sin(math.radians(angle)) * length / 2
    for t in np.linspace(-1, 1, max(3, int(length * 4))):
        x, y = r + dx * t, r + dy * t
        x0, y0 = math.floor(x), math.floor(y)
        fx, fy = x - x0, y - y0
        kern[y0, x0] += (1 - fx) * (1 - fy)
        kern[y0, x0 + 1] += fx * (1 - fy)
        kern[y0 + 1, x0] += (1 - fx) * fy
        kern[y0 + 1, x0 + 1] += fx * fy
    return np.asarray(kern / kern.sum(), np.float32)


def motion_blur(img: Float, length: float, angle: float) -> Float:
    """Camera or card motion during the exposure; long streaks use a rotate-box-rotate shortcut."""
    if length < 0.5:
        return img
    if length <= 9:
        kern = line_kernel(length, angle)
        return np.asarray(cv2.filter2D(img, -1, kern, borderType=cv2.BORDER_REFLECT), np.float32)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    rot = cv2.blur(rot, (round(length) | 1, 1), borderType=cv2.BORDER_REFLECT)
    back = cv2.warpAffine(rot, cv2.invertAffineTransform(m), (w, h), borderMode=cv2.BORDER_REFLECT)
    return np.asarray(back, np.float32)


@lru_cache(maxsize=1)
def _gauss_lut() -> Float:
    nd = NormalDist()
    return np.array([nd.inv_cdf((i + 0.5) / 256) for i in range(256)], np.float32).reshape(1, 256)


def sensor_noise(img: Float, rng: np.random.Generator, read_sigma: float, shot: float) -> Float:
    """Read + photon shot noise (variance grows with brightness); lookup tables keep it fast."""
    if read_sigma <= 0 and shot <= 0:
        return img
    z = cv2.LUT(rng.integers(0, 256, img.shape, dtype=np.uint8), _gauss_lut())
    levels = np.sqrt(np.arange(256, dtype=np.float32) * shot + read_sigma**2).reshape(1, 256)
    sigma = cv2.LUT(cv2.convertScaleAbs(img), levels.astype(np.float32))  # img >= 0 before noise
    return np.asarray(cv2.add(img, cv2.multiply(z, sigma)), np.float32)


def to_uint8(img: Float) -> Image:
    """Clip like a sensor does: anything over full scale is blown out."""
    return np.asarray(cv2.convertScaleAbs(cv2.threshold(img, 0.0, 0.0, cv2.THRESH_TOZERO)[1]), np.uint8)


def jpeg(img: Image, quality: int) -> Image:
    """Phone/ISP compression artefacts."""
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR), np.uint8)
