"""The provider's cloud API (SPEC §2) as a typed client: the same six calls the seed's demos make.

One ``CloudClient`` per process, shared between threads.  Timeouts and HTTP 5xx are retried with
exponential back-off and full jitter; nothing else is (a refused or reset connection may already
have been counted against the quota, and a 4xx will not change).  Failed calls feed a circuit
breaker so an unreachable cloud costs nothing while it is open.  The transport is injectable:
tests pass a real loopback server, or one that misbehaves, never a canned answer.
"""

from __future__ import annotations

import base64
import logging
import random
import ssl
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import httpx

from edge.cloud.breaker import CircuitBreaker
from edge.config import CloudConfig
from edge.errors import (
    CircuitOpen,
    CloudAuthError,
    CloudInputError,
    CloudProtocolError,
    CloudQuotaError,
    CloudRejected,
    CloudUnavailable,
    DataError,
)
from edge.schema import Envelope, ErrorCode

log = logging.getLogger("edge.cloud")
Format = Literal["file", "base64", "url"]
REJECTIONS: dict[ErrorCode, type[CloudRejected]] = {
    ErrorCode.OUT_OF_REQUESTS: CloudQuotaError,
    ErrorCode.BAD_CREDENTIALS: CloudAuthError,
    ErrorCode.URL_UNAVAILABLE: CloudInputError,
    ErrorCode.BAD_IMAGE: CloudInputError,
    ErrorCode.BAD_FORMAT_TYPE: CloudInputError,
}
MAGIC = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG", "image/png", "png"), (b"RIFF", "image/webp", "webp"),
         (b"BM", "image/bmp", "bmp"), (b"II*\x00", "image/tiff", "tif"), (b"MM\x00*", "image/tiff", "tif"))


class _Retryable(Exception):
    """One attempt failed in a way worth another try (a timeout or HTTP 5xx)."""


def _tls(config: CloudConfig) -> ssl.SSLContext | bool:
    if not config.ca_file:
        return True
    import certifi

    ctx = ssl.create_default_context(cafile=certifi.where())
    ctx.load_verify_locations(config.ca_file)
    return ctx


def _sniff(data: bytes) -> tuple[str, str]:
    return next(((mime, ext) for magic, mime, ext in MAGIC if data.startswith(magic)),
                ("application/octet-stream", "bin"))


def endpoint_for(count: int) -> tuple[str, tuple[str, ...]]:
    """One image: ``vehicle_registration`` (img); two (front, back): ``vehicle_registrations`` (img1, img2)."""
    if count == 1:
        return "vehicle_registration", ("img",)
    if count == 2:
        return "vehicle_registrations", ("img1", "img2")
    raise ValueError(f"the API takes one or two images, not {count}")


class CloudClient:
    """Scan one side (one image) or both (front, back) through the cloud API; raises ``CloudError``s."""

    def __init__(self, config: CloudConfig, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, rng: Callable[[], float] = random.random,
                 breaker: CircuitBreaker | None = None) -> None:
        self.config = config
        self.breaker = breaker or CircuitBreaker(config.breaker_failures, config.breaker_reset_s)
        self._sleep, self._rng = sleep, rng
        base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
        timeout = httpx.Timeout(config.read_timeout_s, connect=config.connect_timeout_s)
        self._http = httpx.Client(base_url=base, auth=(config.api_key, config.api_secret), timeout=timeout,
                                  verify=_tls(config), transport=transport, follow_redirects=False,
                                  headers={"User-Agent": "edge-scanner/0.1"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CloudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scan(self, images: Sequence[bytes], fmt: Literal["file", "base64"] = "file", thumb: bool = False) -> Envelope:
        """Encoded images (JPEG, PNG, ...) as multipart files or as base64 JSON."""
        path, names = endpoint_for(len(images))
        params = {"format_type": fmt, "get_thumb": "true" if thumb else "false"}
        if fmt == "file":
            files = {n: (f"{n}.{_sniff(d)[1]}", d, _sniff(d)[0]) for n, d in zip(names, images, strict=True)}
            return self._call("POST", path, params, files=files)
        body = {n: base64.b64encode(d).decode("ascii") for n, d in zip(names, images, strict=True)}
        return self._call("POST", path, params, json=body)

    def scan_urls(self, urls: Sequence[str], thumb: bool = False) -> Envelope:
        """Images the cloud downloads itself (format_type=url)."""
        path, names = endpoint_for(len(urls))
        params = {**dict(zip(names, urls, strict=True)), "format_type": "url",
                  "get_thumb": "true" if thumb else "false"}
        return self._call("GET", path, params)

    def _call(self, method: str, path: str, params: dict[str, str], **body: Any) -> Envelope:
        if not self.breaker.allow():
            raise CircuitOpen(f"the cloud API failed {self.breaker.threshold} times in a row; "
                              f"next try in {self.breaker.retry_after():.0f} s")
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            try:
                envelope = self._attempt(method, path, params, body)
            except _Retryable as exc:
                log.warning("cloud %s: attempt %d/%d failed: %s", path, attempt + 1, attempts, exc)
                if attempt + 1 == attempts:
                    self.breaker.failure()
                    raise CloudUnavailable(f"the cloud API failed {attempts} times: {exc}") from exc
                cap = min(self.config.backoff_max_s, self.config.backoff_s * 2 ** attempt)
                self._sleep(self._rng() * cap)
                continue
            except (CloudUnavailable, CloudProtocolError):
                self.breaker.failure()
                raise
            self.breaker.success()
            rejected = REJECTIONS.get(envelope.errorCode)
            if rejected is not None:
                raise rejected(envelope.errorCode.value, envelope.errorMessage)
            return envelope
        raise AssertionError("unreachable")

    def _attempt(self, method: str, path: str, params: dict[str, str], body: dict[str, Any]) -> Envelope:
        try:
            response = self._http.request(method, path, params=params, **body)
        except httpx.TimeoutException as exc:
            raise _Retryable(exc.__class__.__name__) from exc
        except httpx.TransportError as exc:
            raise CloudUnavailable(f"the cloud API cannot be reached: {exc.__class__.__name__}") from exc
        if response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        try:
            return Envelope.from_seed(response.json(), source="cloud")
        except (ValueError, DataError) as exc:
            raise CloudProtocolError(f"HTTP {response.status_code} with a body that is not the API's envelope: "
                                     f"{exc.__class__.__name__}") from exc
