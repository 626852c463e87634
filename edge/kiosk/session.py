"""The walk-up session: wait for a card -> front -> "turn it over" -> back -> read -> fallback -> review -> hand-off.

One thread runs sessions one after another.  The camera loop (``edge.capture.loop``) captures and
reads each side; the finished scan is written to the store *before* the cloud is asked or anything
is shown, so a crash from then on loses nothing.  The page polls ``view()`` and acts through
``begin`` / ``cancel`` / ``confirm``.  Nobody in front of the camera for a whole side's timeout, or a
result left untouched past ``review_timeout_s``, ends the session; an idle kiosk closes the camera
and waits for a tap (battery-friendly).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from edge.camera.base import CameraSource, EndOfStream, Frame, Image, Region
from edge.capture.analyze import Analysis
from edge.capture.guidance import MESSAGES, Hint
from edge.capture.loop import Taken, run
from edge.capture.thresholds import Thresholds
from edge.capture.trigger import Decision, State, Trigger
from edge.cloud.fallback import Fallback, FieldThresholds, Resolution
from edge.config import Config
from edge.document.image import encode_jpeg
from edge.document.pipeline import Pipeline
from edge.document.validate import cross_sides
from edge.errors import EdgeError
from edge.schema import Envelope, ErrorCode, FieldValue, SideResult, SideType
from edge.store.export import handoff_payload
from edge.store.outbox import Store

log = logging.getLogger("edge.kiosk")
JPEG_QUALITY = 90


class Phase(StrEnum):
    PAUSED = "paused"  # camera closed; a tap starts a session
    CAPTURING = "capturing"  # guidance on screen, sides being captured
    READING = "reading"  # both sides taken; reading, storing, asking the cloud
    REVIEW = "review"  # the result on screen: correct, confirm or cancel
    DONE = "done"  # confirmed and queued for hand-off; the next person comes next


class _Cancellable:
    """The kiosk's camera, ending the capture loop (as a recording would) when the session is cancelled."""

    def __init__(self, camera: CameraSource, cancelled: threading.Event) -> None:
        self.camera, self.cancelled, self.name = camera, cancelled, camera.name

    def start(self) -> None:
        self.camera.start()

    def read(self) -> Frame:
        if self.cancelled.is_set():
            raise EndOfStream("session cancelled")
        return self.camera.read()

    def still(self, region: Region | None = None) -> Image | None:
        return self.camera.still(region)

    def focus(self, region: Region | None) -> None:
        self.camera.focus(region)

    def close(self) -> None:
        self.camera.close()


@dataclass
class View:
    """Everything the page shows; no pixels (the preview is its own endpoint)."""

    phase: Phase = Phase.PAUSED
    sides: int = 2
    side: int = 0
    hint: Hint = "no_card"
    corners: list[list[float]] | None = None
    captured: int = 0  # grows at each capture (the page flashes)
    session: int = 0
    scan_id: str = ""
    result: dict[str, Any] | None = None
    fallback: dict[str, Any] = field(default_factory=dict)
    latency_s: float | None = None
    notice: str = ""  # timeout | cancelled | expired | no_card | error

    def to_json(self) -> dict[str, Any]:
        vi, en = MESSAGES[self.hint]
        return {"phase": self.phase.value, "sides": self.sides, "side": self.side, "hint": self.hint,
                "message": {"vi": vi, "en": en}, "corners": self.corners, "captured": self.captured,
                "session": self.session, "scan_id": self.scan_id, "result": self.result, "fallback": self.fallback,
                "latency_s": self.latency_s, "notice": self.notice}


def result_view(envelope: Envelope, th: FieldThresholds) -> dict[str, Any]:
    """The result as the page lists it: per side, each field's text, confidence, source and whether it is sure."""
    return {"ok": envelope.ok, "errorCode": envelope.errorCode.value, "sides": [
        {"type": "front" if s.type == SideType.FRONT else "back",
         "fields": [{"name": n, "text": s.text(n), "confidence": round(s.info[n].confidence or 0.0, 3)
                     if n in s.info else 0.0, "source": s.info[n].source if n in s.info else "edge",
                     "sure": th.accepted(n, s.info.get(n))}
                    for n in s.field_names()]} for s in envelope.data]}


def combine(taken: list[Taken]) -> Envelope:
    """The envelope of the sides read during capture (front first, checked against each other)."""
    results = [t.scan.result for t in taken if t.scan is not None and t.scan.result is not None]
    if not results:
        return Envelope.error(ErrorCode.NO_CONTENT)
    if len(results) == 2 and results[0].type != results[1].type:
        front, back = sorted(results, key=lambda r: r.type != SideType.FRONT)
        results = list(cross_sides(front, back))
    return Envelope.success(results)


