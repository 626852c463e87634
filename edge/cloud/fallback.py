"""When to ask the cloud about a local result, how to merge its answer, and never waiting past the timeout.

A field read on the device is *accepted* when its confidence reaches the field's threshold (from
``calibration/confidence.json``, made by ``edge calibrate confidence`` so that accepted fields are
right >= 99.5 % of the time on generated data); a value failing its validator has had its
confidence cut by the pipeline, so it is not accepted either.  When a required field is not
accepted, or a side is missing, the pictures go to the cloud and the answer is merged field by
field: accepted local fields stay, others take the cloud's value when it is surer, and each
field keeps its ``source``.  The interactive call runs in a worker thread and is abandoned at the
timeout: the local result is shown and the verification is queued in the store instead.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge.config import CloudConfig, FallbackConfig
from edge.errors import CloudAuthError, CloudError, CloudInputError, CloudQuotaError, ConfigError
from edge.schema import BACK_FIELDS, FRONT_FIELDS, Envelope, FieldValue, SideResult, SideType

log = logging.getLogger("edge.fallback")
OPTIONAL = frozenset({"pay_load"})  # often empty on the card itself
REQUIRED: dict[SideType, tuple[str, ...]] = {
    SideType.FRONT: tuple(f for f in FRONT_FIELDS if f not in OPTIONAL),
    SideType.BACK: tuple(f for f in BACK_FIELDS if f not in OPTIONAL),
}
DEFAULT_THRESHOLD = 0.9


def default_thresholds_path() -> Path:
    return Path(__file__).resolve().parents[2] / "calibration" / "confidence.json"


@dataclass(frozen=True)
class FieldThresholds:
    """Per-field confidence at or above which a local value is accepted without the cloud."""

    fields: dict[str, float] = field(default_factory=dict)
    default: float = DEFAULT_THRESHOLD

    def of(self, name: str) -> float:
        return self.fields.get(name, self.default)

    def accepted(self, name: str, value: FieldValue | None) -> bool:
        if value is None or not value.text:
            return False
        if value.source == "operator":
            return True
        return (value.confidence or 0.0) >= self.of(name)


def load_thresholds(path: Path | None = None) -> FieldThresholds:
    path = path or default_thresholds_path()
    if not path.is_file():
        log.warning("no confidence thresholds at %s: every field needs %.2f", path, DEFAULT_THRESHOLD)
        return FieldThresholds()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        fields = {str(k): float(v) for k, v in doc["thresholds"].items()}
        return FieldThresholds(fields, float(doc.get("default", DEFAULT_THRESHOLD)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"confidence thresholds {path} cannot be read: {exc} "
                          "(rerun `edge calibrate confidence`)") from exc


def unsure(envelope: Envelope, sides: int, th: FieldThresholds) -> list[str]:
    """What the cloud should look at: ``front.plate``-style fields not accepted, or a whole missing side."""
    wanted = [SideType.FRONT, SideType.BACK][:sides] if sides == 2 else [s.type for s in envelope.data][:1]
    if not envelope.ok or not wanted:
        return ["card"]
    out: list[str] = []
    for side_type in wanted:
        side = envelope.side(side_type)
        short = "front" if side_type == SideType.FRONT else "back"
        if side is None:
            out.append(short)
            continue
        out += [f"{short}.{name}" for name in REQUIRED[side_type] if not th.accepted(name, side.info.get(name))]
    return out


def merge(local: Envelope, cloud: Envelope, th: FieldThresholds) -> Envelope:
    """Field by field: accepted local values stay; the rest take the cloud's when it has one and is surer."""
    if not cloud.ok:
        return local
    if not local.ok:
        return Envelope.success([s.model_copy(deep=True) for s in cloud.data])
    sides: list[SideResult] = []
    for side in local.data:
        other = cloud.side(side.type)
        if other is None:
            sides.append(side)
            continue
        info = dict(side.info)
        for name, theirs in other.info.items():
            mine = info.get(name)
            if th.accepted(name, mine) or not theirs.text:
                continue
            if mine is None or not mine.text or theirs.confidence is None \
                    or (theirs.confidence >= (mine.confidence or 0.0)):
                info[name] = theirs.model_copy(update={"source": "cloud"})
        sides.append(SideResult(type=side.type, info=info, image=side.image))
    sides += [s for s in cloud.data if local.side(s.type) is None]
    order = {SideType.FRONT: 0, SideType.BACK: 1}
    return Envelope.success(sorted(sides, key=lambda s: order[s.type]))


