"""One real ``edge serve`` and one loopback image host for the whole end-to-end session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import pytest

from edge.server.bench import sample_images
from edge.server.launch import ImageHost, ServerProcess

SLOW_S = 5.0  # the slow URL waits longer than the server's fetch timeout


@dataclass(frozen=True)
class Photos:
    front: bytes
    back: bytes
    no_card: bytes


@pytest.fixture(scope="session")
def photos() -> Photos:
    front, back = sample_images()
    rng = np.random.default_rng(3)
    noise = cv2.GaussianBlur(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8), (9, 9), 0)
    return Photos(front, back, cv2.imencode(".jpg", noise)[1].tobytes())


@pytest.fixture(scope="session")
def image_host(photos: Photos) -> Iterator[ImageHost]:
    files = {"/front.jpg": photos.front, "/back.jpg": photos.back, "/slow.jpg": photos.front}
    redirects = {"/to-metadata": "http://169.254.169.254/latest/meta-data/", "/to-front": "/front.jpg"}
    with ImageHost(files, slow={"/slow.jpg": SLOW_S}, redirects=redirects) as host:
        yield host


@pytest.fixture(scope="session")
def server() -> Iterator[ServerProcess]:
    """Image URLs may reach this machine only by the name ``localhost`` (the operator allow-list)."""
    settings = {"fetch_allow": ["localhost"], "fetch_timeout_s": 1.5, "max_body_mb": 8.0, "inference_threads": 2,
                "body_timeout_s": 1.0}
    with ServerProcess(settings) as proc:
        yield proc
