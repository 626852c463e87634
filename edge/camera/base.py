"""What every camera source offers the capture loop: timestamped analysis frames and a still.

A source gives small frames for per-frame analysis (``Frame.image``, e.g. 640x480) and, for the
capture, the full-resolution picture: either kept with each frame (``Frame.full``: OpenCV and
replay read at full size and shrink) or taken on request (``still``: picamera2 switches to its
main stream).  ``read`` raises ``CameraError`` when the camera fails and ``EndOfStream`` when a
recording is over; ``edge.camera.resilient`` turns failures into reopen-with-backoff.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Region = tuple[float, float, float, float]  # x, y, width, height as shares of the frame (0..1)


class EndOfStream(Exception):
    """A recording has no more frames (a live camera never raises this)."""


@dataclass(frozen=True)
class Frame:
    """One analysis frame: BGR pixels, its number and its time in seconds since the source started."""

    image: Image
    index: int
    t: float
    full: Image | None = None  # the same moment at full resolution, when the source has it for free


@runtime_checkable
class CameraSource(Protocol):
    """The life-cycle every camera shares: start, read frames, take a still, close (re-startable)."""

    name: str

    def start(self) -> None: ...

    def read(self) -> Frame: ...

    def still(self, region: Region | None = None) -> Image | None: ...

    def focus(self, region: Region | None) -> None: ...

    def close(self) -> None: ...


class SourceBase:
    """Context manager and no-op defaults shared by the concrete sources."""

    name = "camera"

    def start(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def still(self, region: Region | None = None) -> Image | None:
        """A full-resolution picture taken now; None when the source only has its frames."""
        return None

    def focus(self, region: Region | None) -> None:
        """Hint where the card is (autofocus / metering); sources without such controls ignore it."""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def shrink_to(image: Image, width: int, height: int) -> Image:
    """Area-averaged copy that fits inside width x height (aspect kept); the image itself if it fits."""
    h, w = image.shape[:2]
    s = min(width / w, height / h)
    if s >= 1.0:
        return image
    size = (max(1, round(w * s)), max(1, round(h * s)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8)


def as_bgr(image: NDArray[np.uint8]) -> Image:
    """Grey and BGRA frames as BGR: the rest of the loop sees one layout."""
    if image.ndim == 2:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
    if image.shape[2] == 4:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), np.uint8)
    return image


def iter_frames(source: CameraSource) -> Iterator[Frame]:
    """Start ``source``, yield its frames until the recording ends, close it (no reopening: see resilient)."""
    source.start()
    try:
        while True:
            try:
                yield source.read()
            except EndOfStream:
                return
    finally:
        source.close()
