"""Parsing of format_type, base64 variants and the address rules of URL downloads."""

from __future__ import annotations

import asyncio
import base64
import ipaddress

import pytest

from edge.errors import FetchError
from edge.schema import ErrorCode
from edge.server.fetch import Fetcher, FetchPolicy, is_public
from edge.server.inputs import ApiError, FormatType, decode_base64, parse_format

DATA = bytes(range(256)) * 3


@pytest.mark.parametrize("text", [
    base64.b64encode(DATA).decode(),
    base64.encodebytes(DATA).decode(),  # newlines every 76 characters, as the seed's demo sends
    "data:image/png;base64," + base64.b64encode(DATA).decode(),
    base64.b64encode(DATA).decode().rstrip("="),
    base64.urlsafe_b64encode(DATA).decode(),
])
def test_base64_variants(text: str) -> None:
    assert decode_base64(text) == DATA


def test_bad_base64_is_error_3() -> None:
    with pytest.raises(ApiError) as info:
        decode_base64("abc$%^")
    assert info.value.code == ErrorCode.BAD_IMAGE and info.value.status == 400


def test_format_type_must_match_the_method() -> None:
    assert parse_format("URL", "GET") is FormatType.URL
    assert parse_format("file", "POST") is FormatType.FILE
    for value, method in (("url", "POST"), ("base64", "GET"), (None, "POST"), ("png", "POST")):
        with pytest.raises(ApiError) as info:
            parse_format(value, method)
        assert info.value.code == ErrorCode.BAD_FORMAT_TYPE


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.0.0.1", False),
    ("192.168.1.1", False), ("172.16.0.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fd00:ec2::254", False),
    ("::ffff:127.0.0.1", False), ("224.0.0.1", False),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_allow_list_by_network_and_by_name() -> None:
    async def fetch(url: str, allow: tuple[str, ...]) -> str:
        fetcher = Fetcher(FetchPolicy(timeout_s=1.0, allow=allow))
        try:
            await fetcher.get(url)
        except FetchError as exc:
            return str(exc)
        finally:
            await fetcher.aclose()
        return "fetched"

    refused = asyncio.run(fetch("http://10.9.9.9:9/x", ()))
    assert "private" in refused
    tried = asyncio.run(fetch("http://127.0.0.1:9/x", ("127.0.0.0/8",)))  # allowed: it gets as far as connecting
    assert "ConnectError" in tried
