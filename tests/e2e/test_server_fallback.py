"""``edge serve`` asking the cloud API about what it is unsure of: a real second server as the
cloud, and a loopback cloud that never answers (the kiosk tests' fault injector)."""

from __future__ import annotations

import time

import httpx

from edge.config import toml_value
from edge.server.launch import ServerProcess
from tests.e2e.conftest import Photos
from tests.kiosk.faults import Hang

BOTH = "/api/v2/ocr/vehicle_registrations"


def _cloud_toml(base_url: str, key: str, secret: str, mode: str, timeout_s: float) -> str:
    return "\n".join(["[cloud]", f"base_url = {toml_value(base_url)}", f"api_key = {toml_value(key)}",
                      f"api_secret = {toml_value(secret)}", "retries = 0", "[fallback]",
                      f"mode = {toml_value(mode)}", f"timeout_s = {timeout_s}"])


def _scan(gate: ServerProcess, photos: Photos) -> tuple[httpx.Response, str, float]:
    with httpx.Client(base_url=gate.base, timeout=60) as c:
        t0 = time.monotonic()
        answer = c.post(BOTH, params={"format_type": "file"}, auth=gate.auth,
                        files={"img1": ("f.jpg", photos.front), "img2": ("b.jpg", photos.back)})
        took = time.monotonic() - t0
        return answer, c.get("/metrics").text, took


def test_the_server_merges_the_cloud_answer_and_counts_it(server: ServerProcess, photos: Photos) -> None:
    toml = _cloud_toml(server.api, server.key, server.secret, "always", 20.0)
    with ServerProcess({"inference_threads": 1}, extra_toml=toml) as gate:
        answer, metrics, _ = _scan(gate, photos)
    body = answer.json()
    assert answer.status_code == 200 and body["errorCode"] == "0"
    assert [d["type"] for d in body["data"]] == ["vehicle_registration_front", "vehicle_registration_back"]
    assert body["data"][1]["info"]["plate"]
    assert 'edge_cloud_fallbacks_total{outcome="merged"} 1.0' in metrics


def test_a_hanging_cloud_costs_at_most_the_fallback_timeout(photos: Photos) -> None:
    with Hang() as cloud:
        toml = _cloud_toml(cloud.url, "k", "s", "always", 1.0)
        with ServerProcess({"inference_threads": 1}, extra_toml=toml) as gate:
            answer, metrics, took = _scan(gate, photos)
    assert answer.status_code == 200 and answer.json()["errorCode"] == "0"  # the local result, kept
    assert took < 5.0
    assert 'edge_cloud_fallbacks_total{outcome="timeout"} 1.0' in metrics
