"""A contact sheet of generated scenes, with their ground-truth corners drawn, for a person to check."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from edge.synth import fonts
from edge.synth.types import Image, Scene

CAPTION_FONT = "DejaVuSans.ttf"
QUALITY_COLOURS = {"good": (60, 180, 60), "blurred": (0, 140, 255), "glare": (0, 220, 255),
                   "too_small": (255, 120, 0), "cut_off": (40, 40, 230)}


def contact_sheet(scenes: list[Scene], cols: int = 6, thumb_width: int = 320) -> Image:
    """Tiles of each scene with its corners (TL marked) and a caption: side, layout, quality."""
    tiles = [_tile(s, thumb_width) for s in scenes]
    if not tiles:
        return np.full((10, 10, 3), 255, np.uint8)
    th, tw = tiles[0].shape[:2]
    rows = (len(tiles) + cols - 1) // cols
    sheet = np.full((rows * (th + 6) + 6, cols * (tw + 6) + 6, 3), 250, np.uint8)
    for k, tile in enumerate(tiles):
        r, c = divmod(k, cols)
        y, x = 6 + r * (th + 6), 6 + c * (tw + 6)
        sheet[y : y + th, x : x + tw] = tile
    return sheet


def _tile(scene: Scene, width: int) -> Image:
    h, w = scene.image.shape[:2]
    scale = width / w
    thumb = cv2.resize(scene.image, (width, round(h * scale)), interpolation=cv2.INTER_AREA)
    colour = QUALITY_COLOURS.get(scene.quality, (0, 0, 0))
    pts = np.round(scene.corners * scale).astype(np.int32)
    cv2.polylines(thumb, [pts.reshape(-1, 1, 2)], True, colour, 2, cv2.LINE_AA)
    cv2.circle(thumb, (int(pts[0][0]), int(pts[0][1])), 5, (0, 0, 255), -1, cv2.LINE_AA)
    caption = np.full((22, width, 3), 255, np.uint8)
    pil = PILImage.fromarray(caption)
    text = f"{scene.face.side} · {scene.face.layout} · {scene.quality}"
    ImageDraw.Draw(pil).text((4, 3), text, font=fonts.load(CAPTION_FONT, 13), fill=(20, 20, 20))
    return np.vstack([thumb, np.asarray(pil)])