@dataclass(frozen=True)
class Resolution:
    """What the fallback did for one scan, shown on screen and stored with it."""

    envelope: Envelope
    outcome: str  # not_needed | off | merged | cloud_no_card | timeout | unavailable | rejected | refused
    unsure: list[str]
    seconds: float = 0.0

    @property
    def verify_later(self) -> bool:
        return self.outcome in ("timeout", "unavailable", "rejected")

    def summary(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "unsure": self.unsure, "seconds": round(self.seconds, 3)}


class Fallback:
    """Owns the cloud clients: a quick one for the person waiting, a patient one for queued verifications."""

    def __init__(self, cfg: FallbackConfig, cloud: CloudConfig, thresholds: FieldThresholds | None = None) -> None:
        self.cfg, self.cloud = cfg, cloud
        self.thresholds = thresholds or load_thresholds(Path(cfg.thresholds) if cfg.thresholds else None)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="edge-cloud")
        self._quick: Any = None
        self._patient: Any = None

    @property
    def enabled(self) -> bool:
        return self.cfg.mode != "off" and bool(self.cloud.base_url and self.cloud.api_key)

    def _client(self, patient: bool) -> Any:
        from edge.cloud.client import CloudClient

        if patient:
            self._patient = self._patient or CloudClient(self.cloud)
            return self._patient
        if self._quick is None:
            # the client's own read limit just past ours: a hanging cloud is our timeout, deterministically
            t = self.cfg.timeout_s
            quick = self.cloud.model_copy(update={"retries": 0,
                                                  "read_timeout_s": min(self.cloud.read_timeout_s, t + 0.5),
                                                  "connect_timeout_s": min(self.cloud.connect_timeout_s, t)})
            self._quick = CloudClient(quick)
        return self._quick

    def resolve(self, local: Envelope, images: list[bytes], sides: int) -> Resolution:
        """The result to show, after at most ``timeout_s`` of waiting for the cloud."""
        t0 = time.monotonic()
        doubts = unsure(local, sides, self.thresholds)
        if not self.enabled:
            return Resolution(local, "off", doubts)
        if not doubts and self.cfg.mode != "always":
            return Resolution(local, "not_needed", doubts)
        future = self._pool.submit(self._client(False).scan, images)
        try:
            answer: Envelope = future.result(timeout=self.cfg.timeout_s)
        except FutureTimeout:
            log.warning("cloud fallback: no answer in %.1f s; local result kept", self.cfg.timeout_s)
            return Resolution(local, "timeout", doubts, time.monotonic() - t0)
        except CloudInputError as exc:
            log.warning("cloud fallback refused the pictures: %s", exc)
            return Resolution(local, "refused", doubts, time.monotonic() - t0)
        except (CloudAuthError, CloudQuotaError) as exc:
            log.warning("cloud fallback: %s", exc)
            return Resolution(local, "rejected", doubts, time.monotonic() - t0)
        except CloudError as exc:
            log.warning("cloud fallback unavailable: %s", type(exc).__name__)
            return Resolution(local, "unavailable", doubts, time.monotonic() - t0)
        if not answer.ok:
            return Resolution(local, "cloud_no_card", doubts, time.monotonic() - t0)
        return Resolution(merge(local, answer, self.thresholds), "merged", doubts, time.monotonic() - t0)

    def verify(self, current: Envelope, images: list[bytes]) -> Envelope:
        """A queued verification: the patient client (retries, breaker); CloudError when it fails."""
        answer: Envelope = self._client(True).scan(images)
        return merge(current, answer, self.thresholds)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        for client in (self._quick, self._patient):
            if client is not None:
                client.close()
