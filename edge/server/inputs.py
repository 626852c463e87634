"""From an HTTP request to decoded images, with the seed's error code for every way it can go wrong.

Reading the request (form parts, URL downloads) happens on the event loop; turning bytes into
pixels (base64, JSON, image decoding) happens in the worker pool, through ``Inputs.images``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from starlette.datastructures import UploadFile
from starlette.requests import Request

from edge.document.image import decode_image, image_size
from edge.errors import FetchError, ImageError
from edge.schema import ErrorCode
from edge.server.fetch import Fetcher

DATA_URL = re.compile(r"^\s*data:[\w.+/-]*(;[\w.+=-]+)*;base64,", re.IGNORECASE)
WHITESPACE = re.compile(rb"\s+")


class FormatType(StrEnum):
    URL = "url"
    FILE = "file"
    BASE64 = "base64"


class ApiError(Exception):
    """A request answered with an error envelope: its code, HTTP status, a detail for the X-Edge-Detail header."""

    def __init__(self, code: ErrorCode, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.code, self.status, self.detail = code, status, detail
        self.headers = headers or {}


class BodyTooLarge(Exception):
    """The request body grew past server.max_body_mb while it was read."""


def parse_format(value: str | None, method: str) -> FormatType:
    """format_type must be known and match the method: url with GET, file and base64 with POST."""
    try:
        fmt = FormatType((value or "").strip().lower())
    except ValueError:
        raise ApiError(ErrorCode.BAD_FORMAT_TYPE, 400, "format_type must be url, file or base64") from None
    if (fmt is FormatType.URL) != (method == "GET"):
        raise ApiError(ErrorCode.BAD_FORMAT_TYPE, 400, f"format_type={fmt.value} does not go with {method}")
    return fmt


def parse_bool(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes", "on")


@dataclass
class Inputs:
    """What a request carried, not yet decoded: image bytes, or a JSON body of base64 strings."""

    names: tuple[str, ...]
    blobs: list[bytes] = field(default_factory=list)
    json_body: bytes | None = None

    def raw(self) -> list[bytes]:
        """The encoded pictures as sent (what the cloud fallback forwards)."""
        return self.blobs if self.json_body is None else _base64_images(self.json_body, self.names)

    def images(self, max_pixels: int) -> list[NDArray[np.uint8]]:
        return [_decode(name, blob, max_pixels) for name, blob in zip(self.names, self.raw(), strict=True)]


async def read_inputs(request: Request, names: tuple[str, ...], fmt: FormatType, fetcher: Fetcher) -> Inputs:
    content_type = request.headers.get("content-type", "").lower()
    if fmt is FormatType.URL:
        return Inputs(names, await _download(request, names, fetcher))
    if fmt is FormatType.FILE:
        if not content_type.startswith("multipart/form-data"):
            raise ApiError(ErrorCode.BAD_FORMAT_TYPE, 400, "format_type=file needs a multipart/form-data body")
        return Inputs(names, await _files(request, names))
    if content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        raise ApiError(ErrorCode.BAD_FORMAT_TYPE, 400, "format_type=base64 needs a JSON body, not a form")
    return Inputs(names, json_body=await request.body())


async def _download(request: Request, names: tuple[str, ...], fetcher: Fetcher) -> list[bytes]:
    urls = [request.query_params.get(n, "").strip() for n in names]
    for name, url in zip(names, urls, strict=True):
        if not url:
            raise ApiError(ErrorCode.URL_UNAVAILABLE, 400, f"query parameter {name} (an image URL) is missing")
    blobs = []
    for name, url in zip(names, urls, strict=True):
        try:
            blobs.append(await fetcher.get(url))
        except FetchError as exc:
            raise ApiError(ErrorCode.URL_UNAVAILABLE, 400, f"{name}: {exc}") from exc
    return blobs


async def _files(request: Request, names: tuple[str, ...]) -> list[bytes]:
    try:
        form = await request.form(max_files=len(names) + 2, max_fields=16)
    except BodyTooLarge:
        raise
    except Exception as exc:  # starlette reports a malformed multipart body in several ways
        raise ApiError(ErrorCode.BAD_IMAGE, 400, f"the multipart body cannot be read: {exc.__class__.__name__}") \
            from exc
    try:
        blobs = []
        for name in names:
            part = form.get(name)
            if not isinstance(part, UploadFile):
                raise ApiError(ErrorCode.BAD_IMAGE, 400, f"file part {name} is missing")
            blobs.append(await part.read())
        return blobs
    finally:
        await form.close()


def _base64_images(body: bytes, names: tuple[str, ...]) -> list[bytes]:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(ErrorCode.BAD_IMAGE, 400, "the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise ApiError(ErrorCode.BAD_IMAGE, 400, "the body is not a JSON object")
    blobs = []
    for name in names:
        value = payload.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ApiError(ErrorCode.BAD_IMAGE, 400, f"{name} (a base64 string) is missing")
        blobs.append(decode_base64(value, name))
    return blobs


def decode_base64(text: str, name: str = "image") -> bytes:
    """Standard or URL-safe base64, with newlines (``base64.encodebytes``), a ``data:`` prefix, no padding."""
    raw = WHITESPACE.sub(b"", DATA_URL.sub("", text, count=1).encode("ascii", "replace"))
    raw += b"=" * (-len(raw) % 4)
    try:
        if b"-" in raw or b"_" in raw:
            return base64.urlsafe_b64decode(raw)
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(ErrorCode.BAD_IMAGE, 400, f"{name} is not valid base64") from exc


def _decode(name: str, blob: bytes, max_pixels: int) -> NDArray[np.uint8]:
    try:
        w, h = image_size(blob)
        if w * h > max_pixels:
            raise ApiError(ErrorCode.BAD_IMAGE, 413, f"{name} is {w}x{h} pixels; the limit is {max_pixels}")
        return decode_image(blob, max_pixels)
    except ImageError as exc:
        bomb = isinstance(exc.__cause__, PILImage.DecompressionBombError)  # Pillow's own, far-over-the-limit check
        raise ApiError(ErrorCode.BAD_IMAGE, 413 if bomb else 400, f"{name}: {exc}") from exc
