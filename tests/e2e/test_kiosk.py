"""``edge kiosk`` end to end: a real process on a replay camera, driven through its page in headless Chromium.

The page shows guidance, then the front and back results; a field is corrected by touch and confirmed;
the webhook receiver on loopback gets the confirmed scan, signed, once.  The result screen is saved
as ``out/artifacts/kiosk_result.png``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from edge.server.launch import free_port
from tests.store.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "out" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SECRET = "e2e-secret"
FIXED = "29A-999.99"

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver(secret=SECRET) as rx:
        yield rx


@pytest.fixture
def kiosk(tmp_path: Path, receiver: Receiver) -> Iterator[tuple[str, Path]]:
    port = free_port()
    config = tmp_path / "edge.toml"
    config.write_text(f"""
[camera]
source = "sample"
replay_realtime = true
[capture]
timeout_s = 60.0
[kiosk]
port = {port}
watchdog = false
[store]
path = "{tmp_path / 'edge.db'}"
[webhook]
url = "{receiver.url}"
secret = "{SECRET}"
backoff_s = 0.2
[fallback]
mode = "off"
""", encoding="utf-8")
    log = tmp_path / "kiosk.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "edge", "--config", str(config), "kiosk"], stdout=out,
                                stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(30)


def test_guidance_review_correct_confirm_and_hand_off(tmp_path: Path, kiosk: tuple[str, Path],
                                                      receiver: Receiver) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, log = kiosk
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                        headless=True, args=ARGS,
                                                        viewport={"width": 1024, "height": 1280})
        page = browser.new_page()
        page.goto(base + "/")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator("#guidance")).not_to_be_empty(timeout=30_000)
        vi_title = page.locator("#title").inner_text()
        page.locator("#lang").click()
        expect(page.locator("#title")).to_have_text("Scan a vehicle registration")
        expect(page.locator("#step")).to_contain_text("Step")
        page.locator("#lang").click()
        expect(page.locator("#title")).to_have_text(vi_title)

        expect(page.locator("#review")).to_be_visible(timeout=60_000)
        expect(page.locator('.side[data-side="front"]')).to_be_visible()
        expect(page.locator('.side[data-side="back"]')).to_be_visible()
        plate = page.locator('input[data-field="front.plate"]')
        read_plate = plate.input_value()
        assert read_plate and page.locator('input[data-field="back.engine"]').input_value()
        plate.click()
        plate.fill(FIXED)
        expect(page.locator(".field.edited")).to_have_count(1)
        box = page.locator("#confirm").bounding_box()
        assert box is not None and box["height"] >= 60  # a touch target
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "kiosk_result.png"), full_page=True)
        page.locator("#confirm").click()
        expect(page.locator("#done")).to_be_visible(timeout=10_000)
        browser.close()

    deadline = time.monotonic() + 15
    while not receiver.applied and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(receiver.applied) == 1 and receiver.bad_signatures == 0
    sent = receiver.applied[0]
    assert sent["event"] == "scan.confirmed" and sent["sources"]["front"]["plate"] == "operator"
    front = next(d for d in sent["result"]["data"] if d["type"] == "vehicle_registration_front")
    assert front["info"]["plate"] == FIXED
    assert len(sent["result"]["data"]) == 2

    status = httpx.get(base + "/api/status", timeout=5).json()
    assert status["sessions_confirmed"] == 1 and status["alive"]
    assert status["latency_s"]["median"] <= 1.5
    assert status["queue"]["lanes"]["handoff"]["done"] == 1
    assert read_plate not in httpx.get(base + "/api/status", timeout=5).text
    name = front["info"]["name"]
    assert read_plate not in log.read_text() and (not name or name not in log.read_text())  # no personal data logged
    print(f"kiosk e2e: held still -> result on screen {status['latency_s']['median']:.3f} s")
