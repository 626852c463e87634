"""Text-line crops with their text, for training and benchmarking the line recogniser.

Lines are rendered directly (not cut from whole cards) so tens of thousands come out per minute,
on patches of the same guilloche paper the cards use, in label and printer fonts, then degraded
the way a photographed card degrades: blur, noise, JPEG, low contrast, a slight tilt, a dotted
rule underneath, and sometimes part of the red stamp over the text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from edge.synth import fonts
from edge.synth.fonts import Split
from edge.synth.types import CardFace, Image, Side

TEXTURE_BANK = 6  # guilloche sheets per process; a line picks one by a random index
TEXTURE_SIZE = (1024, 646)
INKS = ((20, 20, 20), (40, 30, 25), (70, 35, 20), (35, 35, 110))  # BGR: black, brown-black, navy, red


@dataclass(frozen=True)
class LineSample:
    image: Image  # BGR uint8, the text line with a little margin
    text: str
    font: str


@cache
def _texture(index: int) -> Image:
    from edge.synth.texture import guilloche

    return guilloche(np.random.default_rng(10_000 + index), *TEXTURE_SIZE)


def render_line(text: str, rng: np.random.Generator, font_split: Split = "train") -> LineSample:
    """One degraded crop of ``text``; deterministic for the rng state."""
    role: fonts.Role = "label" if rng.random() < 0.35 else "value"
    choices = fonts.select(role, font_split)
    spec = choices[int(rng.integers(len(choices)))]
    size = int(rng.integers(18, 38))
    font = fonts.load(spec.file, size)
    bbox = font.getbbox(text)
    y0, x1 = int(bbox[1]), int(bbox[2])
    metrics = font.getmetrics()
    ascent, descent = int(metrics[0]), int(metrics[1])
    pad_x = int(rng.integers(2, 12))
    pad_top = int(rng.integers(1, 8))
    pad_bottom = int(rng.integers(1, 8))
    width = max(x1, 1) + 2 * pad_x
    top = min(y0, size // 3)
    height = (ascent + descent - top) + pad_top + pad_bottom
    canvas = _background(rng, width, height)
    ink = INKS[int(rng.integers(len(INKS)))] if rng.random() < 0.9 else (0, 0, 170)
    if rng.random() < 0.3:
        _rule(canvas, rng, pad_top + ascent - top + 2)
    pil = PILImage.fromarray(canvas[:, :, ::-1])
    ImageDraw.Draw(pil).text((pad_x, pad_top - top), text, font=font, fill=(ink[2], ink[1], ink[0]))
    out = np.ascontiguousarray(np.asarray(pil)[:, :, ::-1])
    if rng.random() < 0.12:
        _stamp_over(out, rng)
    return LineSample(image=_degrade(out, rng, min(pad_top, pad_bottom)), text=text, font=spec.file)


def random_line(rng: np.random.Generator, font_split: Split = "train") -> LineSample:
    """A random Vietnamese line (field values, labels, words) rendered by ``render_line``."""
    from edge.synth.textlines import random_text_line

    return render_line(random_text_line(rng), rng, font_split)


def card_lines(rng: np.random.Generator, font_split: Split = "train") -> list[LineSample]:
    """Every printed line of a freshly rendered card, cut with a jittered margin and degraded.

    These are what the recogniser sees in the product (crops of a rectified card: the
    guilloche, dotted rules, grid lines and stamp around the text), so training mixes them with
    the random lines that cover the whole charset.
    """
    face = _random_face(rng, font_split)
    return _cut_lines(face.image, face, rng, "card", lambda crop, room: _degrade(crop.copy(), rng, room))


def scene_lines(rng: np.random.Generator, font_split: Split = "train") -> list[LineSample]:
    """Every printed line of a card *photographed* and flattened again, as the scanner sees it.

    A good photo (any surface, light, tilt, blur, noise, JPEG) is rectified back to the card's
    size from its true corners, nudged by a pixel or two as the locator would be, and each line
    is cut with a jittered margin: the resampling softness, colour casts and shading of a real
    capture, which rendered crops lack.
    """
    from edge.document.rectify import rectify
    from edge.synth.scene import make_scene

    face = _random_face(rng, font_split)
    scene = make_scene(face, rng, "good")
    corners = scene.corners + rng.normal(0, 0.8, scene.corners.shape)
    card = rectify(scene.image, corners, (face.image.shape[1], face.image.shape[0]))
    return _cut_lines(card, face, rng, "scene", lambda crop, _room: np.ascontiguousarray(crop))


def _random_face(rng: np.random.Generator, font_split: Split) -> CardFace:
    """A card of random values, side and layout."""
    from edge.synth.card import render_face
    from edge.synth.layouts import LAYOUTS
    from edge.synth.values import random_values

    side: Side = "front" if rng.random() < 0.5 else "back"
    names = LAYOUTS[side]
    return render_face(random_values(rng), side, names[int(rng.integers(len(names)))], rng, font_split=font_split)


def _cut_lines(card: Image, face: CardFace, rng: np.random.Generator, source: str,
               finish: Callable[[Image, int], Image]) -> list[LineSample]:
    """Each of ``face``'s lines cut from ``card`` (its size) with a jittered margin, then ``finish``-ed
    (given the crop and its narrower margin above or below the line)."""
    h, w = card.shape[:2]
    out = []
    for box in face.boxes:
        x0, y0, x1, y1 = box.box
        bh = y1 - y0
        mx = int(rng.integers(1, max(2, bh // 2)))
        top = int(rng.integers(1, max(2, bh // 3)))
        bottom = int(rng.integers(1, max(2, bh // 3)))
        top, bottom = min(top, y0), min(bottom, h - y1)
        crop = card[y0 - top : y1 + bottom, max(0, x0 - mx) : min(w, x1 + mx)]
        if crop.shape[0] < 4 or crop.shape[1] < 4:
            continue
        out.append(LineSample(image=finish(crop, min(top, bottom)), text=box.text, font=source))
    return out


def _background(rng: np.random.Generator, width: int, height: int) -> Image:
    sheet = _texture(int(rng.integers(TEXTURE_BANK)))
    h, w = sheet.shape[:2]
    if width >= w or height >= h:
        patch = cv2.resize(sheet, (max(width, 1), max(height, 1)), interpolation=cv2.INTER_LINEAR)
    else:
        x = int(rng.integers(0, w - width))
        y = int(rng.integers(0, h - height))
        patch = sheet[y : y + height, x : x + width].copy()
    tint = float(rng.uniform(0.82, 1.04)) * rng.uniform(0.97, 1.03, size=3)  # exposure, slight white balance
    return np.clip(patch.astype(np.float32) * tint, 0, 255).astype(np.uint8)


def _rule(img: Image, rng: np.random.Generator, y: int) -> None:
    """The dotted rule a value is printed on."""
    y = min(max(y, 0), img.shape[0] - 1)
    colour = rng.integers(60, 140, size=3).astype(np.uint8)
    step = int(rng.integers(3, 7))
    img[y, ::step] = colour


def _stamp_over(img: Image, rng: np.random.Generator) -> None:
    """Part of a red round stamp crossing the line, as over the dated line of the back."""
    h, w = img.shape[:2]
    radius = int(rng.integers(h * 2, h * 4 + 1))
    cx = int(rng.integers(0, w))
    cy = int(rng.choice([-radius + h // 2, h + radius - h // 2]))
    overlay = img.copy()
    red = (int(rng.integers(30, 80)), int(rng.integers(30, 80)), int(rng.integers(170, 230)))
    thickness = max(1, h // 12)
    cv2.circle(overlay, (cx, cy), radius, red, thickness, cv2.LINE_AA)
    cv2.circle(overlay, (cx, cy), int(radius * 0.85), red, max(1, thickness // 2), cv2.LINE_AA)
    alpha = float(rng.uniform(0.4, 0.8))
    cv2.addWeighted(overlay, alpha, img, 1 - alpha, 0, dst=img)


def _u8(array: object) -> Image:
    return np.asarray(array, dtype=np.uint8)


def _degrade(img: Image, rng: np.random.Generator, room: int) -> Image:
    """A crop as a camera leaves it: tilt, blur, contrast, noise, resolution, JPEG.

    The tilt never lifts the line's ends by more than ``room``, the crop's narrower margin above
    or below the text, so no glyph leaves the frame (the line finder boxes a tilted line whole,
    and a rectified card's long lines are straight to a fraction of a degree).
    """
    h, w = img.shape[:2]
    if rng.random() < 0.5:  # slight tilt / shear of a not-quite-straight crop
        limit = math.degrees(math.asin(min(1.0, room / (w / 2))))
        angle = float(np.clip(rng.normal(0, 0.8), -limit, limit))
        shear = float(rng.normal(0, 0.04))
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        m[0, 1] += shear
        img = _u8(cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE))
    if rng.random() < 0.6:
        sigma = float(rng.uniform(0.3, 1.3))
        img = _u8(cv2.GaussianBlur(img, (0, 0), sigma))
    elif rng.random() < 0.2:
        k = int(rng.integers(2, 5))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        img = _u8(cv2.filter2D(img, -1, kernel))
    if rng.random() < 0.5:  # contrast and brightness of a dim or washed-out photo
        gain = float(rng.uniform(0.7, 1.15))
        bias = float(rng.uniform(-20, 40))
        img = _u8(cv2.convertScaleAbs(img, alpha=gain, beta=bias))
    if rng.random() < 0.6:
        noise = rng.normal(0, float(rng.uniform(2, 10)), img.shape).astype(np.float32)
        img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:  # a low-resolution camera: down and up again
        f = float(rng.uniform(0.5, 0.85))
        small = cv2.resize(img, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
        img = _u8(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))
    if rng.random() < 0.7:
        quality = int(rng.integers(35, 96))
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok:
            img = _u8(cv2.imdecode(buf, cv2.IMREAD_COLOR))
    return np.ascontiguousarray(img, dtype=np.uint8)
