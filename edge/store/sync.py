"""Background delivery of the store's jobs: the signed webhook hand-off and queued cloud verifications.

At-least-once with idempotency keys: a job is marked done only after the receiver acknowledged it
(HTTP 2xx, or 409 "already have it"), so a crash between the two re-sends it once with the same
``Idempotency-Key`` and the receiver applies it once.  Failures wait with exponential back-off and
jitter; a lane never skips its oldest job, so the site's system sees scans in the order they were
confirmed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import threading
import time
from collections.abc import Callable

import httpx

from edge.config import WebhookConfig
from edge.errors import CloudInputError, EdgeError
from edge.store.outbox import LANES, DeliveryLock, Job, Lane, Store

log = logging.getLogger("edge.store")
Verifier = Callable[[Job], None]
IDLE_POLL_S = 1.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``X-Edge-Signature``: ``sha256=`` HMAC of ``timestamp + "." + body`` (the timestamp stops replays)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signature_ok(secret: str, timestamp: str, body: bytes, header: str, max_age_s: float = 300.0) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(time.time() - float(timestamp)) <= max_age_s
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), header)


def backoff(attempts: int, base: float, ceiling: float, rng: Callable[[], float] = random.random) -> float:
    """Seconds before the next try: doubling from ``base`` up to ``ceiling``, the upper half jittered."""
    full = min(ceiling, base * 2.0 ** max(0, attempts - 1))
    return full * (0.5 + 0.5 * rng())


class Sync:
    """Delivers pending jobs lane by lane, in order; ``run`` loops until stopped, ``drain`` until idle."""

    def __init__(self, store: Store, webhook: WebhookConfig, verifier: Verifier | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.store, self.webhook, self.verifier = store, webhook, verifier
        self._http = httpx.Client(timeout=webhook.timeout_s, transport=transport)
        self.wake = threading.Event()
        self.delivered = 0
        self.failures = 0

    def close(self) -> None:
        self._http.close()

    def lanes(self) -> tuple[Lane, ...]:
        return tuple(lane for lane in LANES if (lane == "handoff" and self.webhook.url)
                     or (lane == "verify" and self.verifier is not None))

    def step(self, lane: Lane) -> bool:
        """Try the lane's next due job once; True when one was delivered."""
        job = self.store.next_job(lane)
        if job is None:
            return False
        try:
            if lane == "handoff":
                self._post(job)
            else:
                assert self.verifier is not None
                self.verifier(job)
        except CloudInputError as exc:  # the cloud refuses these pictures: trying again will not help
            self.store.fail(job.seq, str(exc), time.time(), dead=True)
            log.warning("%s job %d given up: %s", lane, job.seq, exc)
            return False
        except (EdgeError, httpx.HTTPError, OSError) as exc:
            self.failures += 1
            wait = backoff(job.attempts + 1, self.webhook.backoff_s, self.webhook.backoff_max_s)
            self.store.fail(job.seq, str(exc) or type(exc).__name__, time.time() + wait)
            log.info("%s job %d failed (attempt %d), next try in %.1f s: %s", lane, job.seq, job.attempts + 1,
                     wait, type(exc).__name__)
            return False
        self.store.ack(job.seq)
        self.delivered += 1
        return True

    def _post(self, job: Job) -> None:
        body = job.payload.encode()
        ts = f"{time.time():.3f}"
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": job.key,
                   "X-Edge-Timestamp": ts, "X-Edge-Attempt": str(job.attempts + 1), "User-Agent": "edge-kiosk"}
        if self.webhook.secret:
            headers["X-Edge-Signature"] = sign(self.webhook.secret, ts, body)
        response = self._http.post(self.webhook.url, content=body, headers=headers)
        if not (200 <= response.status_code < 300 or response.status_code == 409):
            raise EdgeError(f"webhook answered HTTP {response.status_code}")

    def drain(self, max_s: float = 60.0) -> int:
        """Deliver until no lane has a due job (or ``max_s`` passes); returns how many were delivered."""
        before, deadline = self.delivered, time.monotonic() + max_s
        while time.monotonic() < deadline:
            if not any([self.step(lane) for lane in self.lanes()]):
                break
        return self.delivered - before

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, sleeping until the next job is due (or ``wake`` is set)."""
        lock = DeliveryLock(self.store.path)
        while not lock.acquire():  # another process delivers from this store; wait for it to go
            if stop.wait(5.0):
                return
        try:
            while not stop.is_set():
                try:
                    busy = any([self.step(lane) for lane in self.lanes()])
                except EdgeError as exc:  # the store itself failed (disk full): keep trying, slowly
                    log.error("delivery: %s", exc)
                    busy = False
                if busy:
                    continue
                dues = [d for d in (self.store.next_due_in(lane) for lane in self.lanes()) if d is not None]
                self.wake.wait(min([IDLE_POLL_S, *dues]) if dues else IDLE_POLL_S)
                self.wake.clear()
        finally:
            lock.release()

    def start(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="edge-sync", daemon=True)
        thread.start()
        return thread
