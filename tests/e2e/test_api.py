"""The seed contract over real HTTP: the envelope, get_thumb, and every errorCode from a real bad request."""

from __future__ import annotations

import base64
import json
import socket
import struct
import time
import zlib

import cv2
import httpx
import numpy as np
import pytest

from edge.server.launch import ImageHost, ServerProcess
from tests.e2e.conftest import Photos

ONE, TWO = "vehicle_registration", "vehicle_registrations"


def _client(server: ServerProcess, auth: tuple[str, str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=server.api, auth=auth or server.auth, timeout=30.0)


def _check(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    body = response.json()
    assert response.status_code == status, (response.status_code, body, response.headers.get("x-edge-detail"))
    assert body["errorCode"] == code
    if code != "0":
        assert body["data"] == [] and set(body) == {"data", "errorCode", "errorMessage"}
    return dict(body)


def big_png(width: int, height: int) -> bytes:
    """A genuine 1-bit PNG of width x height white pixels (small on disk, huge decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_both_sides_with_thumbnails_and_confidences(server: ServerProcess, photos: Photos) -> None:
    with _client(server) as c:
        r = c.post(TWO, params={"format_type": "file", "get_thumb": "true"},
                   files={"img1": ("f.jpg", photos.front), "img2": ("b.jpg", photos.back)})
    body = _check(r, 200, "0")
    data = body["data"]
    assert isinstance(data, list) and [d["type"] for d in data] == [
        "vehicle_registration_front", "vehicle_registration_back"]
    front = data[0]["info"]
    assert set(front) >= {"name", "address", "id", "plate", "issued_at", "image", "plate_confidence"}
    assert 0.0 <= front["plate_confidence"] <= 1.0
    thumb = cv2.imdecode(np.frombuffer(base64.b64decode(front["image"]), np.uint8), cv2.IMREAD_COLOR)
    assert thumb is not None and thumb.shape[1] > thumb.shape[0] > 100  # the card, landscape
    assert "valid" not in data[0] and "invalidMessage" not in data[0]


def test_base64_with_data_prefix_and_newlines(server: ServerProcess, photos: Photos) -> None:
    b64 = "data:image/jpeg;base64," + base64.encodebytes(photos.back).decode("ascii")
    with _client(server) as c:
        r = c.post(ONE, params={"format_type": "base64"}, json={"img": b64})
    body = _check(r, 200, "0")
    assert [d["type"] for d in body["data"]] == ["vehicle_registration_back"]  # type: ignore[attr-defined]


def test_photo_without_a_card_is_error_1_with_200(server: ServerProcess, photos: Photos) -> None:
    with _client(server) as c:
        _check(c.post(ONE, params={"format_type": "file"}, files={"img": ("n.jpg", photos.no_card)}), 200, "1")


def test_credentials(server: ServerProcess) -> None:
    with _client(server, (server.key, "wrong-secret")) as c:
        r = c.get(ONE, params={"format_type": "url", "img": "http://localhost/x.jpg"})
    _check(r, 401, "5")
    assert r.headers["www-authenticate"].startswith("Basic")
    _check(httpx.get(server.api + ONE, params={"format_type": "url"}), 401, "5")
    with _client(server, ("unknown-key", server.secret)) as c:
        _check(c.get(ONE, params={"format_type": "url"}), 401, "5")


@pytest.mark.parametrize(("method", "params", "kind"), [
    ("POST", {"format_type": "jpeg"}, "file"),
    ("POST", {}, "file"),
    ("POST", {"format_type": "base64"}, "file"),  # a file sent with format_type=base64
    ("POST", {"format_type": "file"}, "json"),
    ("GET", {"format_type": "file"}, None),
])
def test_format_type_errors_are_6(server: ServerProcess, photos: Photos, method: str, params: dict[str, str],
                                  kind: str | None) -> None:
    extra: dict[str, object] = {}
    if kind == "file":
        extra["files"] = {"img": ("f.jpg", photos.front)}
    elif kind == "json":
        extra["json"] = {"img": base64.b64encode(photos.front).decode()}
    with _client(server) as c:
        _check(c.request(method, ONE, params=params, **extra), 400, "6")  # type: ignore[arg-type]


@pytest.mark.parametrize("blob", [
    b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40,  # a JPEG header and garbage
    "Tên chủ xe: NGUYỄN VĂN AN\n".encode() * 20,  # a text file
    b"",  # an empty file
], ids=["corrupt", "text", "empty"])
def test_undecodable_uploads_are_3(server: ServerProcess, blob: bytes) -> None:
    with _client(server) as c:
        _check(c.post(ONE, params={"format_type": "file"}, files={"img": ("x.jpg", blob)}), 400, "3")


def test_bad_base64_and_bodies_are_3(server: ServerProcess) -> None:
    with _client(server) as c:
        _check(c.post(ONE, params={"format_type": "base64"}, json={"img": "not base64!!"}), 400, "3")
        _check(c.post(ONE, params={"format_type": "base64"}, json=["img"]), 400, "3")
        _check(c.post(ONE, params={"format_type": "base64"}, content=b"{not json"), 400, "3")
        _check(c.post(TWO, params={"format_type": "file"}, files={"img1": ("a.jpg", b"x")}), 400, "3")


def test_decompression_bomb_is_refused_with_413(server: ServerProcess) -> None:
    png = big_png(20_000, 10_000)  # 200 megapixels
    assert len(png) < 1_000_000
    t0 = time.perf_counter()
    with _client(server) as c:
        r = c.post(ONE, params={"format_type": "file"}, files={"img": ("big.png", png)})
    _check(r, 413, "3")
    assert "pixels" in r.headers["x-edge-detail"].lower() and time.perf_counter() - t0 < 5


def test_body_over_the_limit_is_413(server: ServerProcess) -> None:
    with _client(server) as c:
        r = c.post(ONE, params={"format_type": "file"}, files={"img": ("big.jpg", b"\0" * 9_000_000)})
    _check(r, 413, "3")


@pytest.mark.parametrize(("path", "host"), [
    ("/missing.jpg", "localhost"),  # 404
    ("/front.jpg", "127.0.0.1"),  # loopback, not allowed by address
    ("/to-metadata", "localhost"),  # a redirect to the metadata address, re-checked
])
def test_url_errors_are_2(server: ServerProcess, image_host: ImageHost, path: str, host: str) -> None:
    with _client(server) as c:
        _check(c.get(ONE, params={"format_type": "url", "img": image_host.url(path, host)}), 400, "2")


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[::1]/x.jpg",
                                 "http://10.1.2.3/x.jpg", "file:///etc/passwd", "ftp://localhost/x.jpg", "nonsense"])
def test_forbidden_urls_are_refused_at_once(server: ServerProcess, url: str) -> None:
    t0 = time.perf_counter()
    with _client(server) as c:
        r = c.get(ONE, params={"format_type": "url", "img": url})
    _check(r, 400, "2")
    assert time.perf_counter() - t0 < 1.0  # refused before any connection is tried


def test_slow_url_times_out_as_2(server: ServerProcess, image_host: ImageHost) -> None:
    t0 = time.perf_counter()
    with _client(server) as c:
        r = c.get(ONE, params={"format_type": "url", "img": image_host.url("/slow.jpg", "localhost")})
    _check(r, 400, "2")
    assert 1.0 < time.perf_counter() - t0 < 4.0  # the server's 1.5 s fetch limit, not the host's 5 s


def test_redirect_to_an_allowed_place_is_followed(server: ServerProcess, image_host: ImageHost) -> None:
    with _client(server) as c:
        _check(c.get(ONE, params={"format_type": "url", "img": image_host.url("/to-front", "localhost")}), 200, "0")


def test_wrong_method_is_an_envelope(server: ServerProcess) -> None:
    with _client(server) as c:
        r = c.put(ONE, params={"format_type": "file"})
    _check(r, 405, "6")


def test_health_readiness_metrics_docs(server: ServerProcess, photos: Photos) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        assert c.get("/readyz").status_code == 200
        c.post("/api/v2/ocr/" + ONE, params={"format_type": "nope"}, auth=server.auth)
        c.post("/api/v2/ocr/" + ONE, params={"format_type": "file"}, auth=server.auth,
               files={"img": ("f.jpg", photos.front)})
        metrics = c.get("/metrics").text
        spec = c.get("/openapi.json").json()
        assert c.get("/docs").status_code == 200
    assert 'edge_api_requests_total{endpoint="vehicle_registration",error_code="6"' in metrics
    assert 'edge_scan_stage_seconds_count{stage="recognise"}' in metrics
    assert "edge_cloud_fallbacks" in metrics and "edge_pool_pending" in metrics
    post = spec["paths"]["/api/v2/ocr/vehicle_registrations"]["post"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert {p["name"] for p in spec["paths"]["/api/v2/ocr/vehicle_registrations"]["get"]["parameters"]} == {
        "format_type", "get_thumb", "img1", "img2"}
    assert {"200", "400", "401", "408", "413", "429", "503"} <= set(post["responses"])


def test_logs_hold_no_personal_data_or_secrets(server: ServerProcess, photos: Photos) -> None:
    with _client(server) as c:
        body = c.post(ONE, params={"format_type": "file"}, files={"img": ("f.jpg", photos.front)}).json()
    name, address = body["data"][0]["info"]["name"], body["data"][0]["info"]["address"]
    assert name and address
    time.sleep(0.2)
    log = server.log()
    assert "errorCode=0" in log
    for secret in (name, address, server.secret, server.key, "front.jpg", "Tên chủ xe"):
        assert secret not in log


def test_stalled_upload_is_cut_off_with_408(server: ServerProcess) -> None:
    token = base64.b64encode(f"{server.key}:{server.secret}".encode()).decode()
    head = (f"POST /api/v2/ocr/{ONE}?format_type=file HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Basic {token}\r\nContent-Type: multipart/form-data; boundary=xx\r\n"
            "Content-Length: 100000\r\n\r\n--xx\r\n")
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.encode())  # then nothing more: a client that stalls mid-body
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408") and time.perf_counter() - t0 < 5
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["errorCode"] == "3"
