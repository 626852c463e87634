"""Decode untrusted image bytes into a BGR array: any format OpenCV reads, EXIF orientation honoured.

The pixel count is read from the header before decoding (Pillow opens lazily), so a
decompression bomb is refused without allocating its pixels.
"""

from __future__ import annotations

import io
import warnings

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from edge.errors import ImageError

MAX_PIXELS = 50_000_000  # 8K x 6K: far above any camera the product meets
MIN_SIDE = 32


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the header alone; ImageError when the bytes are not an image."""
    if not data:
        raise ImageError("the image is empty (0 bytes)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: we check the size ourselves
        try:
            with PILImage.open(io.BytesIO(data)) as im:
                return int(im.size[0]), int(im.size[1])
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ImageError(f"not a decodable image ({len(data)} bytes): {exc.__class__.__name__}") from exc
        except PILImage.DecompressionBombError as exc:
            raise ImageError(f"the image is too large to decode: {exc}") from exc


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> NDArray[np.uint8]:
    """BGR uint8 pixels of an encoded image, turned upright by its EXIF orientation."""
    w, h = image_size(data)
    if w * h > max_pixels:
        raise ImageError(f"the image is {w}x{h} = {w * h / 1e6:.0f} megapixels; the limit is "
                         f"{max_pixels / 1e6:.0f} megapixels")
    if min(w, h) < MIN_SIDE:
        raise ImageError(f"the image is {w}x{h} pixels, too small to hold a card")
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)  # applies EXIF orientation
    if img is None:
        img = _decode_with_pillow(data)
    return np.ascontiguousarray(img, dtype=np.uint8)


def _decode_with_pillow(data: bytes) -> NDArray[np.uint8]:
    """Formats OpenCV lacks (some TIFF, GIF): Pillow, with its EXIF transpose."""
    from PIL import ImageOps

    try:
        with PILImage.open(io.BytesIO(data)) as im:
            rgb = ImageOps.exif_transpose(im).convert("RGB")
            arr = np.asarray(rgb, np.uint8)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"the image cannot be decoded: {exc}") from exc
    return np.ascontiguousarray(arr[:, :, ::-1])


def encode_jpeg(image: NDArray[np.uint8], quality: int = 85) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ImageError("cannot encode the image as JPEG")
    return bytes(buf.tobytes())
