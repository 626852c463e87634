"""The replay camera on files the generator wrote, and a camera that disappears and comes back."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from edge.camera.base import EndOfStream, iter_frames
from edge.camera.replay import ReplaySource
from edge.camera.resilient import Resilient
from edge.errors import CameraError
from edge.synth.dataset import sequence_item
from edge.synth.video import write_sequence


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rec") / "seq"
    write_sequence(sequence_item(5, 0, "hold", size=(320, 240), fps=15.0, seconds=2.0), out)
    return out


def test_folder_and_video_give_the_same_frames_at_the_recorded_fps(recording: Path) -> None:
    from_folder = list(iter_frames(ReplaySource(recording)))
    from_video = list(iter_frames(ReplaySource(recording / "video.avi")))
    assert len(from_folder) == len(from_video) == 30
    assert [f.t for f in from_folder] == pytest.approx([i / 15.0 for i in range(30)])
    assert from_folder[0].image.shape == (240, 320, 3)
    diff = np.abs(from_folder[10].image.astype(int) - from_video[10].image.astype(int)).mean()
    assert diff < 6  # two JPEG-family encodings of the same frame


def test_large_frames_are_shrunk_for_analysis_and_kept_at_full_size(recording: Path) -> None:
    frame = next(iter_frames(ReplaySource(recording, size=(160, 120))))
    assert frame.image.shape == (120, 160, 3)
    assert frame.full is not None and frame.full.shape == (240, 320, 3)


def test_realtime_replay_waits_for_each_frame(recording: Path) -> None:
    waits: list[float] = []
    src = ReplaySource(recording, realtime=True, sleep=waits.append)
    frames = list(iter_frames(src))
    assert len(frames) == 30
    # the sleep is not real, so each wait is the frame's time less the (short) time spent reading
    assert waits == sorted(waits) and len(waits) >= 28
    assert waits[-1] == pytest.approx(29 / 15.0, abs=0.3)


def test_missing_path_and_end_of_stream(tmp_path: Path, recording: Path) -> None:
    with pytest.raises(CameraError, match="does not exist"):
        ReplaySource(tmp_path / "nope").start()
    src = ReplaySource(recording / "frames")
    src.start()
    for _ in range(30):
        src.read()
    with pytest.raises(EndOfStream):
        src.read()


def test_a_camera_that_disappears_is_reopened_with_backoff_and_resumes(tmp_path: Path, recording: Path) -> None:
    folder = tmp_path / "cam"
    shutil.copytree(recording / "frames", folder)
    away = tmp_path / "unplugged"
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        if len(waits) == 4:  # plugged back in after a few attempts
            away.rename(folder)

    cam = Resilient(ReplaySource(folder), backoff_s=0.1, backoff_max_s=0.3, sleep=sleep)
    cam.start()
    got = [cam.read() for _ in range(5)]
    assert all(f is not None for f in got)
    folder.rename(away)  # the frame files vanish under the camera
    results = [cam.read() for _ in range(6)]
    assert results[:4] == [None] * 4  # the failing read, then three failed reopen attempts
    assert waits == [0.1, 0.2, 0.3, 0.3]  # doubling, capped
    resumed = [f for f in results if f is not None]
    assert resumed and resumed[0].index == 5  # continues after the last frame delivered
    assert cam.failures == 4 and cam.reopens == 1
    cam.close()
