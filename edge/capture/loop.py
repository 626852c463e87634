"""The camera loop: frames -> analysis -> trigger -> a picture per side, checked by the reader when given.

Headless and single-threaded: ``edge capture`` and the kiosk drive it, and report each decision
through ``on_frame``.  The camera is wrapped in ``Resilient``, so failures show as "reconnecting"
and count against the timeout, never end the loop.  With a ``reader`` (the document pipeline's
``scan_side``), a capture it cannot read is retried, and one showing a side already taken is
refused (the card must be turned).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from edge.camera.base import CameraSource, EndOfStream, Image
from edge.camera.resilient import Resilient
from edge.capture.analyze import Analysis, Analyzer
from edge.capture.trigger import Capture, Decision, State, Trigger
from edge.document.pipeline import SideScan

Reader = Callable[[Image], SideScan]


@dataclass(frozen=True)
class Taken:
    """One side captured: the trigger's capture, the picture that was read, and the reader's verdict."""

    capture: Capture
    image: Image
    source: str  # "frame" (the best frame at full size) or "still" (taken at the moment of capture)
    scan: SideScan | None


@dataclass(frozen=True)
class Outcome:
    taken: list[Taken]
    state: State  # DONE, TIMEOUT, or SEARCHING / ADJUSTING when a recording ended first
    frames: int
    camera_failures: int
    rejected: int


def picture(camera: Resilient, capture: Capture, still: str) -> tuple[Image, str]:
    """The picture to read: a fresh still where wanted and possible, else the best frame at full size."""
    best = capture.best
    if still == "still" or (still == "auto" and best.frame.full is None):
        image = camera.still(best.region())
        if image is not None:
            return image, "still"
    frame = best.frame
    return (frame.full if frame.full is not None else frame.image), "frame"


def run(camera: CameraSource, trigger: Trigger, *, reader: Reader | None = None, still: str = "auto",
        on_frame: Callable[[Analysis | None, Decision], None] | None = None,
        on_taken: Callable[[Taken], None] | None = None, backoff_s: float = 0.5, backoff_max_s: float = 10.0,
        sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Run until every side is taken, the timeout passes, or a recording ends."""
    cam = Resilient(camera, backoff_s, backoff_max_s, sleep)
    analyze = Analyzer()
    taken: list[Taken] = []
    frames = rejected = 0
    last_t, last_wall = 0.0, time.monotonic()
    decision: Decision | None = None
    cam.start()
    try:
        while not trigger.done:
            try:
                frame = cam.read()
            except EndOfStream:
                break
            if frame is None:  # the camera is down: time still passes for the timeout
                decision = trigger.idle(last_t + time.monotonic() - last_wall)
                analyze.reset()
                if on_frame:
                    on_frame(None, decision)
                if decision.state is State.TIMEOUT:
                    break
                continue
            frames += 1
            last_t, last_wall = frame.t, time.monotonic()
            a = analyze(frame)
            previous = decision.state if decision else None
            decision = trigger.update(a)
            if decision.state is State.HOLDING and previous is not State.HOLDING:
                cam.focus(a.region())
            if on_frame:
                on_frame(a, decision)
            if decision.state is State.TIMEOUT:
                break
            if decision.capture is None:
                continue
            image, how = picture(cam, decision.capture, still)
            scan = reader(image) if reader is not None else None
            if scan is not None and _refused(scan, taken):
                rejected += 1
                trigger.reject(frame.t, same_side=scan.result is not None)
                continue
            item = Taken(decision.capture, image, how, scan)
            taken.append(item)
            if on_taken:
                on_taken(item)
    finally:
        cam.close()
    state = State.DONE if trigger.done else decision.state if decision else State.SEARCHING
    return Outcome(taken, state, frames, cam.failures, rejected)


def _refused(scan: SideScan, taken: list[Taken]) -> bool:
    """Unreadable, or the same side as one already taken."""
    if scan.result is None:
        return True
    return any(t.scan is not None and t.scan.result is not None and t.scan.result.type == scan.result.type
               for t in taken)
