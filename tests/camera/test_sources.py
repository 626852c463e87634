"""picamera2 and GStreamer sources as far as this machine allows: configuration, lazy import, clear errors."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from edge.camera.opencv import OpenCVSource, has_gstreamer, jetson_pipeline, with_appsink
from edge.camera.picam import PicameraSource, af_window, lores_to_bgr, stream_config
from edge.camera.registry import open_camera
from edge.camera.replay import ReplaySource
from edge.config import CameraConfig
from edge.errors import CameraError


def test_picamera2_is_not_imported_with_the_package() -> None:
    import edge.camera.picam
    import edge.capture.loop  # noqa: F401

    assert "picamera2" not in sys.modules


@pytest.mark.skipif(importlib.util.find_spec("picamera2") is not None, reason="picamera2 is installed here")
def test_missing_picamera2_gives_a_clear_message() -> None:
    with pytest.raises(CameraError, match=r"picamera2 is not installed.*python3-picamera2"):
        PicameraSource().start()


def test_picamera2_configuration_has_a_lores_analysis_stream_and_a_main_still() -> None:
    cfg = stream_config((641, 481), (2304, 1296), 30.0, hflip=True)
    assert cfg["main"] == {"size": (2304, 1296), "format": "RGB888"}
    assert cfg["lores"] == {"size": (640, 480), "format": "YUV420"}
    assert cfg["controls"]["FrameDurationLimits"] == (33333, 33333)
    assert cfg["transform"] == {"hflip": True, "vflip": False}
    with pytest.raises(CameraError, match="larger than the still"):
        stream_config((1920, 1080), (1280, 720), 30.0)


def test_autofocus_window_maps_the_card_into_sensor_coordinates() -> None:
    assert af_window((0.25, 0.5, 0.5, 0.25), (16, 0, 4608, 2592)) == (1168, 1296, 2304, 648)


def test_lores_yuv_converts_to_bgr() -> None:
    yuv = np.full((480 * 3 // 2, 640), 128, np.uint8)
    yuv[:480] = 200
    bgr = lores_to_bgr(yuv)
    assert bgr.shape == (480, 640, 3)
    px = bgr[10, 10].astype(int)
    assert px.max() - px.min() <= 2 and 200 <= px[1] <= 220  # neutral chroma: grey; video-range luma 200


def test_gstreamer_pipelines_end_in_an_appsink() -> None:
    jetson = jetson_pipeline(1, 1920, 1080, 30.0)
    assert jetson.startswith("nvarguscamerasrc sensor-id=1 ! video/x-raw(memory:NVMM),width=1920,height=1080,")
    assert "framerate=30/1" in jetson and jetson.endswith("appsink drop=true max-buffers=1 sync=false")
    assert with_appsink("v4l2src device=/dev/video1 ! ") == (
        "v4l2src device=/dev/video1 ! videoconvert ! video/x-raw,format=BGR ! "
        "appsink drop=true max-buffers=1 sync=false")
    assert with_appsink("videotestsrc ! appsink") == "videotestsrc ! appsink"
    with pytest.raises(CameraError, match="empty"):
        with_appsink(" ! ")


@pytest.mark.skipif(has_gstreamer(), reason="this OpenCV has GStreamer")
def test_gstreamer_without_support_in_opencv_says_so() -> None:
    with pytest.raises(CameraError, match="no GStreamer support"):
        OpenCVSource("videotestsrc", "gstreamer").start()


def test_missing_v4l2_device_is_a_camera_error() -> None:
    with pytest.raises(CameraError, match="does not exist"):
        OpenCVSource("/dev/video-not-here").start()


def test_camera_specs() -> None:
    cfg = CameraConfig()
    assert open_camera("v4l2:2", cfg).name == "v4l2:2"
    assert open_camera("v4l2:/dev/video3", cfg).name == "v4l2:/dev/video3"
    assert open_camera("picamera2:1", cfg).name == "picamera2:1"
    jetson = open_camera("jetson:1", cfg)
    assert isinstance(jetson, OpenCVSource) and "sensor-id=1" in str(jetson.target)
    assert isinstance(open_camera("replay:/tmp/x.avi", cfg), ReplaySource)
    for bad in ("webcam", "v4l2:", "picamera2:x", "replay:"):
        with pytest.raises(CameraError):
            open_camera(bad, cfg)
