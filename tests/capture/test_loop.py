"""The camera loop end to end on generated recordings: a sequence in, one capture at an acceptable frame, fields out."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from edge.camera.base import Frame
from edge.camera.replay import ReplaySource
from edge.capture.loop import run
from edge.capture.thresholds import Thresholds, default_path, load_thresholds
from edge.capture.trigger import State, Trigger
from edge.config import OcrConfig
from edge.document.pipeline import Pipeline
from edge.errors import CameraError
from edge.synth.dataset import sequence_item
from edge.synth.types import Sequence
from edge.synth.video import read_truth, write_sequence

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hold_hd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Sequence]:
    """A front held still, at a size the reader can read (1280x720, 15 fps, 3 s), written as files."""
    seq = sequence_item(3, 0, "hold", size=(1280, 720), fps=15.0, seconds=3.0)
    out = tmp_path_factory.mktemp("hold") / "seq"
    write_sequence(seq, out, video=False)
    return out, seq


def test_shipped_thresholds_equal_the_built_in_defaults() -> None:
    assert load_thresholds(default_path()) == Thresholds()
    doc = json.loads(default_path().read_text(encoding="utf-8"))
    assert doc["provenance"]["command"].startswith("edge calibrate capture")


def test_replay_in_one_capture_at_an_acceptable_frame_fields_out(hold_hd: tuple[Path, Sequence]) -> None:
    folder, seq = hold_hd
    truth = read_truth(folder)
    pipeline = Pipeline.load(OcrConfig())
    outcome = run(ReplaySource(folder), Trigger(sides=1), reader=pipeline.scan_side)
    assert outcome.state is State.DONE and len(outcome.taken) == 1
    taken = outcome.taken[0]
    assert truth[taken.capture.best.frame.index].acceptable
    assert taken.image.shape == (720, 1280, 3) and taken.source == "frame"  # the best frame at full size
    assert seq.face is not None
    envelope = pipeline.scan([taken.image]).envelope
    assert envelope.ok and envelope.data[0].type.value == seq.face.type
    assert envelope.data[0].info["plate"].text.replace(" ", "") == seq.face.info()["plate"].replace(" ", "")


def test_no_capture_without_a_card_or_when_it_never_holds_still() -> None:
    for kind in ("no_card", "never_still"):
        seq = sequence_item(8, 1, kind, size=(320, 240), fps=15.0, seconds=2.0)
        outcome = run(ReplaySource(frames=seq.frames, fps=seq.fps), Trigger(sides=1))
        assert outcome.taken == [] and outcome.frames == 30, kind


def test_the_same_side_is_never_captured_twice() -> None:
    seq = sequence_item(3, 2, "hold", size=(640, 480), fps=15.0, seconds=2.5)
    frames = seq.frames + seq.frames  # the same face shown again after the first capture
    outcome = run(ReplaySource(frames=frames, fps=seq.fps), Trigger(sides=2, timeout_s=0))
    assert len(outcome.taken) == 1 and outcome.state is not State.DONE


class Flaky(ReplaySource):
    """Fault injector: reads 10 to 14 fail as an unplugged camera's would."""

    failed: dict[int, bool]

    def read(self) -> Frame:
        if 10 <= self._next < 15 and not self.failed.get(self._next):
            self.failed[self._next] = True
            raise CameraError("injected failure")
        return super().read()


def test_camera_failures_are_survived_and_the_card_still_captured() -> None:
    seq = sequence_item(3, 2, "hold", size=(640, 480), fps=15.0, seconds=2.5)
    cam = Flaky(frames=seq.frames, fps=seq.fps)
    cam.failed = {}
    outcome = run(cam, Trigger(sides=1), sleep=lambda s: None)
    assert outcome.camera_failures == 5 and len(outcome.taken) == 1
    assert seq.truth[outcome.taken[0].capture.best.frame.index].acceptable


def test_timeout_ends_the_wait() -> None:
    seq = sequence_item(8, 1, "no_card", size=(320, 240), fps=15.0, seconds=2.0)
    outcome = run(ReplaySource(frames=seq.frames, fps=seq.fps), Trigger(sides=1, timeout_s=1.0))
    assert outcome.state is State.TIMEOUT and outcome.frames == 17  # t = 0 .. 16/15 s


def test_edge_capture_command_prints_the_capture(hold_hd: tuple[Path, Sequence], tmp_path: Path) -> None:
    folder, _ = hold_hd
    result = subprocess.run([sys.executable, "-m", "edge", "capture", "--camera", f"replay:{folder}", "--fast",
                             "--sides", "1", "--json", "--no-read", "--save", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout.splitlines()[0])
    assert line["event"] == "capture" and line["side"] == 1 and line["size"] == [1280, 720]
    assert read_truth(folder)[line["frame"]].acceptable
    assert set(asdict(Thresholds())) and line["measures"]["motion_px"] <= Thresholds().max_motion_px
    assert (tmp_path / "side1.jpg").is_file()
