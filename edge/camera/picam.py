"""Raspberry Pi cameras through picamera2: a ``lores`` stream for analysis, ``main`` for the still.

picamera2 imports libcamera at import time and exists only on Raspberry Pi OS, so it is imported
when a camera is started, never at package import.  One video configuration carries both streams
(no mode switch, so a still costs one frame).  Autofocus (Camera Module 3) runs continuously and
is pointed at the card with ``focus``; auto-exposure is locked while the still is taken.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

import cv2
import numpy as np

from edge.camera.base import Frame, Image, Region, SourceBase
from edge.errors import CameraError

MISSING = ("picamera2 is not installed: on Raspberry Pi OS run `sudo apt install python3-picamera2` and create "
           "the virtual environment with --system-site-packages (pip's picamera2 needs the system libcamera)")
AF_CONTINUOUS, AF_METERING_WINDOWS = 2, 1  # libcamera's AfModeEnum.Continuous, AfMeteringEnum.Windows


def stream_config(size: tuple[int, int], still_size: tuple[int, int], fps: float, buffers: int = 4,
                  hflip: bool = False, vflip: bool = False) -> dict[str, Any]:
    """Keyword arguments for ``Picamera2.create_video_configuration``: main (still) + lores (analysis)."""
    frame_us = round(1_000_000 / fps)
    lw, lh = (size[0] // 2) * 2, (size[1] // 2) * 2  # YUV420 needs even sizes
    if lw > still_size[0] or lh > still_size[1]:
        raise CameraError(f"the analysis size {size} is larger than the still size {still_size}")
    config: dict[str, Any] = {
        "main": {"size": tuple(still_size), "format": "RGB888"},  # RGB888 is laid out B, G, R: OpenCV's order
        "lores": {"size": (lw, lh), "format": "YUV420"},  # the Pi 4 ISP gives lores only as YUV
        "buffer_count": buffers,
        "controls": {"FrameDurationLimits": (frame_us, frame_us)},
    }
    if hflip or vflip:
        config["transform"] = {"hflip": hflip, "vflip": vflip}
    return config


def af_window(region: Region, scaler_crop: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The card's region (shares of the frame) in sensor coordinates, for ``AfWindows``."""
    x0, y0, cw, ch = scaler_crop
    rx, ry, rw, rh = (min(max(v, 0.0), 1.0) for v in region)
    return round(x0 + rx * cw), round(y0 + ry * ch), max(1, round(rw * cw)), max(1, round(rh * ch))


def lores_to_bgr(yuv: Image) -> Image:
    """picamera2's YUV420 lores array (H*3/2 x W) as BGR."""
    return np.asarray(cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR_I420), np.uint8)


def _import() -> Any:
    try:
        return importlib.import_module("picamera2")
    except ImportError as exc:
        raise CameraError(MISSING) from exc


class PicameraSource(SourceBase):
    """A libcamera camera (Camera Module 2 / 3, HQ, ...) via picamera2."""

    def __init__(self, camera: int = 0, size: tuple[int, int] = (640, 480), still_size: tuple[int, int] = (1920, 1080),
                 fps: float = 30.0, autofocus: bool = True, lock_exposure: bool = True, hflip: bool = False,
                 vflip: bool = False) -> None:
        self.camera, self.size, self.still_size, self.fps = camera, size, still_size, fps
        self.autofocus, self.lock_exposure, self.hflip, self.vflip = autofocus, lock_exposure, hflip, vflip
        self.name = f"picamera2:{camera}"
        self._cam: Any = None
        self._index = 0
        self._t0 = 0.0

    def start(self) -> None:
        module = _import()
        try:
            cam = module.Picamera2(self.camera)
        except (IndexError, RuntimeError) as exc:
            raise CameraError(f"no Raspberry Pi camera number {self.camera} ({exc}); `rpicam-hello --list-cameras` "
                              "lists them") from exc
        try:
            cfg = stream_config(self.size, self.still_size, self.fps, hflip=self.hflip, vflip=self.vflip)
            transform = cfg.pop("transform", None)
            if transform is not None:
                cfg["transform"] = importlib.import_module("libcamera").Transform(**transform)
            cam.configure(cam.create_video_configuration(**cfg))
            if self.autofocus and "AfMode" in cam.camera_controls:
                cam.set_controls({"AfMode": AF_CONTINUOUS})
            cam.start()
        except Exception as exc:
            cam.close()
            raise CameraError(f"camera {self.name} cannot be started: {exc}") from exc
        self._cam, self._index, self._t0 = cam, 0, time.monotonic()

    def read(self) -> Frame:
        if self._cam is None:
            raise CameraError(f"camera {self.name} is not started")
        try:
            yuv = self._cam.capture_array("lores")
        except Exception as exc:
            raise CameraError(f"camera {self.name} stopped delivering frames: {exc}") from exc
        frame = Frame(image=lores_to_bgr(np.asarray(yuv, np.uint8)), index=self._index, t=time.monotonic() - self._t0)
        self._index += 1
        return frame

    def focus(self, region: Region | None) -> None:
        """Point continuous autofocus at the card (Camera Module 3); whole frame again with None."""
        if self._cam is None or not self.autofocus or "AfMode" not in self._cam.camera_controls:
            return
        if region is None:
            self._cam.set_controls({"AfMetering": 0})
            return
        crop = tuple(self._cam.camera_properties.get("ScalerCropMaximum", (0, 0, *self.still_size)))
        self._cam.set_controls({"AfMetering": AF_METERING_WINDOWS, "AfWindows": [af_window(region, crop)]})

    def still(self, region: Region | None = None) -> Image | None:
        """One full-resolution frame from ``main``, with exposure and gain held for it."""
        if self._cam is None:
            return None
        try:
            if self.lock_exposure:
                meta = self._cam.capture_metadata()
                self._cam.set_controls({"AeEnable": False, "ExposureTime": meta["ExposureTime"],
                                        "AnalogueGain": meta["AnalogueGain"]})
            request = self._cam.capture_request()
            try:
                image = np.array(request.make_array("main"), np.uint8)
            finally:
                request.release()
            if self.lock_exposure:
                self._cam.set_controls({"AeEnable": True})
        except Exception as exc:
            raise CameraError(f"camera {self.name} failed taking a still: {exc}") from exc
        return image[:, :, :3] if image.ndim == 3 else image

    def close(self) -> None:
        if self._cam is not None:
            try:
                self._cam.stop()
            finally:
                self._cam.close()
                self._cam = None
