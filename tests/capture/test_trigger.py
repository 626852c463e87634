"""Guidance while waiting, in Vietnamese and English, from real analysed frames."""

from __future__ import annotations

from edge.camera.base import iter_frames
from edge.camera.replay import ReplaySource
from edge.capture.analyze import Analyzer
from edge.capture.guidance import MESSAGES
from edge.capture.trigger import State, Trigger
from edge.synth.dataset import sequence_item


def _hints(kind: str, language: str) -> list[str]:
    seq = sequence_item(8, 4, kind, size=(320, 240), fps=15.0, seconds=2.0)  # type: ignore[arg-type]
    analyze, trigger = Analyzer(), Trigger(sides=1, language=language)  # type: ignore[arg-type]
    return [trigger.update(analyze(f)).message for f in iter_frames(ReplaySource(frames=seq.frames, fps=seq.fps))]


def test_guidance_says_hold_still_to_a_moving_card_and_show_the_card_to_an_empty_view() -> None:
    assert MESSAGES["hold_still"][0] in _hints("never_still", "vi")
    assert set(_hints("no_card", "en")) == {"Show the card to the camera"}


def test_capture_ends_a_one_side_flow_and_a_two_side_flow_asks_to_turn_the_card() -> None:
    seq = sequence_item(3, 2, "hold", size=(640, 480), fps=15.0, seconds=2.5)
    analyze, trigger = Analyzer(), Trigger(sides=2)
    decisions = [trigger.update(analyze(f)) for f in iter_frames(ReplaySource(frames=seq.frames, fps=seq.fps))]
    fired = [d for d in decisions if d.capture is not None]
    assert len(fired) == 1 and fired[0].message == "Lật mặt sau"
    after = decisions[decisions.index(fired[0]) + 1:]
    assert after and all(d.capture is None and d.hint == "flip" for d in after if d.state is not State.SEARCHING)
