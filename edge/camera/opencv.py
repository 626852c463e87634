"""OpenCV cameras: a V4L2 device (USB webcams, by index or path) or a GStreamer pipeline (Jetson CSI).

The camera is read at ``still_size`` (full resolution, kept with each frame for the capture) and
shrunk to the analysis size.  GStreamer needs an OpenCV built with it (JetPack's python3-opencv
is; pip's opencv-python-headless is not): its absence is reported, not met with a silent failure.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from edge.camera.base import Frame, Image, SourceBase, as_bgr, shrink_to
from edge.errors import CameraError

APPSINK = "appsink drop=true max-buffers=1 sync=false"


def jetson_pipeline(sensor_id: int = 0, width: int = 1920, height: int = 1080, fps: float = 30.0,
                    flip: int = 0) -> str:
    """A ready GStreamer pipeline for a Jetson CSI camera (nvarguscamerasrc), ending in BGR for OpenCV."""
    rate = f"{round(fps)}/1"
    return (f"nvarguscamerasrc sensor-id={sensor_id} ! "
            f"video/x-raw(memory:NVMM),width={width},height={height},framerate={rate},format=NV12 ! "
            f"nvvidconv flip-method={flip} ! video/x-raw,width={width},height={height},format=BGRx ! "
            f"videoconvert ! video/x-raw,format=BGR ! {APPSINK}")


def with_appsink(pipeline: str) -> str:
    """A pipeline as OpenCV needs it: ending in an appsink that hands over BGR frames, newest only."""
    text = pipeline.strip().rstrip("!").strip()
    if not text:
        raise CameraError("empty GStreamer pipeline (use gst:'... ! appsink' or camera 'jetson')")
    if "appsink" in text.rsplit("!", 1)[-1]:
        return text
    return f"{text} ! videoconvert ! video/x-raw,format=BGR ! {APPSINK}"


def has_gstreamer() -> bool:
    """Whether this OpenCV build can open GStreamer pipelines."""
    for line in cv2.getBuildInformation().splitlines():
        if line.strip().startswith("GStreamer:"):
            return "YES" in line.split(":", 1)[1].upper()
    return False


class OpenCVSource(SourceBase):
    """``cv2.VideoCapture`` on a V4L2 device or a GStreamer pipeline."""

    def __init__(self, target: int | str, backend: str = "v4l2", size: tuple[int, int] = (640, 480),
                 still_size: tuple[int, int] = (1280, 720), fps: float = 30.0, fourcc: str = "MJPG") -> None:
        if backend not in ("v4l2", "gstreamer"):
            raise ValueError(f"unknown OpenCV backend {backend!r}")
        self.target, self.backend, self.size, self.still_size = target, backend, size, still_size
        self.fps, self.fourcc = fps, fourcc
        self.name = f"gst:{target}" if backend == "gstreamer" else f"v4l2:{target}"
        self._cap: cv2.VideoCapture | None = None
        self._index = 0
        self._t0 = 0.0

    def start(self) -> None:
        if self.backend == "gstreamer":
            if not has_gstreamer():
                raise CameraError("this OpenCV build has no GStreamer support (pip's opencv-python-headless has "
                                  "none): on a Jetson use JetPack's python3-opencv (create the venv with "
                                  "--system-site-packages and uninstall opencv-python-headless from it)")
            cap = cv2.VideoCapture(with_appsink(str(self.target)), cv2.CAP_GSTREAMER)
        else:
            if isinstance(self.target, str) and not Path(self.target).exists():
                raise CameraError(f"camera device {self.target} does not exist (is the camera plugged in? "
                                  "`v4l2-ctl --list-devices` lists them)")
            cap = cv2.VideoCapture(self.target, cv2.CAP_V4L2)
            if cap.isOpened():
                self._configure(cap)
        if not cap.isOpened():
            cap.release()
            raise CameraError(f"camera {self.name} cannot be opened (in use by another program, or no permission: "
                              "add the user to the 'video' group)")
        self._cap = cap
        self._t0 = time.monotonic()

    def _configure(self, cap: cv2.VideoCapture) -> None:
        """Ask a V4L2 camera for MJPG at the still size (USB 2 cannot carry raw 720p at 30 fps), newest frame."""
        if self.fourcc:
            cap.set(cv2.CAP_PROP_FOURCC, float(cv2.VideoWriter.fourcc(*self.fourcc)))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, float(self.still_size[0]))
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, float(self.still_size[1]))
        cap.set(cv2.CAP_PROP_FPS, float(self.fps))
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1.0)

    def read(self) -> Frame:
        if self._cap is None:
            raise CameraError(f"camera {self.name} is not started")
        ok, got = self._cap.read()
        if not ok or got is None:
            raise CameraError(f"camera {self.name} stopped delivering frames (unplugged?)")
        full = as_bgr(np.asarray(got, np.uint8))
        image = shrink_to(full, *self.size)
        frame = Frame(image=image, index=self._index, t=time.monotonic() - self._t0,
                      full=full if image is not full else None)
        self._index += 1
        return frame

    def still(self, region: tuple[float, float, float, float] | None = None) -> Image | None:
        """The next frame at full size (the stream already runs at the still size)."""
        if self._cap is None:
            return None
        frame = self.read()
        return frame.full if frame.full is not None else frame.image

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
