"""Flat, upright card faces: security paper, pre-printed form, printer values, stamp and signature.

``render_face`` is the generator's entry point for one side of a certificate.  A layout (see
``layouts.py``) draws into a ``Canvas``: three ink masks (form labels, printer values, red) and
the tight box of every line it prints, measured from the rendered glyphs themselves, so the
ground truth matches the pixels exactly.  The masks are then multiplied into the paper in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from edge.errors import SynthError
from edge.synth import fonts
from edge.synth.fonts import FontSpec, Split
from edge.synth.layouts import LAYOUT_FUNCS, LAYOUTS
from edge.synth.stamp import draw_signature, draw_stamp
from edge.synth.texture import draw_frame, draw_watermark, guilloche, lowfreq
from edge.synth.types import CARD_H, CARD_W, BoxKind, CardFace, CardValues, Side, TextBox

__all__ = ["LAYOUTS", "Canvas", "render_face"]

InkName = Literal["label", "value", "red"]
FontRole = Literal["label", "label_bold", "value", "value_bold"]
INKS: tuple[InkName, ...] = ("label", "value", "red")
Font = ImageFont.FreeTypeFont
Mask = NDArray[np.uint8]
MIN_SIZE = 11


def _bold_of(spec: FontSpec, pool: Sequence[FontSpec]) -> FontSpec:
    """The bold face of the same family: the bold file sharing the longest name prefix."""
    if spec.bold or not pool:
        return spec

    def common(other: FontSpec) -> int:
        n = 0
        for a, b in zip(spec.file.lower(), other.file.lower(), strict=False):
            if a != b:
                break
            n += 1
        return n

    return max(pool, key=common)


@lru_cache(maxsize=4096)
def _glyphs(text: str, font: Font) -> tuple[Mask, int, int]:
    """The text's ink as a tight mask plus its offset from the (left, baseline) drawing origin.

    Cached: the form's labels repeat on every card in the same few fonts and sizes.
    """
    ascent, descent = font.getmetrics()
    pad = int(font.size) // 2 + 2
    w, h = int(font.getlength(text)) + 2 * pad, ascent + descent + 2 * pad
    im = PILImage.new("L", (w, h), 0)
    ImageDraw.Draw(im).text((pad, pad + ascent), text, font=font, fill=255, anchor="ls")
    a = np.asarray(im)
    rows = np.flatnonzero(a.max(axis=1))
    cols = np.flatnonzero(a.max(axis=0))
    if rows.size == 0:
        raise SynthError(f"font {font.path!r} drew no ink for {text!r}")
    if rows[0] == 0 or cols[0] == 0 or rows[-1] == h - 1 or cols[-1] == w - 1:
        raise SynthError(f"glyphs of {text!r} overflow their canvas in {font.path!r}")
    crop = np.ascontiguousarray(a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
    crop.flags.writeable = False
    return crop, int(cols[0]) - pad, int(rows[0]) - pad - ascent


class Canvas:
    """What a layout draws into: ink masks, the chosen fonts, the printer offset and every line's box."""

    def __init__(self, rng: np.random.Generator, font_split: Split = "train") -> None:
        self.rng = rng
        self.boxes: list[TextBox] = []
        self.masks: dict[InkName, Mask] = {k: np.zeros((CARD_H, CARD_W), np.uint8) for k in INKS}
        labels = fonts.select("label", font_split, bold=False)
        values = fonts.select("value", font_split)
        label = labels[int(rng.integers(len(labels)))]
        value = values[int(rng.integers(len(values)))]
        self.specs: dict[FontRole, FontSpec] = {
            "label": label,
            "label_bold": _bold_of(label, fonts.select("label", font_split, bold=True)),
            "value": value,
            "value_bold": _bold_of(value, fonts.select("value", font_split, bold=True)),
        }
        self.scale = float(rng.uniform(0.95, 1.04))
        sx, sy = rng.integers(2, 7, size=2) * rng.choice([-1, 1], size=2)
        self.shift = (int(sx), int(sy))  # where the printer put the values relative to the form
        self.stamps: list[tuple[tuple[int, int], int, str]] = []
        self.signatures: list[tuple[int, int, int, int]] = []

    def font(self, role: FontRole, size: float) -> Font:
        """A font of the card's family for ``role`` at ``size`` (before the card's own scale)."""
        return fonts.load(self.specs[role].file, max(MIN_SIZE, round(size * self.scale)))

    def fit(self, role: FontRole, size: float, text: str, max_w: float) -> Font:
        """The largest font not above ``size`` that prints ``text`` within ``max_w`` pixels."""
        font = self.font(role, size)
        px = int(font.size)
        while px > MIN_SIZE and font.getlength(text) > max_w:
            px -= 1
            font = fonts.load(self.specs[role].file, px)
        return font

    def text(
        self, text: str, x: float, baseline: float, font: Font, *, kind: BoxKind,
        field: str | None = None, ink: InkName = "label", align: str = "left",
    ) -> TextBox:
        """Print one line with its left / centre / right at ``x``; record its tight box."""
        crop, ox, oy = _glyphs(text, font)
        if align != "left":
            x -= font.getlength(text) / (2 if align == "center" else 1)
        h, w = crop.shape
        x0 = min(max(round(x) + ox, 2), CARD_W - 2 - w)
        y0 = min(max(round(baseline) + oy, 2), CARD_H - 2 - h)
        if x0 < 0 or y0 < 0:
            raise SynthError(f"line {text!r} does not fit on the card")
        region = self.masks[ink][y0 : y0 + h, x0 : x0 + w]
        np.maximum(region, crop, out=region)
        box = TextBox(text=text, box=(x0, y0, x0 + w, y0 + h), kind=kind, field=field)
        self.boxes.append(box)
        return box

    def label(
        self, text: str, x: float, baseline: float, size: float, *, bold: bool = False,
        kind: BoxKind = "label", ink: InkName = "label", align: str = "left", max_w: float = CARD_W,
    ) -> TextBox:
        """A pre-printed form line (label, header, title), in the form's font."""
        font = self.fit("label_bold" if bold else "label", size, text, max_w)
        return self.text(text, x, baseline, font, kind=kind, ink=ink, align=align)

    def _jitter(self) -> tuple[int, int]:
        j = self.rng.integers(-1, 2, size=2)
        return self.shift[0] + int(j[0]), self.shift[1] + int(j[1])

    def value(
        self, text: str, x: float, baseline: float, size: float, field: str | None, *, max_w: float,
        bold: bool = False, ink: InkName = "value", align: str = "left", kind: BoxKind = "value",
    ) -> TextBox | None:
        """A printer-filled value, a few pixels off where the form expects it; nothing if empty."""
        if not text.strip():
            return None
        font = self.fit("value_bold" if bold else "value", size, text, max_w)
        dx, dy = self._jitter()
        return self.text(text, x + dx, baseline + dy, font, kind=kind, field=field, ink=ink, align=align)

    def value_lines(
        self, text: str, field: str, slots: Sequence[tuple[float, float, float]], size: float,
        *, bold: bool = False,
    ) -> list[TextBox]:
        """A value wrapped over up to ``len(slots)`` (x, baseline, max width) lines, shrunk if needed."""
        if not text.strip():
            return []
        role: FontRole = "value_bold" if bold else "value"
        words = text.split(" ")
        font = self.font(role, size)
        px = int(font.size)
        while True:
            lines = _wrap(words, [s[2] for s in slots], font)
            if lines is not None or px <= MIN_SIZE:
                break
            px -= 1
            font = fonts.load(self.specs[role].file, px)
        if lines is None:
            raise SynthError(f"{field} value of {len(text)} characters does not fit its lines")
        dx, dy = self._jitter()
        return [
            self.text(line, x + dx, y + dy, font, kind="value", field=field, ink="value")
            for line, (x, y, _) in zip(lines, slots, strict=False)
        ]

    def hline(self, x0: float, x1: float, y: float, *, dotted: bool = False, thickness: int = 1) -> None:
        """A pre-printed rule; dotted rules are what values are typed onto."""
        mask = self.masks["label"]
        yi = round(y)
        if dotted:
            step = 4 if thickness == 1 else 5
            mask[yi : yi + thickness, int(x0) : int(x1) : step] = 200
        else:
            cv2.line(mask, (int(x0), yi), (int(x1), yi), 255, thickness, cv2.LINE_AA)

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, thickness: int = 1, ink: InkName = "label"
    ) -> None:
        """A ruled box of a grid form."""
        cv2.rectangle(self.masks[ink], (int(x0), int(y0)), (int(x1), int(y1)), 255, thickness, cv2.LINE_AA)

    def qr(self, x: int, y: int, size: int) -> None:
        """A QR-code-like square (random modules, three finder patterns), printed with the values."""
        n = int(self.rng.integers(21, 30))
        cell = max(2, size // n)
        grid = self.rng.random((n, n)) < 0.5
        for fy, fx in ((0, 0), (0, n - 7), (n - 7, 0)):
            grid[fy : fy + 7, fx : fx + 7] = False
            grid[fy : fy + 7, fx] = grid[fy : fy + 7, fx + 6] = True
            grid[fy, fx : fx + 7] = grid[fy + 6, fx : fx + 7] = True
            grid[fy + 2 : fy + 5, fx + 2 : fx + 5] = True
        big = np.kron(grid.astype(np.uint8) * 255, np.ones((cell, cell), np.uint8))
        region = self.masks["value"][y : y + big.shape[0], x : x + big.shape[1]]
        np.maximum(region, big[: region.shape[0], : region.shape[1]], out=region)


def _wrap(words: Sequence[str], widths: Sequence[float], font: Font) -> list[str] | None:
    """Greedy word wrap into lines of the given widths; None when the words do not fit."""
    lines: list[str] = []
    current: list[str] = []
    slot = 0
    for word in words:
        trial = " ".join([*current, word])
        if font.getlength(trial) <= widths[slot]:
            current.append(word)
            continue
        if not current:
            return None
        lines.append(" ".join(current))
        slot += 1
        if slot >= len(widths) or font.getlength(word) > widths[slot]:
            return None
        current = [word]
    lines.append(" ".join(current))
    return lines


def _ink_colours(rng: np.random.Generator) -> dict[InkName, tuple[float, float, float]]:
    """BGR inks: grey-black form print, black or blue-black printer ribbon, red."""
    g = float(rng.uniform(25, 70))
    label = (g + float(rng.uniform(-4, 8)), g, g - float(rng.uniform(0, 6)))
    if rng.random() < 0.55:
        k = float(rng.uniform(15, 40))
        value = (k + float(rng.uniform(0, 6)), k, k)
    else:
        value = (float(rng.uniform(70, 110)), float(rng.uniform(30, 50)), float(rng.uniform(15, 35)))
    red = (float(rng.uniform(35, 70)), float(rng.uniform(30, 60)), float(rng.uniform(175, 215)))
    return {"label": label, "value": value, "red": red}


def _composite(bg: NDArray[np.uint8], canvas: Canvas, rng: np.random.Generator) -> NDArray[np.uint8]:
    """Multiply the three ink masks into the paper in one colour transform (ink darkens paper)."""
    inks = _ink_colours(rng)
    small = lowfreq(rng, CARD_W // 4, CARD_H // 4, 9)
    ribbon = np.clip(230 + 56 * small, 158, 255).astype(np.uint8)  # uneven printer ribbon
    patch = cv2.resize(ribbon, (CARD_W, CARD_H), interpolation=cv2.INTER_LINEAR)
    value = cv2.multiply(canvas.masks["value"], patch, scale=1.0 / 255.0)
    opacity = {"label": float(rng.uniform(0.88, 1.0)), "value": float(rng.uniform(0.85, 1.0)), "red": 0.92}
    m = np.zeros((3, 4), np.float32)
    for i, name in enumerate(INKS):
        m[:, i] = -(1.0 - np.array(inks[name], np.float32) / 255.0) * opacity[name]
    m[:, 3] = 255.0
    factor = cv2.transform(cv2.merge([canvas.masks["label"], value, canvas.masks["red"]]), m)
    return np.asarray(cv2.multiply(bg, factor, scale=1.0 / 255.0), dtype=np.uint8)


def render_face(
    values: CardValues, side: Side, layout: str, rng: np.random.Generator, *, font_split: Split = "train"
) -> CardFace:
    """One side of a certificate in one layout; the same values, layout and rng state give the same bytes."""
    draw = LAYOUT_FUNCS.get(side, {}).get(layout)
    if draw is None:
        known = ", ".join(LAYOUTS.get(side, ()))
        raise SynthError(f"unknown {side} layout {layout!r} (known: {known})")
    bg = guilloche(rng, CARD_W, CARD_H)
    if rng.random() < 0.6:
        radius = int(rng.integers(110, 190))
        draw_watermark(bg, (int(rng.integers(380, 650)), int(rng.integers(260, 390))), radius, rng)
    draw_frame(bg, rng)
    canvas = Canvas(rng, font_split)
    draw(canvas, values)
    image = _composite(bg, canvas, rng)
    for box in canvas.signatures:
        draw_signature(image, box, rng)
    for center, radius, text in canvas.stamps:
        draw_stamp(image, center, radius, rng, text, font_split=font_split)
    return CardFace(side=side, layout=layout, values=values, image=image, boxes=canvas.boxes)
