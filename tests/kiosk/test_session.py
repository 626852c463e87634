"""The kiosk session loop in-process on a replay camera: the flow, latency, walk-away, fallback and hand-off."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edge.camera.base import Image
from edge.camera.registry import sample_frames
from edge.camera.replay import ReplaySource
from edge.capture.thresholds import load_thresholds
from edge.cloud.fallback import Fallback
from edge.config import Config
from edge.document.pipeline import Pipeline
from edge.kiosk.session import Kiosk
from edge.store.outbox import Store
from edge.store.sync import Sync
from tests.kiosk.faults import Hang
from tests.store.receiver import Receiver

TARGET_S = 1.5


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.load(Config().ocr)


@pytest.fixture(scope="module")
def frames() -> list[Image]:
    return sample_frames((960, 540))


def _config(**sections: dict[str, Any]) -> Config:
    base: dict[str, dict[str, Any]] = {"capture": {"timeout_s": 20.0}, "fallback": {"mode": "off"},
                                       "kiosk": {"review_timeout_s": 30.0}}
    for name, values in sections.items():
        base[name] = {**base.get(name, {}), **values}
    return Config.model_validate(base)


def _kiosk(cfg: Config, frames: list[Image], pipeline: Pipeline, store: Store, loop: bool = True) -> Kiosk:
    camera = ReplaySource(frames=frames, fps=15.0, loop=loop, size=(640, 480))
    return Kiosk(cfg, camera, pipeline, Fallback(cfg.fallback, cfg.cloud), store, load_thresholds())


def _wait(kiosk: Kiosk, ok: Callable[[dict[str, Any]], bool], timeout_s: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        view = kiosk.view()
        if ok(view):
            return view
        time.sleep(0.02)
    raise AssertionError(f"kiosk stuck in {kiosk.view()['phase']} ({kiosk.view()['hint']})")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "edge.db") as s:
        yield s


def test_sessions_read_both_sides_and_hand_off_confirmed_scans(frames: list[Image], pipeline: Pipeline,
                                                                store: Store) -> None:
    kiosk = _kiosk(_config(), frames, pipeline, store)
    kiosk.start()
    try:
        seen: list[str] = []
        for n in range(3):
            seen.append(_wait(kiosk, lambda v: v["phase"] == "capturing")["message"]["vi"])
            view = _wait(kiosk, lambda v: v["phase"] == "review")
            sides = {s["type"]: {f["name"]: f for f in s["fields"]} for s in view["result"]["sides"]}
            assert set(sides) == {"front", "back"} and sides["front"]["plate"]["text"]
            assert view["fallback"]["outcome"] == "off"
            assert kiosk.confirm({"front": {"plate": f"29A-999.9{n}"}})
            _wait(kiosk, lambda v: v["phase"] == "done")
    finally:
        kiosk.stop()
    assert seen[0]
    median = statistics.median(kiosk.latencies)
    print(f"card held still (second side) -> result on screen: median {median:.3f} s over {len(kiosk.latencies)}")
    assert median <= TARGET_S
    confirmed = [s for s in store.scans() if s.status == "confirmed"]
    assert len(confirmed) == 3 and len(store.images(confirmed[0].id)) == 2
    assert confirmed[2].envelope is not None
    plate = confirmed[2].envelope.data[0].info["plate"]
    assert plate.text == "29A-999.92" and plate.source == "operator"
    with Receiver(secret="k") as rx:
        from edge.config import WebhookConfig

        Sync(store, WebhookConfig(url=rx.url, secret="k")).drain()
        assert [p["scan_id"] for p in rx.applied] == [s.id for s in confirmed]
        assert rx.applied[2]["sources"]["front"]["plate"] == "operator"


def test_walk_away_clears_the_result_and_an_empty_scene_pauses_the_camera(frames: list[Image], pipeline: Pipeline,
                                                                          store: Store) -> None:
    kiosk = _kiosk(_config(kiosk={"review_timeout_s": 0.5}), frames, pipeline, store)
    kiosk.start()
    try:
        _wait(kiosk, lambda v: v["phase"] == "review")
        view = _wait(kiosk, lambda v: v["phase"] == "capturing" and v["notice"] == "expired")
        assert view["result"] is None
    finally:
        kiosk.stop()
    assert [s.status for s in store.scans()] == ["cancelled"]
    wall = [np.full((540, 960, 3), 90, np.uint8)] * 30
    idle = _kiosk(_config(capture={"timeout_s": 0.5}), wall, pipeline, store)
    idle.start()
    try:
        view = _wait(idle, lambda v: v["phase"] == "paused")
        assert view["notice"] == "timeout" and idle.preview() is None
        idle.begin()  # a tap: a new session starts (it may time out again at once on the wall)
        _wait(idle, lambda v: v["session"] > view["session"])
    finally:
        idle.stop()


def test_a_hanging_cloud_shows_the_local_result_in_time_and_queues_a_verification(
        frames: list[Image], pipeline: Pipeline, store: Store) -> None:
    with Hang() as hang:
        cfg = _config(fallback={"mode": "always", "timeout_s": 1.0}, store={"keep_images": False},
                      cloud={"base_url": hang.url, "api_key": "k", "api_secret": "s"})
        kiosk = _kiosk(cfg, frames, pipeline, store)
        kiosk.start()
        try:
            view = _wait(kiosk, lambda v: v["phase"] == "review")
        finally:
            kiosk.stop()
    assert view["fallback"]["outcome"] == "timeout"
    assert view["latency_s"] < 1.0 + TARGET_S
    assert [j.scan_id for j in store.jobs("verify")] == [view["scan_id"]]
    assert len(store.images(view["scan_id"])) == 2  # kept for the verification although keep_images is off


def test_a_scan_read_before_a_restart_comes_back_for_review(frames: list[Image], pipeline: Pipeline,
                                                            store: Store) -> None:
    from edge.schema import Envelope, SideResult, SideType

    env = Envelope.success([SideResult.from_texts(SideType.FRONT, {"plate": "29A-123.45"}, 0.9)])
    scan_id = store.add_scan(env, [b"\xff\xd8"], fallback="timeout")  # the process died on the result screen
    wall = [np.full((540, 960, 3), 90, np.uint8)] * 30
    kiosk = _kiosk(_config(), wall, pipeline, store)
    kiosk.start()
    try:
        view = _wait(kiosk, lambda v: v["phase"] == "review")
        assert view["scan_id"] == scan_id and view["notice"] == "resumed"
        assert kiosk.confirm({})
        _wait(kiosk, lambda v: v["phase"] != "review")
    finally:
        kiosk.stop()
    scan = store.scan(scan_id)
    assert scan is not None and scan.status == "confirmed"
    assert [j.scan_id for j in store.jobs("handoff")] == [scan_id]
