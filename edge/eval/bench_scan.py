"""``edge bench scan``: the whole document pipeline on held-out synthetic photos, as a user meets it.

The scenes come from a seed the pipeline was not tuned on (tuning used seeds 900 and 901) and,
by default, from the *held-out* font split, so the recogniser reads typefaces it never saw.
Each photo is JPEG-encoded first and timed from decode to the JSON envelope.  Half of the
scenes are good; the others are blurred, glared over, too small or cut off and must come back
as unreadable (errorCode 1) rather than as fields.
"""

from __future__ import annotations

import resource
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import cv2
import numpy as np

from edge.document.image import decode_image, encode_jpeg
from edge.document.pipeline import STAGES, Pipeline
from edge.document.rectify import corners_error
from edge.eval.bench_locate import _pct
from edge.eval.process import isolated
from edge.ocr.recognizer import Recognizer
from edge.schema import SIDE_FIELDS, SideType
from edge.synth.dataset import scene_item, truth_envelope
from edge.synth.fonts import Split

FOUND_FRAC = 0.02  # found: mean corner error within 2 % of the card's diagonal (as edge bench locate)
KEY_FIELDS = ("plate", "engine", "chassis", "id")


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    quality: str
    side: SideType
    truth: dict[str, str]
    corners: np.ndarray[Any, np.dtype[np.float64]]


def make_photos(n: int, seed: int, font_split: Split) -> list[Photo]:
    photos = []
    for i in range(n):
        s = scene_item(seed, i, font_split=font_split)
        truth = truth_envelope(s.face).data[0]
        photos.append(Photo(encode_jpeg(s.image, 92), s.quality, truth.type,
                            {k: truth.text(k) for k in SIDE_FIELDS[truth.type]}, s.corners))
    return photos


def measure(pipeline: Pipeline, photos: list[Photo]) -> dict[str, Any]:
    """Accuracy, rejection and per-stage time over ``photos`` with one loaded pipeline."""
    stage_ms: dict[str, list[float]] = defaultdict(list)
    field_ok: Counter[str] = Counter()
    field_n: Counter[str] = Counter()
    good = bad = found = side_ok = false_reject = rejected = 0
    errors: list[float] = []
    reasons: Counter[str] = Counter()
    for p in photos:
        t0 = time.perf_counter()
        image = decode_image(p.jpeg)
        t_dec = time.perf_counter() - t0
        scan = pipeline.scan_side(image)
        result = scan.result
        if result is not None:
            result.to_seed()
        total = time.perf_counter() - t0
        stage_ms["decode"].append(t_dec * 1e3)
        for stage in STAGES:
            if stage in scan.timings:
                stage_ms[stage].append(scan.timings[stage] * 1e3)
        stage_ms["total"].append(total * 1e3)
        if result is not None:
            stage_ms["total (read)"].append(total * 1e3)
        reasons[scan.reason or "read"] += 1
        if p.quality != "good":
            bad += 1
            rejected += result is None
            continue
        good += 1
        diag = float(np.linalg.norm(p.corners[2] - p.corners[0]))
        if scan.corners is not None:
            err = corners_error(scan.corners, p.corners)
            errors.append(err)
            found += err <= FOUND_FRAC * diag
        if result is None:
            false_reject += 1
            for key in p.truth:
                field_n[key] += 1
            continue
        side_ok += result.type == p.side
        for key, want in p.truth.items():
            field_n[key] += 1
            field_ok[key] += result.type == p.side and result.text(key) == want
    return {
        "good": good, "bad": bad, "found": found, "side_ok": side_ok, "false_reject": false_reject,
        "rejected": rejected, "corner_err": errors, "field_ok": dict(field_ok), "field_n": dict(field_n),
        "stage_ms": {k: v for k, v in stage_ms.items()}, "reasons": dict(reasons),
    }


def run(n: int, seed: int, font_split: Split, models_dir: Path, out: TextIO) -> dict[str, Any]:
    started = time.perf_counter()
    # the photos are rendered in a process of their own, so the peak memory below is the scanner's
    # (fonts, textures and scenes of the generator are not the product's)
    photos = isolated(make_photos, n, seed, font_split)
    made = time.perf_counter() - started
    runs: dict[int, dict[str, Any]] = {}
    for threads in (1, 2):
        cv2.setNumThreads(threads)
        pipeline = Pipeline(Recognizer.load(models_dir, "onnx", "int8", threads))
        runs[threads] = measure(pipeline, photos)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(runs, n, seed, font_split, made, peak_mb, out)
    return {"runs": runs, "peak_rss_mb": peak_mb}


def report(runs: dict[int, dict[str, Any]], n: int, seed: int, font_split: str, made: float, peak_mb: float,
           out: TextIO) -> None:
    r = runs[1]
    good, bad = max(1, r["good"]), max(1, r["bad"])
    p = out.write
    p(f"edge bench scan  ({n} photos 1280x720, seed {seed}, {font_split} fonts; {r['good']} good, "
      f"{r['bad']} bad; generated in {made:.0f} s)\n")
    p(f"  card found (good photos, corner error <= 2 % of diagonal)   {100 * r['found'] / good:6.1f} %\n")
    p(f"  corner error px  median {_pct(r['corner_err'], 50):.2f}   p90 {_pct(r['corner_err'], 90):.2f}\n")
    p(f"  side correct (of good photos read)                         "
      f"{100 * r['side_ok'] / max(1, r['good'] - r['false_reject']):6.1f} %\n")
    p(f"  good photos falsely rejected                               {100 * r['false_reject'] / good:6.1f} %\n")
    p(f"  bad photos rejected as unreadable                          {100 * r['rejected'] / bad:6.1f} %\n")
    p(f"  outcomes: {', '.join(f'{k} {v}' for k, v in sorted(r['reasons'].items()))}\n")
    ok, tot = r["field_ok"], r["field_n"]
    all_ok, all_n = sum(ok.values()), max(1, sum(tot.values()))
    key_ok = sum(ok.get(k, 0) for k in KEY_FIELDS)
    key_n = max(1, sum(tot.get(k, 0) for k in KEY_FIELDS))
    p(f"  field exact match, all fields (good photos)                {100 * all_ok / all_n:6.1f} %  "
      f"({all_ok}/{all_n})\n")
    p(f"  field exact match, plate/engine/chassis/id                 {100 * key_ok / key_n:6.1f} %\n")
    names = sorted(tot, key=lambda k: (-tot[k], k))
    p("  per field: " + ", ".join(f"{k} {100 * ok.get(k, 0) / tot[k]:.0f}%" for k in names) + "\n")
    p("  latency ms per photo (decode to JSON)      1 thread: median / p90     2 threads: median / p90\n")
    for stage in ("decode", *STAGES, "total", "total (read)"):
        a, b = runs[1]["stage_ms"].get(stage, []), runs[2]["stage_ms"].get(stage, [])
        p(f"    {stage:<12} {_pct(a, 50):24.1f} / {_pct(a, 90):6.1f}  {_pct(b, 50):21.1f} / {_pct(b, 90):6.1f}\n")
    p(f"  peak RSS {peak_mb:.0f} MB (the scanning process: two pipelines loaded, every photo read)\n")
