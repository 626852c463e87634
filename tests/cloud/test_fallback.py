"""The fallback policy and merge, against a real ``edge serve`` as the cloud and loopback fault injectors."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge.cloud.fallback import REQUIRED, Fallback, FieldThresholds, load_thresholds, merge, unsure
from edge.config import CloudConfig, Config, FallbackConfig, WebhookConfig
from edge.document.pipeline import Pipeline
from edge.schema import Envelope, ErrorCode, FieldValue, SideResult, SideType
from edge.server.bench import sample_images
from edge.server.launch import ServerProcess
from edge.store.outbox import Store
from edge.store.sync import Sync
from edge.store.verify import make_verifier
from tests.kiosk.faults import Failing, Hang

TH = FieldThresholds({"plate": 0.8}, default=0.5)


@pytest.fixture(scope="module")
def cloud() -> Iterator[ServerProcess]:
    with ServerProcess({"inference_threads": 2}) as proc:
        yield proc


@pytest.fixture(scope="module")
def photos() -> tuple[bytes, bytes]:
    return sample_images()


@pytest.fixture(scope="module")
def local(photos: tuple[bytes, bytes]) -> Envelope:
    pipeline = Pipeline.load(Config().ocr)
    images = [np.asarray(cv2.imdecode(np.frombuffer(p, np.uint8), cv2.IMREAD_COLOR), np.uint8) for p in photos]
    env = pipeline.scan(images).envelope
    assert env.ok and len(env.data) == 2
    return env


def _lowered(env: Envelope, name: str, text: str, conf: float) -> Envelope:
    """The local result with one field misread at low confidence (what a smudged card gives)."""
    sides = []
    for side in env.data:
        info = dict(side.info)
        if name in info:
            info[name] = FieldValue(text=text, confidence=conf)
        sides.append(SideResult(type=side.type, info=info))
    return Envelope.success(sides)


def _fallback(url: str, key: str = "k", secret: str = "s", timeout_s: float = 1.5) -> Fallback:
    return Fallback(FallbackConfig(timeout_s=timeout_s), CloudConfig(base_url=url, api_key=key, api_secret=secret),
                    TH)


def test_unsure_lists_fields_below_threshold_and_missing_sides() -> None:
    front = SideResult(type=SideType.FRONT, info={"plate": FieldValue(text="29A-123.45", confidence=0.79),
                                                  "name": FieldValue(text="AN", confidence=0.6)})
    doubts = unsure(Envelope.success([front]), 2, TH)
    assert "front.plate" in doubts and "front.name" not in doubts and "back" in doubts
    assert "front.id" in doubts  # required and absent
    lenient = FieldThresholds({"plate": 0.8}, default=0.0)
    one = unsure(Envelope.success([front]), 1, lenient)
    assert "front.plate" in one and "back" not in one and "front.name" not in one
    assert unsure(Envelope.error(ErrorCode.NO_CONTENT), 2, TH) == ["card"]


def test_merge_keeps_accepted_and_operator_fields_and_records_sources() -> None:
    local = Envelope.success([SideResult(type=SideType.FRONT, info={
        "plate": FieldValue(text="29A-123.46", confidence=0.4),
        "name": FieldValue(text="NGUYỄN VĂN AN", confidence=0.9),
        "id": FieldValue(text="0123", confidence=0.1, source="operator")})])
    cloud = Envelope.success([
        SideResult(type=SideType.FRONT, info={"plate": FieldValue(text="29A-123.45", confidence=0.95, source="cloud"),
                                              "name": FieldValue(text="NGUYEN VAN AN", confidence=0.99),
                                              "id": FieldValue(text="9999", confidence=0.99)}),
        SideResult(type=SideType.BACK, info={"engine": FieldValue(text="JC52E-1234567", source="cloud")})])
    out = merge(local, cloud, TH)
    front = out.side(SideType.FRONT)
    assert front is not None and front.info["plate"].text == "29A-123.45" and front.info["plate"].source == "cloud"
    assert front.info["name"].text == "NGUYỄN VĂN AN" and front.info["name"].source == "edge"
    assert front.info["id"].text == "0123" and front.info["id"].source == "operator"
    assert [s.type for s in out.data] == [SideType.FRONT, SideType.BACK]
    surer_local = _lowered(local, "plate", "29A-123.46", 0.7)
    assert merge(surer_local, Envelope.success([SideResult(type=SideType.FRONT, info={
        "plate": FieldValue(text="X", confidence=0.2)})]), TH).data[0].info["plate"].text == "29A-123.46"


def test_shipped_thresholds_load() -> None:
    th = load_thresholds()
    assert {"plate", "name", "engine", "chassis"} <= set(th.fields)
    assert all(0.0 < v <= 1.01 for v in th.fields.values())


def test_a_misread_field_is_fixed_by_the_cloud(cloud: ServerProcess, local: Envelope,
                                               photos: tuple[bytes, bytes]) -> None:
    truth = local.data[0].info["plate"].text
    bad = _lowered(local, "plate", truth[:-1] + "0" if not truth.endswith("0") else truth[:-1] + "1", 0.2)
    fb = _fallback(cloud.api, cloud.key, cloud.secret, timeout_s=20.0)
    res = fb.resolve(bad, list(photos), 2)
    fb.close()
    assert res.outcome == "merged" and "front.plate" in res.unsure
    plate = res.envelope.data[0].info["plate"]
    assert plate.text == truth and plate.source == "cloud"
    assert not res.verify_later


@pytest.mark.parametrize("fault", ["hang", "500", "refused"])
def test_a_broken_cloud_never_holds_the_result_past_the_timeout(fault: str, local: Envelope,
                                                                 photos: tuple[bytes, bytes]) -> None:
    bad = _lowered(local, "plate", "29A-000.00", 0.2)
    with Hang() as hang, Failing() as failing:
        url = {"hang": hang.url, "500": failing.url, "refused": "http://127.0.0.1:9/api/v2/ocr/"}[fault]
        fb = _fallback(url, timeout_s=1.0)
        t0 = time.monotonic()
        res = fb.resolve(bad, list(photos), 2)
        took = time.monotonic() - t0
        fb.close()
    assert took < 1.5, f"the kiosk waited {took:.2f} s"
    assert res.envelope is bad and res.verify_later
    assert res.outcome == ("timeout" if fault == "hang" else "unavailable")


def test_off_and_not_needed_skip_the_cloud(local: Envelope, photos: tuple[bytes, bytes]) -> None:
    off = Fallback(FallbackConfig(mode="off"), CloudConfig(api_key="k"), TH)
    assert off.resolve(local, list(photos), 2).outcome == "off"
    sure = Fallback(FallbackConfig(), CloudConfig(base_url="http://127.0.0.1:9/", api_key="k"),
                    FieldThresholds(default=0.0))
    complete = Envelope.success([SideResult.from_texts(t, {f: "x" for f in fields}, 0.5)
                                 for t, fields in REQUIRED.items()])
    assert sure.resolve(complete, list(photos), 2).outcome == "not_needed"
    assert sure.resolve(local, list(photos), 2).outcome == "not_needed"  # the sample cards read in full
    blank = _lowered(local, "plate", "", 0.0)
    assert sure.resolve(blank, list(photos)[:1], 2).outcome == "unavailable"  # an empty required field: asked


def test_a_queued_verification_is_merged_once_the_cloud_is_back(tmp_path: Path, cloud: ServerProcess,
                                                                local: Envelope, photos: tuple[bytes, bytes]) -> None:
    truth = local.data[1].info["engine"].text
    bad = _lowered(local, "engine", "X" + truth[1:], 0.1)
    with Store.open(tmp_path / "e.db") as store:
        scan_id = store.add_scan(bad, list(photos), fallback="timeout", verify=True)
        hook = WebhookConfig(backoff_s=0.05, backoff_max_s=0.1)
        down = Sync(store, hook, make_verifier(store, _fallback("http://127.0.0.1:9/api/v2/ocr/")))
        assert down.drain() == 0 and store.jobs("verify")[0].attempts == 1
        time.sleep(0.12)
        up = Sync(store, hook, make_verifier(store, _fallback(cloud.api, cloud.key, cloud.secret, 20.0)))
        assert up.drain() == 1
        scan = store.scan(scan_id)
        assert scan is not None and scan.envelope is not None and scan.fallback == "verified"
        engine = scan.envelope.data[1].info["engine"]
        assert engine.text == truth and engine.source == "cloud"
        assert not store.jobs("verify")
