"""The auto-capture state machine: gates, a hold window, the best frame of it, guidance, sides, timeout.

Every frame is checked against the gates in the order a person should fix things (find the card,
all of it in view, size, tilt, stillness, glare, light, focus).  When every gate has passed for
``hold_s`` (and at least ``min_frames`` frames) the sharpest, stillest frame of that window is
captured.  In a two-side flow the next capture must show a different face of the card than the
last one (its thumbnail must not match), so the same side is never captured twice; the caller
may also ``reject`` a capture (e.g. the reader found the same side, or could not read it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from edge.capture.analyze import Analysis, signature, similarity
from edge.capture.guidance import Hint, Language, message
from edge.capture.thresholds import Thresholds

SAME_SIDE = 0.6  # thumbnail correlation above which the card shows the face just captured
GRACE_FRAMES = 1  # frames in a row the locator may miss without restarting the hold window


class State(StrEnum):
    SEARCHING = "searching"  # no card in view
    ADJUSTING = "adjusting"  # a card, but a gate fails: guidance says which
    HOLDING = "holding"  # every gate passes; the window is filling
    DONE = "done"  # every side captured
    TIMEOUT = "timeout"  # a side was not captured in time


@dataclass(frozen=True)
class Capture:
    """A captured side: the best frame of the window and the frame at which the window closed."""

    side: int  # 0 for the first side, 1 for the second
    best: Analysis
    fired: Analysis
    window: int  # frames in the window


@dataclass(frozen=True)
class Decision:
    """What one frame led to: the state, the hint to show, and a capture when one fired."""

    state: State
    hint: Hint
    message: str
    capture: Capture | None = None
    failed: tuple[Hint, ...] = ()  # every gate that failed on this frame


def check(a: Analysis, th: Thresholds) -> list[Hint]:
    """The gates this frame fails, most important first; [] when it may be captured."""
    m = a.measures
    if m is None or m.score < th.min_score:
        return ["no_card"]
    failed: list[Hint] = []
    if not m.inside:
        failed.append("cut_off")
    if m.fill < th.min_fill:
        failed.append("closer")
    if m.fill > th.max_fill:
        failed.append("further")
    if m.square < th.min_square:
        failed.append("tilt")
    if not math.isfinite(m.motion_px) or m.motion_px > th.max_motion_px:
        failed.append("hold_still")
    if m.glare > th.max_glare:
        failed.append("glare")
    if m.exposure < th.min_exposure:
        failed.append("too_dark")
    if m.exposure > th.max_exposure:
        failed.append("too_bright")
    if m.sharpness < th.min_sharpness:
        failed.append("blurred")
    return failed


def _rank(a: Analysis) -> float:
    """Best frame of a window: sharpest, then stillest."""
    m = a.measures
    assert m is not None
    return m.sharpness / (1.0 + max(m.motion_px, 0.0))


@dataclass
class Trigger:
    """Feed it every analysed frame (``update``) or a missing one (``idle``); it says when to capture."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    hold_s: float = 0.25
    min_frames: int = 3
    timeout_s: float = 30.0  # per side; 0 = never
    sides: int = 1
    language: Language = "vi"
    captured: list[Capture] = field(default_factory=list)
    _window: list[Analysis] = field(default_factory=list)
    _missed: int = 0
    _side_start: float | None = None
    _last: NDArray[np.float32] | None = None  # the face that may not be captured next
    _signatures: list[NDArray[np.float32] | None] = field(default_factory=list)

    @property
    def side(self) -> int:
        return len(self.captured)

    @property
    def done(self) -> bool:
        return self.side >= self.sides

    def _decide(self, state: State, hint: Hint, capture: Capture | None = None,
                failed: tuple[Hint, ...] = ()) -> Decision:
        return Decision(state, hint, message(hint, self.language), capture, failed)

    def _timed_out(self, t: float) -> bool:
        if self._side_start is None:
            self._side_start = t
        return self.timeout_s > 0 and t - self._side_start > self.timeout_s

    def idle(self, t: float) -> Decision:
        """No frame now (the camera is reconnecting): only the timeout advances."""
        if self.done:
            return self._decide(State.DONE, "done")
        if self._timed_out(t):
            return self._decide(State.TIMEOUT, "timeout")
        self._window.clear()
        return self._decide(State.SEARCHING, "camera")

    def update(self, a: Analysis) -> Decision:
        if self.done:
            return self._decide(State.DONE, "done")
        if self._timed_out(a.frame.t):
            return self._decide(State.TIMEOUT, "timeout")
        failed = check(a, self.thresholds)
        if (not failed and self._last is not None and a.patch is not None
                and similarity(signature(a.patch), self._last) > SAME_SIDE):
            failed = ["flip"]
        if failed:
            if failed == ["no_card"] and self._window and self._missed < GRACE_FRAMES:
                self._missed += 1  # one missed frame neither counts nor restarts the window
                return self._decide(State.HOLDING, "holding", failed=tuple(failed))
            self._window.clear()
            self._missed = 0
            if self._last is not None and failed == ["no_card"]:
                return self._decide(State.SEARCHING, "flip", failed=tuple(failed))
            state = State.SEARCHING if failed == ["no_card"] else State.ADJUSTING
            return self._decide(state, failed[0], failed=tuple(failed))
        self._missed = 0
        self._window.append(a)
        span = a.frame.t - self._window[0].frame.t
        if len(self._window) < self.min_frames or span + 1e-9 < self.hold_s:
            return self._decide(State.HOLDING, "holding")
        best = max(self._window, key=_rank)
        capture = Capture(self.side, best, a, len(self._window))
        self.captured.append(capture)
        self._window.clear()
        self._side_start = a.frame.t
        self._last = signature(best.patch) if best.patch is not None else None
        self._signatures.append(self._last)
        if self.done:
            return self._decide(State.DONE, "captured", capture)
        return self._decide(State.ADJUSTING, "flip", capture)

    def reject(self, t: float, same_side: bool) -> None:
        """The last capture is not usable: wait for that side again from ``t``.

        ``same_side``: the reader found the side already captured; that face stays blocked until
        the card is turned.  Otherwise (unreadable) the same face may be captured again.
        """
        if not self.captured:
            return
        self.captured.pop()
        self._signatures.pop()
        if not same_side:
            self._last = self._signatures[-1] if self._signatures else None
        self._window.clear()
        self._side_start = t
