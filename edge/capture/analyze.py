"""One preview frame in, everything the trigger needs out: the card (quick path + track) and its measures."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.camera.base import Frame, Region
from edge.capture.quality import Measures, measure
from edge.capture.track import Tracker, TrackState
from edge.document.locate import CardQuad, locate_card

STAGES = ("locate", "measure", "track")
SIGNATURE = (32, 20)  # thumbnail that tells one side of a card from the other


@dataclass
class Analysis:
    """A frame, the card found in it (if any), its measures and how long each stage took (ms)."""

    frame: Frame
    quad: CardQuad | None
    measures: Measures | None
    track: TrackState
    patch: NDArray[np.uint8] | None = None  # the card, grey, PATCH_W x PATCH_H
    ms: dict[str, float] = field(default_factory=dict)

    def region(self) -> Region | None:
        """The card's bounding box as shares of the frame (for autofocus and metering)."""
        corners = self.track.corners
        if corners is None:
            return None
        h, w = self.frame.image.shape[:2]
        lo = np.clip(corners.min(axis=0) / (w, h), 0.0, 1.0)
        hi = np.clip(corners.max(axis=0) / (w, h), 0.0, 1.0)
        return float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1])


class Analyzer:
    """Per-frame analysis with the state it carries between frames (previous frame, track)."""

    def __init__(self, tracker: Tracker | None = None) -> None:
        self.tracker = tracker or Tracker()
        self._prev: NDArray[np.uint8] | None = None

    def reset(self) -> None:
        self.tracker = Tracker(self.tracker.max_lost, self.tracker.refresh, self.tracker.smooth)
        self._prev = None

    def __call__(self, frame: Frame) -> Analysis:
        t0 = time.perf_counter()
        quad = locate_card(frame.image, "fast", hint=self.tracker.hint())
        t1 = time.perf_counter()
        measures, patch = measure(frame.image, self._prev, quad) if quad is not None else (None, None)
        t2 = time.perf_counter()
        state = self.tracker.update(None if quad is None else quad.corners, frame.t)
        t3 = time.perf_counter()
        self._prev = frame.image
        ms = {"locate": (t1 - t0) * 1e3, "measure": (t2 - t1) * 1e3, "track": (t3 - t2) * 1e3}
        return Analysis(frame, quad, measures, state, patch, ms)


def signature(patch: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Zero-mean, unit-norm thumbnail of the card: two sides differ, the same side matches."""
    small = np.asarray(cv2.resize(patch, SIGNATURE, interpolation=cv2.INTER_AREA), np.float32)
    small -= small.mean()
    norm = float(np.linalg.norm(small))
    return np.asarray(small / norm if norm > 0 else small, np.float32)


def similarity(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    """Correlation of two signatures, the card either way up (the locator cannot tell top from bottom)."""
    return float(max((a * b).sum(), (a * b[::-1, ::-1]).sum()))
