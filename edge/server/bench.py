"""``edge bench api``: load on loopback — N concurrent clients per endpoint and format, then the figures.

By default it starts a real ``edge serve`` (a child process with a fresh key) and an image host
for format_type=url, both on 127.0.0.1.  Before the load it measures the single-process compute
limit (the pipeline called in-process by as many threads as the server has, decoding included),
so the server's throughput can be read as a fraction of what the hardware allows.  The clients
share the machine with the server, as they would on a kiosk.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from edge.errors import EdgeError
from edge.server.app import quiet_http_logs
from edge.server.launch import ImageHost, ServerProcess

CASES = tuple(f"{e}-{f}" for e in ("registrations", "registration") for f in ("file", "base64", "url"))
SEED = 4242


@dataclass
class CaseResult:
    case: str
    clients: int
    seconds: float
    ok: int = 0
    errors: int = 0  # an answer other than HTTP 200 with errorCode "0"
    dropped: int = 0  # no answer at all: refused, reset or timed-out connections
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) * 1000 if self.latencies else float("nan")

    def summary(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "latencies"}
        return {**out, "req_per_s": round(self.throughput, 2), "p50_ms": round(self.pct(50), 1),
                "p99_ms": round(self.pct(99), 1)}


def sample_images() -> tuple[bytes, bytes]:
    """A good front and a good back photo (1280x720 JPEG) from the generator."""
    from edge.synth.dataset import scene_item

    found: dict[str, bytes] = {}
    for i in range(0, 64, 2):
        scene = scene_item(SEED, i)
        jpeg = cv2.imencode(".jpg", scene.image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
        found.setdefault(scene.face.side, jpeg)
        if len(found) == 2:
            return found["front"], found["back"]
    raise EdgeError("the generator gave no front/back pair")


def _request(case: str, front: bytes, back: bytes, urls: tuple[str, str]) -> dict[str, Any]:
    endpoint, fmt = case.split("-")
    two = endpoint == "registrations"
    names = ("img1", "img2") if two else ("img",)
    blobs = (front, back) if two else (front,)
    path = "vehicle_registrations" if two else "vehicle_registration"
    params = {"format_type": fmt, "get_thumb": "false"}
    if fmt == "url":
        return {"method": "GET", "url": path, "params": {**params, **dict(zip(names, urls, strict=False))}}
    if fmt == "file":
        return {"method": "POST", "url": path, "params": params,
                "files": {n: (f"{n}.jpg", b, "image/jpeg") for n, b in zip(names, blobs, strict=True)}}
    return {"method": "POST", "url": path, "params": params,
            "json": {n: base64.encodebytes(b).decode("ascii") for n, b in zip(names, blobs, strict=True)}}


async def _load(api: str, auth: tuple[str, str], case: str, clients: int, seconds: float,
                request: dict[str, Any]) -> CaseResult:
    import httpx

    result = CaseResult(case, clients, seconds)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=api, auth=auth, limits=limits, timeout=60.0) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    response = await client.request(**request)
                except httpx.HTTPError:
                    result.dropped += 1
                    continue
                if response.status_code == 200 and response.json().get("errorCode") == "0":
                    result.ok += 1
                    result.latencies.append(time.perf_counter() - t0)
                else:
                    result.errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        result.seconds = time.perf_counter() - started
    return result


def compute_limit(front: bytes, back: bytes, threads: int, seconds: float) -> float:
    """Two-sided scans per second of the pipeline in this process with ``threads`` threads (no HTTP)."""
    from edge.config import Config
    from edge.document.image import decode_image
    from edge.document.pipeline import Pipeline

    pipeline = Pipeline.load(Config().ocr)
    pipeline.scan([decode_image(front)])  # warm-up
    deadline = time.perf_counter() + seconds

    def loop() -> int:
        n = 0
        while time.perf_counter() < deadline:
            pipeline.scan([decode_image(front), decode_image(back)])
            n += 1
        return n

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        done = sum(pool.map(lambda _i: loop(), range(threads)))
    return done / (time.perf_counter() - started)


def _line(r: CaseResult) -> str:
    return (f"  {r.case:<22} {r.clients:>3} {r.ok:>6} {r.throughput:>8.2f} {r.pct(50):>8.0f} {r.pct(99):>8.0f} "
            f"{r.errors:>6} {r.dropped:>7}")


def run_bench(args: argparse.Namespace) -> int:
    cases = CASES if args.cases == "all" else tuple(c.strip() for c in args.cases.split(",") if c.strip())
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise EdgeError(f"unknown case {unknown[0]!r}; known: {', '.join(CASES)}")
    threads = args.threads or args.config_obj.server.inference_threads
    quiet_http_logs()
    front, back = sample_images()
    with ImageHost({"/front.jpg": front, "/back.jpg": back}) as host:
        urls = (host.url("/front.jpg"), host.url("/back.jpg"))
        limit = compute_limit(front, back, threads, min(args.seconds, 10.0))
        print(f"edge bench api: compute limit (pipeline in-process, {threads} threads, 2 sides, decode included): "
              f"{limit:.2f} scans/s", flush=True)
        if args.url:
            if not (args.key and args.secret):
                raise EdgeError("--url needs --key and --secret")
            api, auth, server = args.url.rstrip("/") + "/api/v2/ocr/", (args.key, args.secret), None
        else:
            settings = {"inference_threads": threads, "queue": max(32, 2 * args.clients), "fetch_allow": ["127.0.0.1"]}
            server = ServerProcess(settings).start()
            api, auth = server.api, server.auth
        try:
            results = _run_cases(api, auth, cases, args, front, back, urls)
        finally:
            if server is not None:
                server.stop()
    _report(results, limit, args.seconds)
    if args.json:
        args.json.write_text(json.dumps({"compute_limit_per_s": limit, "cases": [r.summary() for r in results]},
                                        indent=2), encoding="utf-8")
    return 0 if all(r.dropped == 0 and r.errors == 0 for r in results) else 1


def _run_cases(api: str, auth: tuple[str, str], cases: tuple[str, ...], args: argparse.Namespace, front: bytes,
               back: bytes, urls: tuple[str, str]) -> list[CaseResult]:
    results = []
    print(f"  {'case':<22} {'N':>3} {'ok':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'dropped':>7}")
    single = min(args.seconds, 10.0)
    if "registrations-file" in cases:  # the latency target is at one client
        results.append(asyncio.run(_load(api, auth, "registrations-file", 1, single,
                                         _request("registrations-file", front, back, urls))))
        print(_line(results[-1]), flush=True)
    for case in cases:
        results.append(asyncio.run(_load(api, auth, case, args.clients, args.seconds,
                                         _request(case, front, back, urls))))
        print(_line(results[-1]), flush=True)
    return results


def _report(results: list[CaseResult], limit: float, seconds: float) -> None:
    loaded = [r for r in results if r.case == "registrations-file" and r.clients > 1]
    if loaded and limit:
        print(f"  registrations-file at {loaded[0].clients} clients: {loaded[0].throughput / limit:.0%} of the "
              f"compute limit")
    total = sum(r.errors + r.dropped for r in results)
    print(f"  errors + dropped, all cases: {total}  ({seconds:g} s per case)")
