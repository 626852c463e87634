"""Quota, back-pressure and graceful shutdown, each on a real server configured for it."""

from __future__ import annotations

import concurrent.futures
import signal
import time

import httpx

from edge.server.launch import ImageHost, ServerProcess
from tests.e2e.conftest import Photos


def test_quota_exhausted_is_4_with_429() -> None:
    with ServerProcess({"quota": 3, "quota_window_s": 3600}) as server, \
            httpx.Client(base_url=server.api, auth=server.auth, timeout=10) as c:
        codes = [c.get("vehicle_registration", params={"format_type": "url"}).json()["errorCode"] for _ in range(3)]
        assert codes == ["2", "2", "2"]  # admitted (and failing for the missing URL)
        r = c.get("vehicle_registration", params={"format_type": "url"})
        assert r.status_code == 429 and r.json()["errorCode"] == "4"
        assert r.json()["errorMessage"] == "Out of requests" and int(r.headers["retry-after"]) > 3000
        bad = httpx.get(server.api + "vehicle_registration", params={"format_type": "url"}, auth=(server.key, "x"))
        assert bad.json()["errorCode"] == "5"  # wrong credentials are not charged, and say so first


def test_full_pool_answers_503_at_once_and_shutdown_finishes_in_flight(photos: Photos) -> None:
    files = {"/front.jpg": photos.front}
    with ImageHost(files, slow={"/front.jpg": 1.5}) as host:
        server = ServerProcess({"inference_threads": 1, "queue": 0, "fetch_allow": ["127.0.0.1"]}).start()
        try:
            with httpx.Client(base_url=server.api, auth=server.auth, timeout=30) as c, \
                    concurrent.futures.ThreadPoolExecutor(8) as pool:

                def scan(_i: int) -> tuple[int, str, float]:
                    t0 = time.perf_counter()
                    r = c.post("vehicle_registrations", params={"format_type": "file"},
                               files={"img1": ("f.jpg", photos.front), "img2": ("b.jpg", photos.back)})
                    return r.status_code, r.json()["errorCode"], time.perf_counter() - t0

                results = list(pool.map(scan, range(8)))
                refused = [r for r in results if r[0] == 503]
                assert refused and all(code == "4" and seconds < 2.0 for _s, code, seconds in refused)
                assert any(r[:2] == (200, "0") for r in results)
                # a request in flight when SIGTERM arrives still gets its answer
                slow = pool.submit(lambda: c.get("vehicle_registration", params={
                    "format_type": "url", "img": host.url("/front.jpg")}))
                time.sleep(0.7)
                server.terminate()
                r = slow.result(timeout=30)
                assert r.status_code == 200 and r.json()["errorCode"] == "0"
            # uvicorn re-raises SIGTERM once shut down, as systemd expects of a clean stop
            assert server.proc is not None and server.proc.wait(30) in (0, -signal.SIGTERM)
            assert "Application shutdown complete" in server.log()
        finally:
            server.stop()
