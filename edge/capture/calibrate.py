"""Gate thresholds from measurements: generated sequences (shipped defaults) or a real camera (device file).

Generated sequences carry per-frame truth (``acceptable``: in view, big enough, blur <= 1 px), so
limits are set where the measures separate acceptable frames from blurred ones with a margin.
A real camera has no truth: the person holds the card still, and the stillest frames with the
card in view give the device's sharpness and exposure range (its optics, noise and light), from
which device limits are derived the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from edge.camera.base import CameraSource, EndOfStream, iter_frames
from edge.camera.replay import ReplaySource
from edge.capture.analyze import Analyzer
from edge.capture.quality import Measures
from edge.capture.thresholds import Thresholds
from edge.errors import CameraError

MIN_FRAMES = 20  # still frames with the card in view needed to calibrate a device
SIZE, FPS, SECONDS = (640, 480), 30.0, 3.0  # the generated sequences calibrated on


@dataclass(frozen=True)
class Sample:
    measures: Measures
    acceptable: bool | None  # truth, when known
    blurred: bool  # truth: in view and big enough, but blurred (the frames the gates must refuse)


def _pct(values: Iterable[float], q: float) -> float:
    arr = np.array([v for v in values if math.isfinite(v)], np.float64)
    return float(np.percentile(arr, q)) if arr.size else math.nan


def from_sequences(n: int, seed: int,
                   progress: Callable[[int], None] | None = None) -> tuple[Thresholds, dict[str, Any]]:
    """Thresholds from ``n`` generated hold sequences and n/3 never-still ones; (thresholds, figures)."""
    from edge.synth.dataset import sequence_item
    from edge.synth.video import ACCEPT_MIN_FILL, SequenceKind

    samples: list[Sample] = []
    hold: list[SequenceKind] = ["hold"]
    kinds = hold * n + ["never_still"] * max(1, n // 3)
    for i, kind in enumerate(kinds):
        seq = sequence_item(seed, i, kind, size=SIZE, fps=FPS, seconds=SECONDS)
        analyze = Analyzer()
        for frame, truth in zip(iter_frames(ReplaySource(frames=seq.frames, fps=seq.fps)), seq.truth, strict=True):
            a = analyze(frame)
            if a.measures is not None:
                big = truth.fully_in_frame and truth.fill >= ACCEPT_MIN_FILL
                samples.append(Sample(a.measures, truth.acceptable, big and not truth.acceptable))
        if progress:
            progress(1)
    good = [s.measures for s in samples if s.acceptable]
    bad = [s.measures for s in samples if s.blurred]
    if len(good) < MIN_FRAMES or len(bad) < MIN_FRAMES:
        raise CameraError(f"too few frames to calibrate on ({len(good)} acceptable, {len(bad)} blurred)")
    base = Thresholds()
    th = Thresholds(
        min_score=round(min(0.5, 0.9 * _pct((m.score for m in good), 5)), 3),
        min_fill=round(1.1 * ACCEPT_MIN_FILL, 3),
        max_fill=base.max_fill,
        min_square=round(0.9 * _pct((m.square for m in good), 1), 3),
        # stillness: refuse at least 99 % of blurred frames; keep most still ones
        max_motion_px=round(0.9 * _pct((m.motion_px for m in bad), 1), 3),
        min_sharpness=round(0.8 * _pct((m.sharpness for m in good), 1), 3),
        max_glare=base.max_glare,
        min_exposure=round(min(base.min_exposure, 0.5 * _pct((m.exposure for m in good), 1)), 1),
        max_exposure=base.max_exposure,
    )
    figures = {
        "sequences": {"hold": n, "never_still": len(kinds) - n, "seed": seed, "size": list(SIZE), "fps": FPS,
                      "seconds": SECONDS},
        "frames": {"acceptable": len(good), "blurred": len(bad)},
        "acceptable_pct": {k: _figures(good, k) for k in ("motion_px", "sharpness", "square", "score", "exposure")},
        "blurred_pct": {k: _figures(bad, k) for k in ("motion_px", "sharpness")},
        "passing": {"acceptable": _share(good, th), "blurred": _share(bad, th)},
    }
    return th, figures


def _figures(ms: list[Measures], key: str) -> dict[str, float]:
    return {f"p{q}": round(_pct((float(getattr(m, key)) for m in ms), q), 4) for q in (1, 5, 50, 95, 99)}


def _share(ms: list[Measures], th: Thresholds) -> float:
    """Share of frames passing the stillness and sharpness gates (the ones calibrated on blur)."""
    ok = [m.motion_px <= th.max_motion_px and m.sharpness >= th.min_sharpness for m in ms]
    return round(sum(ok) / max(1, len(ok)), 4)


def from_camera(camera: CameraSource, seconds: float, base: Thresholds,
                say: Callable[[str], None] = print) -> tuple[Thresholds, dict[str, Any]]:
    """Device thresholds from ``seconds`` of a person holding the card still in front of ``camera``."""
    import time

    analyze = Analyzer()
    seen: list[Measures] = []
    say(f"hold the card still in front of the camera for {seconds:.0f} s")
    start = time.monotonic()
    first: float | None = None
    camera.start()
    try:
        while True:
            try:
                frame = camera.read()
            except EndOfStream:
                break
            first = frame.t if first is None else first
            if frame.t - first > seconds or time.monotonic() - start > seconds + 30:
                break
            a = analyze(frame)
            m = a.measures
            if m is not None and m.inside and m.fill >= base.min_fill and math.isfinite(m.motion_px):
                seen.append(m)
    finally:
        camera.close()
    if len(seen) < MIN_FRAMES:
        raise CameraError(f"the card was found in only {len(seen)} usable frames (need {MIN_FRAMES}): "
                          "hold it fully in view, large enough, and keep it still")
    still = sorted(seen, key=lambda m: m.motion_px)[: max(MIN_FRAMES, len(seen) // 2)]
    noise = _pct((m.motion_px for m in still), 90)
    th = replace(
        base,
        # this sensor's own motion noise must not block a card held still
        max_motion_px=round(max(base.max_motion_px, 1.5 * noise), 3),
        # this lens and sensor's sharpness on a still card, with the same margin as the defaults
        min_sharpness=round(min(base.min_sharpness, 0.8 * _pct((m.sharpness for m in still), 5)), 3),
        min_exposure=round(min(base.min_exposure, 0.6 * _pct((m.exposure for m in still), 5)), 1),
        max_exposure=round(max(base.max_exposure, min(250.0, _pct((m.exposure for m in still), 95) + 10)), 1),
    )
    figures = {
        "frames": len(seen),
        "still_frames": len(still),
        "still_pct": {k: _figures(still, k) for k in ("motion_px", "sharpness", "exposure", "fill")},
        "base": asdict(base),
    }
    return th, figures
