"""``edge bench capture``: analysis speed per 640x480 frame, and the auto-capture on generated sequences.

Sequences come from a seed the thresholds were not calibrated on.  A capture counts as right
when its frame is one the ground truth marks acceptable; latency is from the first frame of the
card's final still period (truth) to the frame at which the capture fired.  Times are on one
thread (OpenCV too), as the per-frame budget is per core.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

import cv2
import numpy as np

from edge.camera.base import iter_frames
from edge.camera.replay import ReplaySource
from edge.capture.analyze import STAGES, Analyzer
from edge.capture.thresholds import Thresholds, load_thresholds
from edge.capture.trigger import Trigger
from edge.synth.types import FrameTruth
from edge.synth.video import SequenceKind

KINDS: tuple[SequenceKind, ...] = ("hold", "no_card", "never_still")
LATENCY_TARGET_S = 0.5
FRAME_TARGET_MS = 4.0


def hold_start(truth: list[FrameTruth]) -> float | None:
    """Time of the first frame of the last run of acceptable frames (the card held still)."""
    start = None
    for i, t in enumerate(truth):
        if t.acceptable and (i == 0 or not truth[i - 1].acceptable):
            start = t.t
    return start


def run_sequence(frames: list[Any], fps: float, truth: list[FrameTruth], th: Thresholds,
                 hold_s: float) -> tuple[dict[str, Any], list[dict[str, float]]]:
    """One sequence through analysis and trigger: its capture outcome, and per-frame stage times."""
    analyze = Analyzer()
    trigger = Trigger(thresholds=th, hold_s=hold_s, timeout_s=0.0, sides=1)
    times: list[dict[str, float]] = []
    fired: list[tuple[int, float]] = []
    for frame in iter_frames(ReplaySource(frames=frames, fps=fps)):
        t0 = time.perf_counter()
        a = analyze(frame)
        t1 = time.perf_counter()
        decision = trigger.update(a)
        a.ms["trigger"] = (time.perf_counter() - t1) * 1e3
        a.ms["total"] = (t1 - t0) * 1e3 + a.ms["trigger"]
        times.append(a.ms)
        if decision.capture is not None:
            fired.append((decision.capture.best.frame.index, decision.capture.fired.frame.t))
            trigger = Trigger(thresholds=th, hold_s=hold_s, timeout_s=0.0, sides=1)  # count every capture
    start = hold_start(truth)
    first = fired[0] if fired else None
    return {
        "captures": len(fired),
        "wrong": sum(not truth[i].acceptable for i, _ in fired),
        "latency_s": None if first is None or start is None else first[1] - start,
    }, times


def run(n: int, seed: int, seconds: float, out: TextIO) -> dict[str, Any]:
    """Analyse ``n`` sequences of each kind at 640x480, 30 fps; print and return the figures."""
    from edge.synth.dataset import sequence_item

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    th = load_thresholds()
    hold_s = Trigger().hold_s
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    times: list[dict[str, float]] = []
    try:
        for i in range(n):
            for kind in KINDS:
                seq = sequence_item(seed, i * len(KINDS) + KINDS.index(kind), kind, size=(640, 480), fps=30.0,
                                    seconds=seconds)
                res, ms = run_sequence(seq.frames, seq.fps, seq.truth, th, hold_s)
                results[kind].append(res)
                times.extend(ms)
    finally:
        cv2.setNumThreads(threads)
    figures = _figures(results, times)
    _report(figures, n, seed, seconds, out)
    return figures


def _figures(results: dict[str, list[dict[str, Any]]], times: list[dict[str, float]]) -> dict[str, Any]:
    stages = {s: float(np.median([t.get(s, 0.0) for t in times])) for s in (*STAGES, "trigger")}
    total = np.array([t["total"] for t in times])
    lat = [r["latency_s"] for r in results["hold"] if r["latency_s"] is not None]
    hold = results["hold"]
    return {
        "frames": len(times),
        "ms_median": float(np.median(total)),
        "ms_p90": float(np.percentile(total, 90)),
        "fps": float(1000.0 / total.mean()),
        "stage_ms_median": stages,
        "hold_captured": sum(r["captures"] > 0 for r in hold),
        "hold_sequences": len(hold),
        "captures_total": sum(r["captures"] for k in KINDS for r in results[k]),
        "captures_wrong": sum(r["wrong"] for k in KINDS for r in results[k]),
        "latency_s_median": float(np.median(lat)) if lat else None,
        "latency_s_max": float(max(lat)) if lat else None,
        "within_target": sum(v <= LATENCY_TARGET_S for v in lat),
        "no_card_captures": sum(r["captures"] for r in results["no_card"]),
        "never_still_captures": sum(r["captures"] for r in results["never_still"]),
    }


def _report(f: dict[str, Any], n: int, seed: int, seconds: float, out: TextIO) -> None:
    ok = "ok" if f["ms_median"] <= FRAME_TARGET_MS else "OVER"
    print(f"edge bench capture: {n} sequences of each kind ({', '.join(KINDS)}), 640x480 @ 30 fps, {seconds:g} s, "
          f"seed {seed}; one thread", file=out)
    print(f"  analysis per frame ({f['frames']} frames): median {f['ms_median']:.2f} ms [{ok}, target <= "
          f"{FRAME_TARGET_MS:g}], p90 {f['ms_p90']:.2f} ms, {f['fps']:.0f} frames/s", file=out)
    print("  per stage, median ms: " + ", ".join(f"{k} {v:.2f}" for k, v in f["stage_ms_median"].items()), file=out)
    lat = "-"
    if f["latency_s_median"] is not None:
        lat = f"median {f['latency_s_median']:.2f} s, max {f['latency_s_max']:.2f} s"
    print(f"  card held still: captured in {f['hold_captured']}/{f['hold_sequences']} sequences; latency (still -> "
          f"capture) {lat}; within {LATENCY_TARGET_S:g} s: {f['within_target']}/{f['hold_captured']}", file=out)
    print(f"  captures in frames the truth marks not acceptable: {f['captures_wrong']} of {f['captures_total']}",
          file=out)
    print(f"  captures with no card: {f['no_card_captures']}; card never still: {f['never_still_captures']}",
          file=out)
