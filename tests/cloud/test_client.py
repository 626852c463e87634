"""The cloud client against a loopback server that misbehaves: retries, back-off, timeouts and the breaker."""

from __future__ import annotations

import http.server
import json
import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from edge.cloud.breaker import CircuitBreaker
from edge.cloud.client import CloudClient, endpoint_for
from edge.config import CloudConfig
from edge.errors import (
    CircuitOpen,
    CloudAuthError,
    CloudInputError,
    CloudProtocolError,
    CloudQuotaError,
    CloudUnavailable,
)
from edge.schema import ErrorCode

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        return  # the resets are on purpose


class Faulty:
    """A loopback HTTP server whose next answers are scripted: 'hang', 'reset', 'junk', '500', or an errorCode."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.default = "1"
        self.requests: list[tuple[str, str, str]] = []  # (method, path with query, content type)
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                outer.requests.append((self.command, self.path, self.headers.get("content-type", "")))
                action = outer.script.pop(0) if outer.script else outer.default
                if action == "hang":
                    outer.release.wait(10)
                    return
                if action == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.rfile.close()  # the files hold the socket open; with them closed, close() sends RST
                    self.wfile.close()
                    self.connection.close()
                    return
                status, body = 200, b""
                if action == "500":
                    status, body = 500, b"Internal Server Error"
                elif action == "junk":
                    body = b"<html>not json</html>"
                else:
                    code = ErrorCode(action)
                    body = json.dumps({"data": [], "errorCode": code.value, "errorMessage": code.message}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v2/ocr/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def faulty() -> Iterator[Faulty]:
    server = Faulty()
    yield server
    server.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(faulty: Faulty, sleeps: list[float] | None = None, clock: Clock | None = None,
         **overrides: float) -> CloudClient:
    # a generous read timeout: a loaded CI machine can take over 0.3 s to answer, which would read as a hang and be
    # retried; the one test about hangs sets its own short timeout
    values = {"read_timeout_s": 5.0, "connect_timeout_s": 5.0, "retries": 2, "backoff_s": 0.1,
              "backoff_max_s": 0.15, "breaker_failures": 3, "breaker_reset_s": 30.0, **overrides}
    config = CloudConfig(base_url=faulty.url, api_key="k", api_secret="s", **values)
    breaker = CircuitBreaker(config.breaker_failures, config.breaker_reset_s, clock or Clock())
    recorded = sleeps if sleeps is not None else []
    return CloudClient(config, sleep=recorded.append, rng=lambda: 1.0, breaker=breaker)


def test_5xx_is_retried_with_capped_exponential_backoff(faulty: Faulty) -> None:
    faulty.script = ["500", "500"]
    sleeps: list[float] = []
    with make(faulty, sleeps) as client:
        envelope = client.scan([JPEG])
    assert envelope.errorCode == ErrorCode.NO_CONTENT and len(faulty.requests) == 3
    assert sleeps == [0.1, 0.15]  # 0.1, then 0.2 capped at backoff_max_s (rng = 1: the jitter's top)


def test_jitter_draws_below_the_cap(faulty: Faulty) -> None:
    faulty.script = ["500"]
    sleeps: list[float] = []
    config = CloudConfig(base_url=faulty.url, retries=1, backoff_s=0.2)
    with CloudClient(config, sleep=sleeps.append, rng=lambda: 0.25) as client:
        client.scan([JPEG])
    assert sleeps == [pytest.approx(0.05)]


def test_5xx_forever_gives_unavailable_after_the_retries(faulty: Faulty) -> None:
    faulty.default = "500"
    with make(faulty) as client, pytest.raises(CloudUnavailable, match="3 times"):
        client.scan([JPEG, JPEG])
    assert len(faulty.requests) == 3


def test_a_hanging_server_times_out_and_is_retried(faulty: Faulty) -> None:
    faulty.script = ["hang", "hang", "hang"]
    t0 = time.perf_counter()
    with make(faulty, read_timeout_s=0.3) as client, pytest.raises(CloudUnavailable, match="ReadTimeout"):
        client.scan([JPEG])
    elapsed = time.perf_counter() - t0
    assert len(faulty.requests) == 3 and 0.85 < elapsed < 3.0  # three 0.3 s read timeouts


def test_reset_and_junk_are_not_retried(faulty: Faulty) -> None:
    faulty.script = ["reset"]
    with make(faulty) as client:
        with pytest.raises(CloudUnavailable):
            client.scan([JPEG])
        assert len(faulty.requests) == 1
        faulty.script = ["junk"]
        with pytest.raises(CloudProtocolError, match="not the API's envelope"):
            client.scan([JPEG])
        assert len(faulty.requests) == 2


@pytest.mark.parametrize(("code", "error"), [("5", CloudAuthError), ("4", CloudQuotaError), ("3", CloudInputError),
                                             ("2", CloudInputError), ("6", CloudInputError)])
def test_error_codes_map_to_typed_errors_without_retry(faulty: Faulty, code: str, error: type[Exception]) -> None:
    faulty.default = code
    with make(faulty) as client, pytest.raises(error) as info:
        client.scan_urls(["https://example.com/a.jpg"])
    assert getattr(info.value, "code", None) == code and len(faulty.requests) == 1


def test_breaker_opens_then_lets_one_trial_through(faulty: Faulty) -> None:
    clock = Clock()
    faulty.default = "reset"
    with make(faulty, clock=clock) as client:
        for _ in range(3):
            with pytest.raises(CloudUnavailable):
                client.scan([JPEG])
        assert client.breaker.state == "open"
        with pytest.raises(CircuitOpen):
            client.scan([JPEG])
        assert len(faulty.requests) == 3  # the open circuit sent nothing
        clock.now += 31
        faulty.default = "reset"
        with pytest.raises(CloudUnavailable):
            client.scan([JPEG])  # the half-open trial fails: open again at once
        assert len(faulty.requests) == 4 and client.breaker.state == "open"
        clock.now += 31
        faulty.default = "0"
        assert client.scan([JPEG]).ok
        assert str(client.breaker.state) == "closed"


def test_requests_follow_the_seed(faulty: Faulty) -> None:
    with make(faulty) as client:
        client.scan([JPEG, JPEG], "file", thumb=True)
        client.scan([JPEG], "base64")
        client.scan_urls(["https://example.com/f.jpg", "https://example.com/b.jpg"])
    (m1, p1, t1), (m2, p2, t2), (m3, p3, _t3) = faulty.requests
    assert m1 == "POST" and p1.startswith("/api/v2/ocr/vehicle_registrations?format_type=file&get_thumb=true")
    assert t1.startswith("multipart/form-data")
    assert m2 == "POST" and p2.startswith("/api/v2/ocr/vehicle_registration?format_type=base64") and t2 == \
        "application/json"
    assert m3 == "GET" and "img1=https%3A%2F%2Fexample.com%2Ff.jpg" in p3 and "format_type=url" in p3
    with pytest.raises(ValueError):
        endpoint_for(3)
