"""A flat card face photographed by a phone or kiosk camera, with exact corner ground truth."""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.document.rectify import card_width
from edge.synth import backdrop as bd
from edge.synth.types import CARD_H, CARD_W, CardFace, Image, Quality, Scene

Corners = NDArray[np.float64]

GOOD_MIN_WIDTH = 0.30  # card width (mean of its top and bottom edges) / frame width for "good"
SMALL_MAX_WIDTH = 0.18  # below this a fully visible card is "too_small"
GLARE_MIN_AREA = 0.15  # blown-out share of the card's area for "glare"
_WIDTH_RANGE: dict[Quality, tuple[float, float]] = {
    "good": (0.32, 0.95),
    "blurred": (0.32, 0.9),
    "glare": (0.32, 0.9),
    "too_small": (0.11, 0.17),
    "cut_off": (0.3, 1.05),
}


def project_card(width_px: float, rotation: float, tilt: float, tilt_dir: float, focal: float) -> Corners:
    """Pinhole projection of a card rotated in-plane then tilted; TL, TR, BR, BL around (0, 0)."""
    hw, hh = 0.5, 0.5 * CARD_H / CARD_W
    pts = np.array([[-hw, -hh, 0.0], [hw, -hh, 0.0], [hw, hh, 0.0], [-hw, hh, 0.0]])
    r = math.radians(rotation)
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1.0]])
    axis = np.array([math.cos(math.radians(tilt_dir)), math.sin(math.radians(tilt_dir)), 0.0])
    rt, _ = cv2.Rodrigues(axis * math.radians(tilt))
    cam = pts @ rz.T @ np.asarray(rt).T
    dist = focal / max(width_px, 1e-6)
    quad = focal * cam[:, :2] / (dist + cam[:, 2:3])
    width = 0.5 * (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3]))
    return np.asarray(quad * (width_px / width), np.float64)


def corners_inside(corners: Corners, size: tuple[int, int]) -> bool:
    """Whether every corner lies on a pixel of the image (centres at integer coordinates)."""
    w, h = size
    return bool(np.all((corners >= 0) & (corners <= (w - 1, h - 1))))


def card_homography(corners: Corners, src_w: int, src_h: int) -> NDArray[np.float64]:
    """Map a src_w×src_h face image's outer corners (pixel edges) onto ``corners``."""
    src = np.array([[-0.5, -0.5], [src_w - 0.5, -0.5], [src_w - 0.5, src_h - 0.5], [-0.5, src_h - 0.5]])
    m = cv2.getPerspectiveTransform(src.astype(np.float32), corners.astype(np.float32))
    return np.asarray(m, np.float64)


