"""``edge capture``, ``edge calibrate capture|camera`` and ``edge bench capture``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, cast

import cv2

from edge.capture.analyze import Analysis
from edge.capture.loop import Taken
from edge.capture.trigger import Decision, State
from edge.config import Config
from edge.errors import ImageError


def _measures(a: Analysis) -> dict[str, Any]:
    m = a.measures
    if m is None:
        return {}
    return {k: round(float(v), 3) if isinstance(v, float) else v for k, v in vars(m).items()}


def capture(args: argparse.Namespace) -> int:
    """Run the camera loop headless: each capture, then the card read from them."""
    from edge.camera.registry import open_camera
    from edge.capture.loop import run
    from edge.capture.thresholds import load_thresholds
    from edge.capture.trigger import Trigger

    cfg = cast(Config, args.config_obj)
    cam_cfg = cfg.camera.model_copy(update={"replay_realtime": cfg.camera.replay_realtime and not args.fast})
    camera = open_camera(args.camera or cfg.camera.source, cam_cfg)
    th = load_thresholds(Path(cfg.capture.thresholds) if cfg.capture.thresholds else None)
    trigger = Trigger(thresholds=th, hold_s=cfg.capture.hold_s, min_frames=cfg.capture.min_frames,
                      timeout_s=cfg.capture.timeout_s if args.timeout is None else args.timeout,
                      sides=args.sides or cfg.capture.sides, language=args.lang or cfg.capture.language)
    pipeline = None
    if not args.no_read:
        from edge.document.pipeline import Pipeline

        pipeline = Pipeline.load(cfg.ocr)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    shown = [""]

    def on_frame(a: Analysis | None, d: Decision) -> None:
        if args.verbose and d.message != shown[0]:
            t = "-" if a is None else f"{a.frame.t:7.2f}s"
            print(f"edge: [{t}] {d.state.value}: {d.message}", file=sys.stderr)
        shown[0] = d.message

    def on_taken(item: Taken) -> None:
        c = item.capture
        side = item.scan.result.type.value if item.scan and item.scan.result else None
        doc: dict[str, Any] = {"event": "capture", "side": c.side + 1, "frame": c.best.frame.index,
                               "t": round(c.best.frame.t, 3), "fired_t": round(c.fired.frame.t, 3),
                               "window": c.window, "picture": item.source,
                               "size": list(item.image.shape[1::-1]), "type": side, "measures": _measures(c.best)}
        if args.save:
            path = args.save / f"side{c.side + 1}.jpg"
            if not cv2.imwrite(str(path), item.image, [cv2.IMWRITE_JPEG_QUALITY, 95]):
                raise ImageError(f"cannot write {path}")
            doc["saved"] = str(path)
        if args.json:
            print(json.dumps(doc, ensure_ascii=False), flush=True)
        else:
            m = doc["measures"]
            print(f"side {doc['side']}: frame {doc['frame']} at {doc['t']:.2f} s ({item.source}, "
                  f"{doc['size'][0]}x{doc['size'][1]}): fill {m['fill']:.2f}, sharpness {m['sharpness']:.2f}, "
                  f"motion {m['motion_px']:.2f} px, glare {m['glare']:.3f}, exposure {m['exposure']:.0f}"
                  + (f" -> {side}" if side else ""), flush=True)

    reader = pipeline.scan_side if pipeline is not None else None
    outcome = run(camera, trigger, reader=reader, still=cfg.capture.still, on_frame=on_frame, on_taken=on_taken,
                  backoff_s=cfg.camera.reopen_backoff_s, backoff_max_s=cfg.camera.reopen_backoff_max_s)
    if outcome.state is not State.DONE:
        why = "timed out" if outcome.state is State.TIMEOUT else "the recording ended"
        print(f"edge: {why} with {len(outcome.taken)} of {trigger.sides} side(s) captured "
              f"({outcome.frames} frames, {outcome.camera_failures} camera failures)", file=sys.stderr)
    if pipeline is not None and outcome.taken:
        result = pipeline.scan([t.image for t in outcome.taken])
        if args.save:
            (args.save / "result.json").write_text(result.envelope.to_json(indent=1), encoding="utf-8")
        print(result.envelope.to_json(indent=None if args.json else 1))
        return 0 if outcome.state is State.DONE and result.envelope.ok else 1
    return 0 if outcome.state is State.DONE else 1


def calibrate_capture(args: argparse.Namespace) -> int:
    """Shipped thresholds from generated sequences (calibration/capture.json)."""
    from edge.capture.calibrate import from_sequences

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        th, figures = from_sequences(args.n, args.seed)
    finally:
        cv2.setNumThreads(threads)
    provenance = {"command": f"edge calibrate capture --n {args.n} --seed {args.seed}", **figures}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(th.to_json(provenance), encoding="utf-8")
    print(f"wrote {args.out}: " + ", ".join(f"{k}={v}" for k, v in vars(th).items()))
    return 0


def calibrate_camera(args: argparse.Namespace) -> int:
    """Device thresholds from a person holding the card still in front of this camera."""
    from edge.camera.registry import open_camera
    from edge.capture.calibrate import from_camera
    from edge.capture.thresholds import load_thresholds

    cfg = cast(Config, args.config_obj)
    camera = open_camera(args.camera or cfg.camera.source, cfg.camera)
    base = load_thresholds(Path(cfg.capture.thresholds) if cfg.capture.thresholds else None)
    th, figures = from_camera(camera, args.seconds, base, say=lambda s: print(f"edge: {s}", file=sys.stderr))
    provenance = {"command": f"edge calibrate camera --camera {camera.name} --seconds {args.seconds:g}", **figures}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(th.to_json(provenance), encoding="utf-8")
    print(f"wrote {args.out} (set [capture] thresholds = \"{args.out}\"): "
          + ", ".join(f"{k}={v}" for k, v in vars(th).items()))
    return 0


def bench_capture(args: argparse.Namespace) -> int:
    from edge.capture.bench import run

    figures = run(args.n, args.seed, args.seconds, sys.stdout)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0
