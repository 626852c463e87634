"""A recorded camera: a video file, a folder of images, or frames in memory, paced or as fast as possible.

Timestamps are the recording's own (frame number / fps), so a replay decides exactly as it did
live whether it is paced in real time (demos) or run flat out (tests, benchmarks).  A folder
written by ``edge synth video`` is read from its ``frames/`` (else its video) at the fps of its
``truth.json``.  Closing and starting again resumes after the last frame read, so a reopened
replay behaves like a camera that came back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from edge.camera.base import EndOfStream, Frame, Image, SourceBase, as_bgr, shrink_to
from edge.errors import CameraError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
VIDEO_NAMES = ("video.avi", "video.mp4")


class ReplaySource(SourceBase):
    """Frames from a file, a folder or memory; ``realtime`` sleeps so frames arrive at their fps."""

    def __init__(self, path: Path | None = None, *, frames: Sequence[Image] | None = None, fps: float | None = None,
                 realtime: bool = False, loop: bool = False, size: tuple[int, int] = (640, 480),
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if (path is None) == (frames is None):
            raise ValueError("a replay needs a path or in-memory frames, not both")
        self.path, self._memory = path, frames
        self.name = f"replay:{path}" if path is not None else "replay:memory"
        self.fps = fps or _recorded_fps(path) or 30.0
        self.realtime, self.loop, self.size, self._sleep = realtime, loop, size, sleep
        self._next = 0  # the next frame number to deliver (kept across close/start)
        self._files: list[Path] = []
        self._video: cv2.VideoCapture | None = None
        self._open = False
        self._t0 = 0.0

    def start(self) -> None:
        if self._memory is None:
            assert self.path is not None
            if not self.path.exists():
                raise CameraError(f"replay source {self.path} does not exist")
            folder = self.path / "frames" if (self.path / "frames").is_dir() else self.path
            if folder.is_dir():
                self._files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
                video = next((self.path / n for n in VIDEO_NAMES if (self.path / n).is_file()), None)
                if not self._files and video is None:
                    raise CameraError(f"replay folder {self.path} holds no images or video")
                if not self._files and video is not None:
                    self._open_video(video)
            else:
                self._open_video(self.path)
        self._open = True
        self._t0 = time.monotonic() - self._next / self.fps

    def _open_video(self, path: Path) -> None:
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            raise CameraError(f"replay video {path} cannot be opened (not a video OpenCV can decode?)")
        if self._next:
            cap.set(cv2.CAP_PROP_POS_FRAMES, float(self._next))
        self._video = cap

    def read(self) -> Frame:
        if not self._open:
            raise CameraError(f"{self.name} is not started")
        index = self._next
        full = self._frame(index)
        if full is None and self.loop and index > 0:
            self._rewind()
            index, full = 0, self._frame(0)
        if full is None:
            raise EndOfStream(self.name)
        self._next = index + 1
        t = index / self.fps
        if self.realtime:
            wait = self._t0 + t - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        image = shrink_to(full, *self.size)
        return Frame(image=image, index=index, t=t, full=full if image is not full else None)

    def _frame(self, index: int) -> Image | None:
        """Frame ``index`` at full size; None past the end; CameraError when it cannot be read."""
        if self._memory is not None:
            return as_bgr(np.asarray(self._memory[index], np.uint8)) if index < len(self._memory) else None
        if self._video is not None:
            ok, got = self._video.read()
            return as_bgr(np.asarray(got, np.uint8)) if ok else None
        if index >= len(self._files):
            return None
        img = cv2.imread(str(self._files[index]), cv2.IMREAD_COLOR)
        if img is None:
            raise CameraError(f"replay frame {self._files[index]} is missing or cannot be decoded")
        return np.asarray(img, np.uint8)

    def _rewind(self) -> None:
        self._next = 0
        self._t0 = time.monotonic()
        if self._video is not None:
            self._video.set(cv2.CAP_PROP_POS_FRAMES, 0.0)

    def close(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None
        self._open = False


def _recorded_fps(path: Path | None) -> float | None:
    """The fps stored next to a recording (truth.json), else in the video's header."""
    if path is None:
        return None
    truth = path / "truth.json" if path.is_dir() else path.parent / "truth.json"
    if truth.is_file():
        try:
            fps = float(json.loads(truth.read_text(encoding="utf-8"))["fps"])
            return fps if fps > 0 else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
    if path.is_file():
        cap = cv2.VideoCapture(str(path))
        fps = float(cap.get(cv2.CAP_PROP_FPS)) if cap.isOpened() else 0.0
        cap.release()
        return fps if 0 < fps <= 240 else None
    return None
