"""Camera specs (``picamera2``, ``v4l2:0``, ``gst:...``, ``jetson``, ``replay:PATH``, ``sample``, ``auto``) to sources.

The one place that knows every kind of camera; the rest of the product sees ``CameraSource``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from edge.camera.base import CameraSource, Image
from edge.errors import CameraError

if TYPE_CHECKING:
    from edge.config import CameraConfig

KINDS = ("auto", "picamera2", "v4l2", "gst", "jetson", "replay", "sample")
SAMPLE_SEED = 2024
SAMPLE_FPS = 15.0


def open_camera(spec: str, cfg: CameraConfig) -> CameraSource:
    """A (not yet started) source for ``spec``; CameraError with what to write when it is not understood."""
    kind, _, arg = spec.strip().partition(":")
    size, still = (cfg.width, cfg.height), (cfg.still_width, cfg.still_height)
    if kind == "auto":
        return open_camera(detect(), cfg)
    if kind == "picamera2":
        from edge.camera.picam import PicameraSource

        return PicameraSource(_number(arg or "0", spec), size, still, cfg.fps, cfg.autofocus, cfg.lock_exposure,
                              cfg.hflip, cfg.vflip)
    if kind in ("v4l2", "gst", "jetson"):
        from edge.camera.opencv import OpenCVSource, jetson_pipeline

        if kind == "v4l2":
            target: int | str = _number(arg, spec) if arg.isdigit() else arg
            if target == "":
                raise CameraError("v4l2 needs a device: v4l2:0 or v4l2:/dev/video0")
            return OpenCVSource(target, "v4l2", size, still, cfg.fps, cfg.fourcc)
        if kind == "jetson":
            pipeline = jetson_pipeline(_number(arg or "0", spec), *still, fps=cfg.fps,
                                       flip=2 if cfg.hflip and cfg.vflip else 4 if cfg.hflip else 6 if cfg.vflip else 0)
            return OpenCVSource(pipeline, "gstreamer", size, still, cfg.fps)
        return OpenCVSource(arg, "gstreamer", size, still, cfg.fps)
    if kind == "replay":
        from edge.camera.replay import ReplaySource

        if not arg:
            raise CameraError("replay needs a path: replay:VIDEO or replay:FOLDER")
        return ReplaySource(Path(arg).expanduser(), realtime=cfg.replay_realtime, size=size)
    if kind == "sample":
        from edge.camera.replay import ReplaySource

        return ReplaySource(frames=sample_frames(), fps=SAMPLE_FPS, realtime=cfg.replay_realtime, size=size)
    raise CameraError(f"unknown camera {spec!r}: use one of picamera2[:N], v4l2:N, v4l2:/dev/videoN, gst:PIPELINE, "
                      "jetson[:N], replay:PATH, sample, auto")


def _number(text: str, spec: str) -> int:
    if not text.isdigit():
        raise CameraError(f"camera {spec!r}: {text!r} is not a camera number")
    return int(text)


def detect() -> str:
    """The camera ``auto`` means here: picamera2 if installed, else /dev/video0, else the built-in sample."""
    if importlib.util.find_spec("picamera2") is not None:
        return "picamera2"
    if Path("/dev/video0").exists():
        return "v4l2:0"
    return "sample"


def sample_frames(size: tuple[int, int] = (1280, 720), fps: float = SAMPLE_FPS) -> list[Image]:
    """The built-in sample: a generated card brought in and held still, front then back (7 s at 15 fps)."""
    from edge.synth.card import render_face
    from edge.synth.dataset import item_rng
    from edge.synth.layouts import LAYOUTS
    from edge.synth.values import random_values
    from edge.synth.video import make_sequence

    rng = item_rng(SAMPLE_SEED, "video", 0)
    values = random_values(rng)  # one card: the front and the back must agree
    frames: list[Image] = []
    for side in ("front", "back"):
        face = render_face(values, side, LAYOUTS[side][0], rng)
        frames.extend(make_sequence(face, rng, "hold", size=size, fps=fps, seconds=3.5).frames)
    return frames
