"""The card across frames: the hint that lets the locator skip its full search, smoothing, speed, loss.

A card held in view is found again from its last corners (``locate_card(..., hint=...)``), with a
full search every ``refresh`` frames so a wrong lock (the card's own printed border) cannot last.
A frame or two where the locator misses does not end the track, so the auto-capture window is
not restarted by one bad frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Corners = NDArray[np.float64]
JUMP = 0.15  # mean corner move, as a share of the card's width, that starts a new track


@dataclass(frozen=True)
class TrackState:
    """Where the card is believed to be after this frame."""

    corners: Corners | None  # smoothed corners (the last seen ones while briefly lost)
    seen: bool  # the locator found the card in this frame
    age: int  # frames in a row the track has lasted
    lost: int  # frames since the card was last seen
    speed_px_s: float  # smoothed corners' mean speed
    new_track: bool  # this frame started a new track (first sight, or a jump)


class Tracker:
    """Corner track with exponential smoothing; ``hint`` feeds the locator's quick path."""

    def __init__(self, max_lost: int = 2, refresh: int = 15, smooth: float = 0.5) -> None:
        self.max_lost, self.refresh, self.smooth = max_lost, refresh, smooth
        self._corners: Corners | None = None
        self._raw: Corners | None = None
        self._t = 0.0
        self._age = 0
        self._lost = 0
        self._since_full = 0

    def hint(self) -> Corners | None:
        """Last located corners, unless lost too long or a full search is due."""
        if self._raw is None or self._lost > 0 or self._since_full >= self.refresh:
            self._since_full = 0
            return None
        self._since_full += 1
        return self._raw

    def update(self, corners: Corners | None, t: float) -> TrackState:
        if corners is None:
            self._lost += 1
            if self._lost > self.max_lost:
                self._corners = self._raw = None
                self._age = 0
            else:
                self._age += 1
            return TrackState(self._corners, False, self._age, self._lost, 0.0, False)
        c = _match_order(np.asarray(corners, np.float64), self._corners)
        speed, new = 0.0, self._corners is None
        if self._corners is not None:
            width = float(np.linalg.norm(c[1] - c[0]))
            move = float(np.linalg.norm(c - self._corners, axis=1).mean())
            new = move > JUMP * max(width, 1.0)
        if new or self._corners is None:
            smoothed, self._age = c, 1
        else:
            smoothed = self.smooth * c + (1.0 - self.smooth) * self._corners
            dt = max(t - self._t, 1e-3)
            speed = float(np.linalg.norm(smoothed - self._corners, axis=1).mean()) / dt
            self._age += 1
        self._corners, self._raw, self._t, self._lost = smoothed, np.asarray(corners, np.float64), t, 0
        return TrackState(smoothed, True, self._age, 0, speed, new)


def _match_order(c: Corners, ref: Corners | None) -> Corners:
    """``c`` rolled so its corners pair with ``ref``'s (the locator may start at either end of the card)."""
    if ref is None:
        return c
    rolls = [np.roll(c, -r, axis=0) for r in range(4)]
    return min(rolls, key=lambda q: float(np.linalg.norm(q - ref, axis=1).sum()))
