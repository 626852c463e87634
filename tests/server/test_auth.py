"""Credentials stored hashed and checked in constant time; per-key quota and rate."""

from __future__ import annotations

import base64

import pytest

from edge.errors import ConfigError
from edge.server.auth import KeyStore, Limiter, hash_secret, key_id, new_key, parse_basic


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_new_key_round_trip_and_secret_not_stored() -> None:
    key, secret, entry = new_key()
    store = KeyStore([entry])
    assert secret not in entry and entry.startswith(key + ":sha256$")
    assert store.check(_basic(key, secret)) == key_id(key) != key
    assert store.check(_basic(key, secret + "x")) is None
    assert store.check(_basic("other", secret)) is None
    assert store.check(None) is None and store.check("Bearer abc") is None and store.check("Basic %%%") is None


def test_same_secret_hashes_differently_per_salt() -> None:
    assert hash_secret("s") != hash_secret("s")
    assert hash_secret("s", "salt") == hash_secret("s", "salt")


def test_bad_entries_and_no_keys_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="KEY:sha256"):
        KeyStore(["key:plaintext-secret"])
    with pytest.raises(ConfigError, match="anonymous"):
        KeyStore([])
    assert KeyStore([], anonymous=True).check(None) == "anonymous"


def test_parse_basic_keeps_colons_in_the_secret() -> None:
    assert parse_basic(_basic("k", "a:b")) == ("k", "a:b")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_quota_per_key_and_window() -> None:
    clock = Clock()
    limiter = Limiter(quota=2, window_s=60, rate_per_s=0, burst=1, clock=clock)
    assert limiter.admit("a") is None and limiter.admit("a") is None
    retry = limiter.admit("a")
    assert retry is not None and 59 <= retry <= 60
    assert limiter.admit("b") is None  # another key has its own count
    clock.now = 61
    assert limiter.admit("a") is None


def test_rate_limit_token_bucket() -> None:
    clock = Clock()
    limiter = Limiter(quota=0, window_s=60, rate_per_s=2.0, burst=3, clock=clock)
    assert [limiter.admit("a") for _ in range(3)] == [None, None, None]
    assert limiter.admit("a") is not None
    clock.now = 0.5  # one token back
    assert limiter.admit("a") is None and limiter.admit("a") is not None
