"""Line-image pre-processing shared by training, export and inference, so all three agree.

A crop becomes a grey float32 image ``LINE_HEIGHT`` pixels high, its width scaled with the
height (capped at ``MAX_WIDTH``), scaled to [-1, 1] and right-padded with paper white to a width
bucket so lines of similar length batch together.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

LINE_HEIGHT = 32
MAX_WIDTH = 768
WIDTH_BUCKETS = (64, 128, 192, 256, 320, 384, 512, 640, 768)
TIME_STRIDE = 4  # the recogniser emits one CTC step per 4 input columns

Float = NDArray[np.float32]
UInt8 = NDArray[np.uint8]


def to_gray(image: UInt8) -> UInt8:
    """BGR, BGRA or grey crop to grey; red stamp ink is kept lighter than black print."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), np.uint8)
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)


def resize_line(image: UInt8) -> UInt8:
    """Grey line at the model's height, aspect kept, width in [8, MAX_WIDTH]."""
    gray = to_gray(image)
    h, w = gray.shape[:2]
    if h < 2 or w < 2:
        raise ValueError(f"line crop too small: {w}x{h}")
    width = round(w * LINE_HEIGHT / h)
    width = max(8, min(MAX_WIDTH, width))
    interp = cv2.INTER_AREA if h > LINE_HEIGHT else cv2.INTER_LINEAR
    return np.asarray(cv2.resize(gray, (width, LINE_HEIGHT), interpolation=interp), np.uint8)


def bucket_width(width: int) -> int:
    return next((b for b in WIDTH_BUCKETS if b >= width), WIDTH_BUCKETS[-1])


def normalize(gray: UInt8) -> Float:
    return (gray.astype(np.float32) / 127.5) - 1.0


def batch(lines: list[UInt8], width: int | None = None) -> Float:
    """Stack resized grey lines into (N, 1, H, W), padding with white on the right."""
    target = width or bucket_width(max(line.shape[1] for line in lines))
    out = np.full((len(lines), 1, LINE_HEIGHT, target), 1.0, np.float32)
    for i, line in enumerate(lines):
        w = min(line.shape[1], target)
        out[i, 0, :, :w] = normalize(line[:, :w])
    return out
