"""A camera that fails or disappears is closed and reopened with backoff; the loop never dies of it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from edge.camera.base import CameraSource, Frame, Image, Region, SourceBase
from edge.errors import CameraError

log = logging.getLogger(__name__)


class Resilient(SourceBase):
    """Wraps a source: ``read`` returns None while the camera is down and retries with growing waits.

    Each ``read`` makes at most one reopen attempt (after sleeping out the current backoff), so
    the caller keeps control: it can show "reconnecting", count its timeout, or stop.
    ``EndOfStream`` (a recording that is over) passes through.
    """

    def __init__(self, source: CameraSource, backoff_s: float = 0.5, backoff_max_s: float = 10.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.source, self.backoff_s, self.backoff_max_s, self._sleep = source, backoff_s, backoff_max_s, sleep
        self.name = source.name
        self.failures = 0  # errors seen (open or read)
        self.reopens = 0  # successful reopens after an error
        self.last_error = ""
        self._up = False
        self._wait = 0.0

    def start(self) -> None:
        """Open the camera; a failure here is retried by ``read`` like any other."""
        try:
            self.source.start()
            self._up, self._wait = True, 0.0
        except CameraError as exc:
            self._down(exc)

    def _down(self, exc: CameraError) -> None:
        self.failures += 1
        self.last_error = str(exc)
        self._wait = self.backoff_s if self._wait == 0.0 else min(2 * self._wait, self.backoff_max_s)
        log.warning("camera %s failed (%s); retrying in %.1f s", self.name, exc, self._wait)
        if self._up:
            try:
                self.source.close()
            except CameraError as close_exc:  # a dead camera may refuse to close too
                log.debug("closing %s after a failure: %s", self.name, close_exc)
        self._up = False

    def read(self) -> Frame | None:
        """The next frame, or None while the camera is down (after one reopen attempt)."""
        if not self._up:
            self._sleep(self._wait)
            try:
                self.source.start()
            except CameraError as exc:
                self._down(exc)
                return None
            self._up = True
            self.reopens += 1
            log.info("camera %s is back after %d failure(s)", self.name, self.failures)
        try:
            frame = self.source.read()
        except CameraError as exc:
            self._down(exc)
            return None
        self._wait = 0.0
        return frame

    def still(self, region: Region | None = None) -> Image | None:
        if not self._up:
            return None
        try:
            return self.source.still(region)
        except CameraError as exc:
            self._down(exc)
            return None

    def focus(self, region: Region | None) -> None:
        if self._up:
            try:
                self.source.focus(region)
            except CameraError as exc:
                self._down(exc)

    def close(self) -> None:
        if self._up:
            self.source.close()
        self._up = False
