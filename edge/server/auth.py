"""HTTP Basic credentials (api_key / api_secret) checked against salted hashes, and per-key limits.

Secrets are never stored in clear: the config holds ``KEY:sha256$SALT$HEX``.  API secrets are
random tokens made by ``new_key`` (128 bits), so a salted SHA-256 is enough (no password
stretching is needed, and a check stays cheap under load); comparisons are constant-time, and an
unknown key costs the same as a wrong secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from edge.errors import ConfigError

SCHEME = "sha256"


def hash_secret(secret: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()
    return f"{SCHEME}${salt}${digest}"


def new_key() -> tuple[str, str, str]:
    """A fresh (api_key, api_secret, config entry) triple."""
    key = "edge_" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(24)
    return key, secret, f"{key}:{hash_secret(secret)}"


def key_id(key: str) -> str:
    """A short, stable, non-reversible label of a key for logs and metrics."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


class KeyStore:
    """The accepted keys; ``check`` answers the key's id, or None for missing or wrong credentials."""

    def __init__(self, entries: list[str], anonymous: bool = False) -> None:
        self.anonymous = anonymous
        self._keys: dict[str, tuple[str, str]] = {}
        for entry in entries:
            key, sep, stored = entry.partition(":")
            scheme, _, rest = stored.partition("$")
            salt, _, digest = rest.partition("$")
            if not sep or not key or scheme != SCHEME or not salt or len(digest) != 64:
                raise ConfigError("server.api_keys: each entry must be KEY:sha256$SALT$HEX "
                                  "(make one with `edge serve --new-key`)")
            self._keys[key] = (salt, digest)
        if not self._keys and not anonymous:
            raise ConfigError("server.api_keys is empty: add one (`edge serve --new-key` prints it) "
                              "or set server.anonymous = true for a loopback-only kiosk")
        self._dummy = (secrets.token_hex(8), secrets.token_hex(32))

    def check(self, authorization: str | None) -> str | None:
        if self.anonymous:
            return "anonymous"
        parsed = parse_basic(authorization)
        if parsed is None:
            return None
        key, secret = parsed
        salt, digest = self._keys.get(key, self._dummy)
        candidate = hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()
        ok = hmac.compare_digest(candidate, digest) and key in self._keys
        return key_id(key) if ok else None


def parse_basic(authorization: str | None) -> tuple[str, str] | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = text.partition(":")
    return (user, password) if sep else None


@dataclass
class _Usage:
    window_start: float
    count: int
    tokens: float
    refreshed: float


class Limiter:
    """A request quota per fixed window and a token-bucket rate, per key (this process's counts)."""

    def __init__(self, quota: int, window_s: float, rate_per_s: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.quota, self.window_s, self.rate, self.burst = quota, window_s, rate_per_s, burst
        self._clock = clock
        self._usage: dict[str, _Usage] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> float | None:
        """Count one request; None when admitted, else the seconds after which to retry."""
        if not self.quota and not self.rate:
            return None
        now = self._clock()
        with self._lock:
            u = self._usage.setdefault(key, _Usage(now, 0, float(self.burst), now))
            if now - u.window_start >= self.window_s:
                u.window_start, u.count = now, 0
            if self.quota and u.count >= self.quota:
                return max(1.0, u.window_start + self.window_s - now)
            if self.rate:
                u.tokens = min(float(self.burst), u.tokens + (now - u.refreshed) * self.rate)
                u.refreshed = now
                if u.tokens < 1.0:
                    return max(1.0, math.ceil((1.0 - u.tokens) / self.rate))
                u.tokens -= 1.0
            u.count += 1
            return None