def corrected(envelope: Envelope, fixes: dict[str, dict[str, str]]) -> Envelope:
    """Apply the operator's corrections (``{"front": {"plate": "..."}}``); changed fields get source "operator"."""
    sides: list[SideResult] = []
    for side in envelope.data:
        mine = fixes.get("front" if side.type == SideType.FRONT else "back", {})
        info = dict(side.info)
        for name, text in mine.items():
            if name in side.field_names() and text.strip() != side.text(name):
                info[name] = FieldValue(text=text.strip(), confidence=1.0, source="operator")
        sides.append(SideResult(type=side.type, info=info, image=side.image))
    return Envelope.success(sides) if envelope.ok else envelope


class Kiosk:
    """The session loop and what the web page may ask of it; thread-safe."""

    def __init__(self, cfg: Config, camera: CameraSource, pipeline: Pipeline, fallback: Fallback, store: Store,
                 thresholds: Thresholds, on_queued: Any = None) -> None:
        self.cfg, self.camera, self.pipeline, self.fallback, self.store = cfg, camera, pipeline, fallback, store
        self.thresholds, self.on_queued = thresholds, on_queued
        self._lock = threading.Lock()
        self._view = View(sides=cfg.capture.sides, phase=Phase.PAUSED if cfg.kiosk.start_paused else Phase.CAPTURING)
        self._frame: Image | None = None
        self._frame_index = -1
        self._holding: float | None = None
        self._jpeg: tuple[int, bytes] = (-2, b"")
        self._go = threading.Event()
        self._cancel = threading.Event()
        self._decided = threading.Event()
        self._fixes: dict[str, dict[str, str]] | None = None
        self._stop = threading.Event()
        self.heartbeat = time.monotonic()
        self.latencies: list[float] = []
        self.sessions = 0
        self.started = time.time()
        self._thread: threading.Thread | None = None
        if not cfg.kiosk.start_paused:
            self._go.set()

    # -- what the page calls ------------------------------------------------------------------------

    def view(self) -> dict[str, Any]:
        with self._lock:
            return self._view.to_json()

    def preview(self) -> bytes | None:
        """The latest analysis frame as JPEG (encoded at most once per frame); None while paused."""
        with self._lock:
            frame, index, phase = self._frame, self._frame_index, self._view.phase
        if frame is None or phase == Phase.PAUSED:
            return None
        if self._jpeg[0] != index:
            self._jpeg = (index, encode_jpeg(frame, 70))
        return self._jpeg[1]

    def begin(self) -> None:
        self._go.set()

    def cancel(self) -> None:
        """Stop the session in progress (capture or review); the next one starts."""
        self._cancel.set()
        self._fixes = None
        self._decided.set()

    def confirm(self, fixes: dict[str, dict[str, str]]) -> bool:
        with self._lock:
            if self._view.phase != Phase.REVIEW:
                return False
        self._fixes = fixes
        self._decided.set()
        return True

    # -- the loop ------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="edge-kiosk", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.cancel()
        self._go.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def heartbeat_age(self) -> float:
        return time.monotonic() - self.heartbeat

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _set(self, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(self._view, key, value)

    def _loop(self) -> None:
        try:
            self._resume()
        except EdgeError as exc:
            log.error("resuming the last scan failed: %s", exc)
        while not self._stop.is_set():
            self.heartbeat = time.monotonic()
            if not self._go.wait(timeout=1.0):
                continue
            try:
                self._session()
            except EdgeError as exc:  # a camera or store failure: say so, wait, go on
                log.error("session failed: %s", exc)
                self._set(phase=Phase.PAUSED, notice="error", hint="camera")
                self._go.clear()
                self._stop.wait(2.0)

    def _session(self) -> None:
        self._cancel.clear()
        self._decided.clear()
        with self._lock:
            self._view = View(sides=self.cfg.capture.sides, phase=Phase.CAPTURING, session=self._view.session + 1,
                              captured=self._view.captured, notice=self._view.notice)  # why the last one ended
        cap = self.cfg.capture
        trigger = Trigger(thresholds=self.thresholds, hold_s=cap.hold_s, min_frames=cap.min_frames,
                          timeout_s=cap.timeout_s, sides=cap.sides, language=cap.language)
        fired: list[float] = []
        outcome = run(_Cancellable(self.camera, self._cancel), trigger, reader=self.pipeline.scan_side,
                      still=cap.still, on_frame=lambda a, d: self._on_frame(a, d, fired),
                      on_taken=lambda t: self._set(side=len(trigger.captured)),
                      backoff_s=self.cfg.camera.reopen_backoff_s, backoff_max_s=self.cfg.camera.reopen_backoff_max_s)
        if self._cancel.is_set():
            self._set(phase=Phase.CAPTURING, notice="cancelled")
            return
        if outcome.state is not State.DONE:
            if outcome.taken:  # a side was taken, then the person left: keep it, never lose a scan
                self.store.add_scan(combine(outcome.taken), self._jpegs(outcome.taken), fallback="abandoned")
            self._set(phase=Phase.PAUSED, notice="timeout", hint="timeout", corners=None)
            self._go.clear()
            return
        self._set(phase=Phase.READING, hint="done", corners=None)
        self._finish(outcome.taken, fired[-1] if fired else time.monotonic())

    def _on_frame(self, a: Analysis | None, d: Decision, fired: list[float]) -> None:
        self.heartbeat = time.monotonic()
        corners = None
        if a is not None and a.track.corners is not None:
            h, w = a.frame.image.shape[:2]
            corners = [[round(float(x) / w, 4), round(float(y) / h, 4)] for x, y in np.asarray(a.track.corners)]
        with self._lock:
            if a is not None:
                self._frame, self._frame_index = a.frame.image, a.frame.index
            self._view.hint, self._view.corners = d.hint, corners
            if d.capture is not None:
                self._view.captured += 1
                fired.append(self._holding or time.monotonic())
                self._holding = None
            elif d.state is State.HOLDING and self._holding is None:
                self._holding = time.monotonic()  # every gate passes: the card is held still from now
            elif d.state is not State.HOLDING:
                self._holding = None

    def _jpegs(self, taken: list[Taken]) -> list[bytes]:
        return [encode_jpeg(t.image, JPEG_QUALITY) for t in taken]

    def _finish(self, taken: list[Taken], t_still: float) -> None:
        """Read, store, ask the cloud if needed, show; ``t_still``: when the last side began to be held still."""
        local = combine(taken)
        images = self._jpegs(taken)
        scan_id = self.store.add_scan(local, images, keep_images=self.cfg.store.keep_images,
                                      meta={"sides": len(taken), "camera": self.camera.name})
        res: Resolution = self.fallback.resolve(local, images, self.cfg.capture.sides)
        verify = res.verify_later and self.cfg.fallback.verify_later
        if res.envelope is not local or verify:
            self.store.update_result(scan_id, res.envelope, res.outcome)
        if verify:
            if not self.cfg.store.keep_images:
                self.store.add_images(scan_id, images)
            self.store.enqueue("verify", scan_id, f"{scan_id}.verify", {})
        latency = time.monotonic() - t_still
        self.latencies.append(latency)
        self._set(phase=Phase.REVIEW, scan_id=scan_id, result=result_view(res.envelope, self.fallback.thresholds),
                  fallback=res.summary(), latency_s=round(latency, 3))
        log.info("scan %s on screen %.2f s after the card was held still (fallback: %s)", scan_id[:8], latency,
                 res.outcome)
        self._review(scan_id, res.envelope, images)

    def _resume(self) -> None:
        """After a crash or restart: a scan read but not yet confirmed comes back on screen (none is lost)."""
        scan = self.store.latest_unconfirmed(self.cfg.kiosk.review_timeout_s)
        if scan is None or scan.envelope is None or not scan.envelope.ok:
            return
        self._decided.clear()
        log.info("scan %s resumed for review after a restart", scan.id[:8])
        self._set(phase=Phase.REVIEW, scan_id=scan.id, result=result_view(scan.envelope, self.fallback.thresholds),
                  fallback={"outcome": scan.fallback or "resumed", "unsure": [], "seconds": 0.0}, notice="resumed")
        self._review(scan.id, scan.envelope, self.store.images(scan.id))

    def _review(self, scan_id: str, envelope: Envelope, images: list[bytes]) -> None:
        """Wait for the person: confirm (with corrections) queues the hand-off; cancel or walking away clears it."""
        deadline = time.monotonic() + self.cfg.kiosk.review_timeout_s
        while not self._decided.wait(timeout=1.0) and time.monotonic() < deadline:
            self.heartbeat = time.monotonic()  # waiting for a person is being alive
        if not self._decided.is_set() or self._fixes is None:
            self.store.cancel(scan_id)
            self._set(phase=Phase.CAPTURING, notice="cancelled" if self._decided.is_set() else "expired",
                      result=None, scan_id="")
            return
        final = corrected(envelope, self._fixes)
        scan = self.store.scan(scan_id)
        assert scan is not None
        self.store.confirm(scan_id, final, handoff_payload("scan.confirmed", scan, final,
                                                           images if self.cfg.webhook.include_images else None))
        self.sessions += 1
        if self.on_queued is not None:
            self.on_queued()
        self._set(phase=Phase.DONE, result=result_view(final, self.fallback.thresholds), notice="")
        self._stop.wait(1.5)