def card_mask(w: int, h: int, radius: float) -> Image:
    """Opaque card area with rounded corners like an ID-1 card."""
    mask = np.zeros((h, w), np.uint8)
    r = round(radius)
    if r < 1:
        mask[:] = 255
        return mask
    cv2.rectangle(mask, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(mask, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (w - 1 - r, h - 1 - r), (r, h - 1 - r)):
        cv2.circle(mask, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return mask


def paste_card(
    canvas: Image, card: Image, mask: Image, poses: list[Corners], streak: tuple[float, float] | None = None
) -> None:
    """Composite the card in place, averaged over ``poses`` (motion during exposure), anti-aliased."""
    if len(poses) == 1 and (streak is None or streak[0] < 0.5):
        _paste_still(canvas, card, mask, poses[0])
        return
    h, w = canvas.shape[:2]
    pts = np.concatenate(poses)
    pad = 2 + (int(streak[0]) if streak else 0)
    x0, y0 = max(0, int(pts[:, 0].min()) - pad), max(0, int(pts[:, 1].min()) - pad)
    x1, y1 = min(w, int(pts[:, 0].max()) + pad + 2), min(h, int(pts[:, 1].max()) + pad + 2)
    if x1 <= x0 or y1 <= y0:
        return
    sh, sw = card.shape[:2]
    size = (x1 - x0, y1 - y0)
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1.0]])
    colour = np.zeros((size[1], size[0], 3), np.float32)
    alpha = np.zeros((size[1], size[0]), np.float32)
    for quad in poses:
        m = shift @ card_homography(quad, sw, sh)
        a = cv2.warpPerspective(mask, m, size, flags=cv2.INTER_LINEAR, borderValue=0).astype(np.float32)
        c = cv2.warpPerspective(card, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        a *= 1.0 / (255.0 * len(poses))
        colour += c.astype(np.float32) * a[..., None]
        alpha += a
    if streak and streak[0] >= 0.5:
        kern = bd.line_kernel(*streak)
        colour = cv2.filter2D(colour, -1, kern, borderType=cv2.BORDER_CONSTANT)
        alpha = cv2.filter2D(alpha, -1, kern, borderType=cv2.BORDER_CONSTANT)
    roi = canvas[y0:y1, x0:x1].astype(np.float32)
    out = roi * (1.0 - alpha[..., None]) + colour
    canvas[y0:y1, x0:x1] = bd.to_uint8(out.astype(np.float32))


def _paste_still(canvas: Image, card: Image, mask: Image, corners: Corners) -> None:
    """The common case (one pose, no streak) with integer blending."""
    h, w = canvas.shape[:2]
    x0, y0 = max(0, int(corners[:, 0].min()) - 2), max(0, int(corners[:, 1].min()) - 2)
    x1, y1 = min(w, int(corners[:, 0].max()) + 4), min(h, int(corners[:, 1].max()) + 4)
    if x1 <= x0 or y1 <= y0:
        return
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1.0]])
    m = shift @ card_homography(corners, card.shape[1], card.shape[0])
    size = (x1 - x0, y1 - y0)
    a = cv2.warpPerspective(mask, m, size, flags=cv2.INTER_LINEAR, borderValue=0).astype(np.float32) / 255.0
    c = cv2.warpPerspective(card, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    canvas[y0:y1, x0:x1] = cv2.blendLinear(c, canvas[y0:y1, x0:x1], a, 1.0 - a)


def drop_shadow(
    canvas: Image, corners: Corners, offset: tuple[float, float], sigma: float, strength: float
) -> None:
    """Darken the surface under and beside the card (it lies on it, or is held just above it)."""
    h, w = canvas.shape[:2]
    reach = int(3 * sigma + abs(offset[0]) + abs(offset[1])) + 2
    x0, y0 = max(0, int(corners[:, 0].min()) - reach), max(0, int(corners[:, 1].min()) - reach)
    x1, y1 = min(w, int(corners[:, 0].max()) + reach), min(h, int(corners[:, 1].max()) + reach)
    if x1 <= x0 or y1 <= y0:
        return
    k = max(1, int(sigma / 3))  # soft shadows are drawn small and scaled up
    sw, sh = (x1 - x0 + k - 1) // k, (y1 - y0 + k - 1) // k
    mask = np.zeros((sh, sw), np.float32)
    poly = (corners + np.array(offset) - (x0, y0)) * (16 / k)
    cv2.fillConvexPoly(mask, poly.astype(np.int32), 1.0, cv2.LINE_AA, 4)
    mask = cv2.GaussianBlur(mask, (0, 0), max(sigma / k, 0.5))
    if k > 1:
        mask = cv2.resize(mask, (sw * k, sh * k), interpolation=cv2.INTER_LINEAR)[: y1 - y0, : x1 - x0]
    gain = 1.0 - strength * mask
    canvas[y0:y1, x0:x1] = cv2.multiply(canvas[y0:y1, x0:x1], cv2.merge([gain, gain, gain]), dtype=cv2.CV_8U)


def face_for(face: Image, width_px: float) -> Image:
    """Pre-shrink the face (area averaging) so the warp does not alias fine print."""
    s = min(1.0, 1.5 * width_px / face.shape[1])
    if s > 0.8:
        return face
    size = (max(8, round(face.shape[1] * s)), max(8, round(face.shape[0] * s)))
    return np.asarray(cv2.resize(face, size, interpolation=cv2.INTER_AREA), np.uint8)


def sample_rotation(rng: np.random.Generator) -> float:
    """In-plane angle: upright and upside-down are common (a card handed over), any angle happens."""
    u = rng.random()
    if u < 0.35:
        return float(np.clip(rng.normal(0, 4), -10, 10))
    if u < 0.55:
        return float(180 + np.clip(rng.normal(0, 4), -10, 10))
    if u < 0.65:
        return float(rng.choice([-90.0, 90.0]) + rng.normal(0, 5))
    return float(rng.uniform(-180, 180))


def sample_tilt(rng: np.random.Generator) -> float:
    """Out-of-plane angle: mostly gentle, up to ~35° for a hurried shot."""
    return float(rng.uniform(0, 12) if rng.random() < 0.5 else rng.uniform(12, 35))


def _place(rng: np.random.Generator, quality: Quality, size: tuple[int, int], c: bd.Conditions) -> Corners:
    """Pose and position the card so that its geometric quality label holds."""
    w, h = size
    lo, hi = _WIDTH_RANGE[quality]
    margin = 2.0 + 0.01 * min(w, h)
    for attempt in range(30):
        rot, tilt = (sample_rotation(rng), sample_tilt(rng)) if attempt < 25 else (0.0, 0.0)
        tilt_dir, focal = float(rng.uniform(0, 360)), float(rng.uniform(0.7, 1.4) * max(w, h))
        frac = float(rng.uniform(lo, hi))
        quad = project_card(frac * w, rot, tilt, tilt_dir, focal)
        mn, mx = quad.min(axis=0), quad.max(axis=0)
        c.update(rotation_deg=rot, tilt_deg=tilt, tilt_dir_deg=tilt_dir, focal_px=focal)
        if quality == "cut_off":
            centre = rng.uniform((0.2 * w, 0.2 * h), (0.8 * w, 0.8 * h))
            side, u = int(rng.integers(4)), float(rng.uniform(0.04, 0.35))
            span = mx - mn
            if side == 0:
                centre[0] = -u * span[0] - mn[0]
            elif side == 1:
                centre[0] = w - 1 + u * span[0] - mx[0]
            elif side == 2:
                centre[1] = -u * span[1] - mn[1]
            else:
                centre[1] = h - 1 + u * span[1] - mx[1]
            c.update(cut_side=("left", "right", "top", "bottom")[side], cut_share=u)
            return np.asarray(quad + centre, np.float64)
        fit = min(1.0, (w - 1 - 2 * margin) / (mx[0] - mn[0]), (h - 1 - 2 * margin) / (mx[1] - mn[1]))
        quad, mn, mx = quad * fit, mn * fit, mx * fit
        if quality != "too_small" and card_width(quad) < (lo - 0.01) * w:
            continue
        low = np.array([margin, margin]) - mn
        centre = rng.uniform(low, np.maximum(low, np.array([w - 1 - margin, h - 1 - margin]) - mx))
        return np.asarray(quad + centre, np.float64)
    raise RuntimeError(f"cannot place a {quality} card in a {w}x{h} frame")


def _blur_params(rng: np.random.Generator, quality: Quality, width_px: float, c: bd.Conditions) -> None:
    """Defocus and motion: strong enough to blot out the print for "blurred", mild otherwise."""
    sigma, motion = 0.0, 0.0
    if quality == "blurred":
        mode = rng.choice(["defocus", "motion", "both"], p=[0.5, 0.3, 0.2])
        if mode != "motion":
            sigma = max(3.0, float(rng.uniform(0.012, 0.024)) * width_px)
        if mode != "defocus":
            motion = max(10.0, float(rng.uniform(0.05, 0.1)) * width_px)
    else:
        sigma = float(rng.uniform(0.3, 0.9)) if rng.random() < 0.5 else 0.0
        motion = float(rng.uniform(0.5, 1.5)) if rng.random() < 0.3 else 0.0
    c.update(
        defocus_sigma=sigma,
        defocus_disk=bool(rng.random() < 0.4),
        motion_len=motion,
        motion_angle=float(rng.uniform(0, 180)),
    )


def _glare(
    rng: np.random.Generator, face: CardFace, corners: Corners, size: tuple[int, int], c: bd.Conditions
) -> tuple[int, int, bd.Float] | None:
    """A blown-out highlight over the printed values, grown until it covers enough of the card."""
    values = [b.box for b in face.boxes if b.kind == "value"] or [(300, 250, 800, 450)]
    x0, y0, x1, y1 = values[int(rng.integers(len(values)))]
    m = card_homography(corners, face.image.shape[1], face.image.shape[0])
    pt = cv2.perspectiveTransform(np.array([[[(x0 + x1) / 2, (y0 + y1) / 2]]], np.float64), m)[0, 0]
    area = float(cv2.contourArea(corners.astype(np.float32)))
    target, ratio = float(rng.uniform(0.18, 0.35)), float(rng.uniform(0.4, 0.85))
    angle = float(rng.uniform(0, 180))
    r_sure2 = bd.glare_core_r2()
    full = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillConvexPoly(full, np.round(corners).astype(np.int32), 1)
    share = 0.0
    for _ in range(8):
        a = math.sqrt(target * area / (math.pi * ratio * r_sure2))
        gx, gy, field = bd.glare_field(size, (float(pt[0]), float(pt[1])), (a, a * ratio), angle)
        on_card = full[gy : gy + field.shape[0], gx : gx + field.shape[1]]
        share = float(np.count_nonzero((field >= bd.GLARE_SURE) & (on_card > 0))) / area
        if share >= GLARE_MIN_AREA + 0.02:
            c.update(glare=True, glare_share=share, glare_axis_px=a, glare_angle=angle)
            return gx, gy, field
        target *= 1.25 * (GLARE_MIN_AREA + 0.03) / max(share, 0.02)
    raise RuntimeError(f"glare covers only {share:.2f} of the card")


def _stray_glare(
    rng: np.random.Generator, corners: Corners, size: tuple[int, int]
) -> tuple[int, int, bd.Float] | None:
    """Sometimes a reflection on the surface beside the card (never on it)."""
    w, h = size
    centre = (float(rng.uniform(0, w)), float(rng.uniform(0, h)))
    axes = (float(rng.uniform(0.03, 0.12) * w), float(rng.uniform(0.02, 0.06) * w))
    poly = corners.astype(np.float32).reshape(-1, 1, 2)
    if cv2.pointPolygonTest(poly, centre, True) > -2.8 * max(axes):
        return None
    return bd.glare_field(size, centre, axes, float(rng.uniform(0, 180)))


def _exposure_cap(gain: bd.Float, face: Image, corners: Corners) -> float:
    """Scale the light down so that no part of the card itself is blown out (that is "glare")."""
    h, w = gain.shape[:2]
    x0, y0 = np.clip(corners.min(axis=0).astype(int), 0, (w - 1, h - 1))
    x1, y1 = np.clip(corners.max(axis=0).astype(int) + 1, 1, (w, h))
    peak = gain[y0:y1:4, x0:x1:4].max(axis=(0, 1))  # the light field is smooth
    return float(min(1.0, 245.0 / max(1.0, float((peak * paper_white(face)).max()))))


def paper_white(face: Image) -> NDArray[np.float64]:
    """The card's brightest broad area per channel (thin print and specks averaged away)."""
    small = cv2.resize(
        face, (96, max(2, round(96 * face.shape[0] / face.shape[1]))), interpolation=cv2.INTER_AREA
    )
    return np.asarray(small.reshape(-1, 3).max(axis=0), np.float64)


def make_scene(
    face: CardFace,
    rng: np.random.Generator,
    quality: Quality = "good",
    size: tuple[int, int] = (1280, 720),
    *,
    clean: bool = False,
) -> Scene:
    """Photograph ``face`` so the photo's label is ``quality``; ``clean`` skips lighting, noise, JPEG."""
    w, _h = size
    c: bd.Conditions = {"quality": quality, "clean": clean}
    corners = _place(rng, quality, size, c)
    width = card_width(corners)
    c["width_frac"] = width / w
    c["fill"] = float(cv2.contourArea(corners.astype(np.float32))) / (w * size[1])
    c["centre_x"], c["centre_y"] = float(corners[:, 0].mean()), float(corners[:, 1].mean())
    near = cv2.mean(face.image)
    canvas, bgc = bd.make_background(rng, size, near=(near[0], near[1], near[2]))
    c.update(bgc)
    c["corner_radius"] = radius = float(rng.uniform(0, 0.035) * CARD_W)
    sh = (float(rng.uniform(-0.015, 0.015) * width), float(rng.uniform(-0.005, 0.02) * width))
    sh_sigma, sh_strength = float(rng.uniform(0.004, 0.03) * width + 1), float(rng.uniform(0.1, 0.45))
    drop_shadow(canvas, corners, sh, sh_sigma, sh_strength)
    c.update(drop_shadow_dx=sh[0], drop_shadow_dy=sh[1], drop_shadow_sigma=sh_sigma, drop_shadow=sh_strength)
    src = face_for(face.image, width)
    mask = card_mask(src.shape[1], src.shape[0], radius * src.shape[1] / CARD_W)
    _paste_still(canvas, src, mask, corners)
    _blur_params(rng, quality, width, c)
    glare = _glare(rng, face, corners, size, c) if quality == "glare" else None
    if glare is None and rng.random() < 0.15:
        glare = _stray_glare(rng, corners, size)
        c["stray_glare"] = glare is not None
    c.setdefault("glare", False)
    img = canvas.astype(np.float32)
    if not clean:
        light = bd.make_lighting(rng, size)
        c.update(light.conditions)
        c["exposure_cap"] = cap = _exposure_cap(light.gain, src, corners)
        img *= light.gain * cap
    if glare is not None:
        gx, gy, field = glare
        tint = np.array(rng.uniform(0.92, 1.0, 3), np.float32) * 255.0
        img[gy : gy + field.shape[0], gx : gx + field.shape[1]] += field[..., None] * tint
    if not clean or quality == "blurred":
        img = bd.defocus(img, float(c["defocus_sigma"]), bool(c["defocus_disk"]))
        img = bd.motion_blur(img, float(c["motion_len"]), float(c["motion_angle"]))
    if not clean:
        read, shot = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.01, 0.12))
        img = bd.sensor_noise(img, rng, read, shot)
        c.update(noise_read=read, noise_shot=shot)
    out = bd.to_uint8(img)
    if not clean:
        c["jpeg_quality"] = q = int(rng.integers(50, 96))
        out = bd.jpeg(out, q)
    return Scene(image=out, corners=corners, face=face, quality=quality, conditions=c)
