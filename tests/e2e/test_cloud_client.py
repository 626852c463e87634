"""The cloud client against the real ``edge serve``: both endpoints, all three formats, typed refusals."""

from __future__ import annotations

import pytest

from edge.cloud.client import CloudClient
from edge.config import CloudConfig
from edge.errors import CloudAuthError, CloudInputError
from edge.schema import ErrorCode, SideType
from edge.server.launch import ImageHost, ServerProcess
from tests.e2e.conftest import Photos


def _client(server: ServerProcess, secret: str | None = None) -> CloudClient:
    config = CloudConfig(base_url=server.api, api_key=server.key, api_secret=secret or server.secret, retries=0)
    return CloudClient(config)


@pytest.mark.parametrize("fmt", ["file", "base64", "url"])
def test_both_endpoints_in_every_format(server: ServerProcess, image_host: ImageHost, photos: Photos,
                                        fmt: str) -> None:
    urls = [image_host.url("/front.jpg", "localhost"), image_host.url("/back.jpg", "localhost")]
    with _client(server) as client:
        if fmt == "url":
            both, one = client.scan_urls(urls), client.scan_urls(urls[1:], thumb=True)
        else:
            both = client.scan([photos.front, photos.back], fmt)  # type: ignore[arg-type]
            one = client.scan([photos.back], fmt, thumb=True)  # type: ignore[arg-type]
    assert both.ok and [s.type for s in both.data] == [SideType.FRONT, SideType.BACK]
    plate = both.data[1].info["plate"]
    assert plate.text and plate.source == "cloud" and plate.confidence is not None
    assert one.ok and one.data[0].type == SideType.BACK and one.data[0].image


def test_refusals_are_typed_and_no_card_is_an_answer(server: ServerProcess, photos: Photos) -> None:
    with _client(server, "wrong") as client, pytest.raises(CloudAuthError):
        client.scan([photos.front])
    with _client(server) as client:
        with pytest.raises(CloudInputError) as info:
            client.scan([b"definitely not an image"])
        assert info.value.code == "3"
        assert client.scan([photos.no_card]).errorCode == ErrorCode.NO_CONTENT
        assert client.breaker.state == "closed"
