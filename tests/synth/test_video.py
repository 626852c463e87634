"""Camera sequences: the held card ends still and acceptable, the others never are; files round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge.synth.types import CARD_H, CARD_W, CardFace, Sequence
from edge.synth.video import (
    ACCEPT_MAX_BLUR,
    ACCEPT_MIN_FILL,
    count_frames,
    make_sequence,
    read_truth,
    write_sequence,
)
from tests.synth.test_scene import correlation, real_face

SIZE = (320, 240)
FPS = 15.0


@pytest.fixture(scope="module")
def face() -> CardFace:
    return real_face("front", 2)


def tail_seconds(seq: Sequence) -> float:
    n = 0
    for t in reversed(seq.truth):
        if not t.acceptable:
            break
        n += 1
    return n / seq.fps


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_hold_comes_in_moving_and_ends_still(face: CardFace, seed: int) -> None:
    seq = make_sequence(face, np.random.default_rng(seed), "hold", SIZE, FPS, 4.0)
    assert len(seq.frames) == len(seq.truth) == 60
    assert seq.frames[0].shape == (240, 320, 3)
    assert tail_seconds(seq) >= 1.5
    assert not any(t.acceptable for t in seq.truth[:5])
    assert not seq.truth[0].fully_in_frame  # it comes in from outside the frame
    assert max(t.blur_px for t in seq.truth) > 3 * ACCEPT_MAX_BLUR  # and it moves fast on the way
    for t in seq.truth:
        if t.acceptable:
            assert t.fully_in_frame and t.fill >= ACCEPT_MIN_FILL and t.blur_px <= ACCEPT_MAX_BLUR
            assert t.corners is not None
    for t in seq.truth[-int(1.5 * FPS) :]:
        assert t.speed_px_s <= FPS  # hand tremor: at most ~1 px per frame


def test_held_frame_matches_its_corner_truth(face: CardFace) -> None:
    seq = make_sequence(face, np.random.default_rng(5), "hold", (640, 480), 30.0, 3.0)
    last = seq.truth[-1]
    assert last.corners is not None
    src = last.corners.astype(np.float32)
    dst = np.array([[-0.5, -0.5], [CARD_W - 0.5, -0.5], [CARD_W - 0.5, CARD_H - 0.5], [-0.5, CARD_H - 0.5]])
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    flat = np.asarray(cv2.warpPerspective(seq.frames[-1], m, (CARD_W, CARD_H)), np.uint8)
    assert correlation(flat, face.image) > 0.6
    off = cv2.getPerspectiveTransform(src + 8, dst.astype(np.float32))
    wrong = np.asarray(cv2.warpPerspective(seq.frames[-1], off, (CARD_W, CARD_H)), np.uint8)
    assert correlation(wrong, face.image) < correlation(flat, face.image)


def test_no_card_never_shows_a_card() -> None:
    for seed in range(3):
        seq = make_sequence(None, np.random.default_rng(seed), "no_card", SIZE, FPS, 2.0)
        assert len(seq.frames) == 30
        assert all(t.corners is None and not t.card_visible and not t.acceptable for t in seq.truth)
        assert seq.face is None


def test_never_still_is_never_acceptable(face: CardFace) -> None:
    for seed in range(3):
        seq = make_sequence(face, np.random.default_rng(seed), "never_still", SIZE, FPS, 3.0)
        assert not any(t.acceptable for t in seq.truth)
        assert all(t.blur_px > ACCEPT_MAX_BLUR for t in seq.truth)
        assert sum(t.card_visible for t in seq.truth) > len(seq.truth) // 2


def test_card_kinds_need_a_face() -> None:
    with pytest.raises(ValueError):
        make_sequence(None, np.random.default_rng(0), "hold")


def test_same_seed_same_frames(face: CardFace) -> None:
    a = make_sequence(face, np.random.default_rng(3), "hold", SIZE, FPS, 2.0)
    b = make_sequence(face, np.random.default_rng(3), "hold", SIZE, FPS, 2.0)
    c = make_sequence(face, np.random.default_rng(4), "hold", SIZE, FPS, 2.0)
    assert all(x.tobytes() == y.tobytes() for x, y in zip(a.frames, b.frames, strict=True))
    assert a.frames[-1].tobytes() != c.frames[-1].tobytes()


def test_write_sequence_round_trips(face: CardFace, tmp_path: Path) -> None:
    seq = make_sequence(face, np.random.default_rng(1), "hold", SIZE, FPS, 2.0)
    write_sequence(seq, tmp_path)
    frames = sorted((tmp_path / "frames").glob("*.jpg"))
    assert [p.name for p in frames[:2]] == ["000000.jpg", "000001.jpg"] and len(frames) == 30
    first = cv2.imread(str(frames[0]))
    assert first is not None and first.shape == (240, 320, 3)
    doc = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert doc["kind"] == "hold" and doc["fps"] == FPS and doc["size"] == [320, 240]
    video = tmp_path / doc["video"]
    assert doc["video"] == "video.avi" and doc["fourcc"] == "MJPG"
    assert count_frames(video) == 30
    cap = cv2.VideoCapture(str(video))
    ok, frame = cap.read()
    cap.release()
    assert ok and frame.shape == (240, 320, 3)
    assert float(np.abs(frame.astype(int) - seq.frames[0].astype(int)).mean()) < 6  # the same picture
    back = read_truth(tmp_path)
    assert len(back) == len(seq.truth)
    for got, want in zip(back, seq.truth, strict=True):
        assert (got.index, got.card_visible, got.fully_in_frame, got.acceptable) == (
            want.index,
            want.card_visible,
            want.fully_in_frame,
            want.acceptable,
        )
        assert got.t == pytest.approx(want.t, abs=1e-4) and got.fill == pytest.approx(want.fill, abs=1e-4)
        assert got.speed_px_s == pytest.approx(want.speed_px_s, abs=0.01)
        assert got.blur_px == pytest.approx(want.blur_px, abs=1e-3)
        if want.corners is None:
            assert got.corners is None
        else:
            assert got.corners is not None and np.abs(got.corners - want.corners).max() <= 0.005 + 1e-9


def test_write_only_what_is_asked(face: CardFace, tmp_path: Path) -> None:
    seq = make_sequence(face, np.random.default_rng(1), "hold", SIZE, FPS, 1.0)
    write_sequence(seq, tmp_path, video=False, frames=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["truth.json"]
