"""``edge calibrate confidence``: per-field thresholds above which a local reading is right >= 99.5 % of the time.

Reads labelled photos (a folder of ``scene_*.jpg`` + ``scene_*.json`` as ``edge synth scenes`` writes
them, or scenes generated on the fly with held-out fonts), runs the document pipeline on each, and
for every field finds the lowest confidence at which the values at or above it are right at the
target rate.  A field with too few right answers to tell gets 1.01: it is always checked by the cloud.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np

from edge.config import Config
from edge.errors import DataError
from edge.schema import Envelope

MIN_ACCEPTED = 20  # right answers needed at a threshold before it is trusted
NEVER = 1.01  # above any confidence: the field is always checked by the cloud


def threshold(samples: list[tuple[float, bool]], target: float) -> tuple[float, float, float]:
    """(threshold, share accepted, precision when accepted): the lowest confidence meeting ``target``."""
    ranked = sorted(samples, key=lambda s: -s[0])
    best: tuple[float, float, float] = (NEVER, 0.0, 1.0)
    right = 0
    for i, (conf, ok) in enumerate(ranked, start=1):
        right += ok
        nxt = ranked[i][0] if i < len(ranked) else -1.0
        if nxt == conf:  # ties: a threshold accepts all of them or none
            continue
        if right / i >= target and right >= MIN_ACCEPTED:
            best = (conf, i / len(ranked), right / i)
    return best


def _labelled(folder: Path | None, n: int, seed: int) -> Iterator[tuple[Any, Envelope]]:
    """(photo, truth) pairs from a folder, else generated good scenes with held-out fonts."""
    import cv2

    from edge.synth.dataset import read_truth, scene_item, truth_envelope

    if folder is not None:
        photos = sorted(folder.glob("*.jpg"))[:n]
        if not photos:
            raise DataError(f"{folder} holds no *.jpg photos with their *.json ground truth")
        for photo in photos:
            truth, extra = read_truth(photo.with_suffix(".json"))
            if extra.get("quality", "good") == "good":
                yield cv2.imread(str(photo), cv2.IMREAD_COLOR), truth
        return
    for i in range(n):
        scene = scene_item(seed, i, quality="good", font_split="heldout")
        yield scene.image, truth_envelope(scene.face)


def calibrate(cfg: Config, folder: Path | None, n: int, seed: int, target: float) -> dict[str, Any]:
    from edge.document.pipeline import Pipeline
    from edge.eval.score import normalize

    pipeline = Pipeline.load(cfg.ocr)
    samples: dict[str, list[tuple[float, bool]]] = {}
    photos = found = 0
    t0 = time.monotonic()
    for image, truth in _labelled(folder, n, seed):
        photos += 1
        scan = pipeline.scan_side(np.asarray(image, np.uint8))
        want = truth.data[0] if truth.data else None
        if scan.result is None or want is None or scan.result.type != want.type:
            continue
        found += 1
        for name, value in want.info.items():
            got = scan.result.info.get(name)
            ok = got is not None and normalize(name, got.text) == normalize(name, value.text)
            samples.setdefault(name, []).append((got.confidence or 0.0 if got else 0.0, ok))
    fields: dict[str, Any] = {}
    for name, s in sorted(samples.items()):
        t, share, precision = threshold(s, target)
        fields[name] = {"threshold": round(t, 4), "accepted": round(share, 3), "precision": round(precision, 4),
                        "n": len(s), "right": sum(ok for _, ok in s)}
    return {"thresholds": {k: v["threshold"] for k, v in fields.items()}, "default": NEVER, "target": target,
            "fields": fields, "provenance": {"photos": photos, "read": found, "seed": seed,
                                             "source": str(folder) if folder else "edge.synth scenes, good, "
                                             "held-out fonts", "seconds": round(time.monotonic() - t0, 1),
                                             "made": time.strftime("%Y-%m-%d"), "ocr": cfg.ocr.model_dump()}}


def calibrate_confidence(args: argparse.Namespace) -> int:
    cfg = cast(Config, args.config_obj)
    doc = calibrate(cfg, args.data, args.n, args.seed, args.target)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, f in doc["fields"].items():
        print(f"{name:18s} threshold {f['threshold']:.3f}  accepted {f['accepted']:6.1%}  "
              f"right when accepted {f['precision']:7.2%}  ({f['right']}/{f['n']} right overall)")
    p = doc["provenance"]
    print(f"{p['read']} of {p['photos']} photos read in {p['seconds']} s; written to {args.out}", file=sys.stderr)
    return 0


def add_parser(what: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    conf = what.add_parser("confidence", help="per-field confidence thresholds for the cloud fallback")
    conf.add_argument("--data", type=Path, default=None,
                      help="labelled photos (scene_*.jpg + .json from `edge synth scenes`); default: generate")
    conf.add_argument("--n", type=int, default=300, help="photos to use")
    conf.add_argument("--seed", type=int, default=5151, help="seed of generated scenes")
    conf.add_argument("--target", type=float, default=0.995, help="share of accepted fields that must be right")
    conf.add_argument("--out", type=Path, default=Path("calibration/confidence.json"))
    conf.set_defaults(handler="edge.ops.confidence:calibrate_confidence")
