"""The seed's six endpoint / format combinations, plus health, readiness and metrics.

Every API answer is the seed's JSON envelope, errors included; the reason of an error is given
in the ``X-Edge-Detail`` header so the body stays byte-compatible with the provider's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel, Field

from edge.schema import Envelope, ErrorCode
from edge.server.inputs import ApiError, BodyTooLarge, FormatType, parse_bool, parse_format, read_inputs
from edge.server.pool import PoolFull, PoolTimeout
from edge.server.state import ServerState

log = logging.getLogger("edge.server")
PREFIX = "/api/v2/ocr"
AUTH_HEADERS = {"WWW-Authenticate": 'Basic realm="edge", charset="UTF-8"'}
ENDPOINTS: dict[str, tuple[str, ...]] = {"vehicle_registrations": ("img1", "img2"), "vehicle_registration": ("img",)}
STATUS_OF = {ErrorCode.SUCCESS: 200, ErrorCode.NO_CONTENT: 200}

# Declared as plain strings so a bad value reaches the handler and gets the seed's errorCode 6, not a 422.
FormatQuery = Annotated[str | None, Query(description="how the image is sent: url (GET), file or base64 (POST)",
                                          json_schema_extra={"enum": [f.value for f in FormatType]})]
ThumbQuery = Annotated[str | None, Query(
    description="true: each side's info.image holds the card cropped and aligned (base64 JPEG)",
    json_schema_extra={"enum": ["true", "false"]})]


class ItemDoc(BaseModel):
    type: Literal["vehicle_registration_front", "vehicle_registration_back"]
    info: dict[str, str | float] = Field(description="each field, its X_confidence (0..1), and image when asked")


class EnvelopeDoc(BaseModel):
    """The seed's response; errorCode 0 Success, 1 no card, 2 URL, 3 image, 4 quota, 5 credentials, 6 format."""

    data: list[ItemDoc]
    errorCode: Literal["0", "1", "2", "3", "4", "5", "6"]
    errorMessage: str


ERROR_DOCS: dict[int | str, dict[str, Any]] = {
    200: {"model": EnvelopeDoc, "description": "errorCode 0 (sides found) or 1 (no card in the photo)"},
    400: {"model": EnvelopeDoc, "description": "errorCode 2 (URL unavailable), 3 (bad image) or 6 (format_type)"},
    401: {"model": EnvelopeDoc, "description": "errorCode 5: missing or wrong api_key / api_secret"},
    408: {"model": EnvelopeDoc, "description": "errorCode 3: the body did not arrive within body_timeout_s"},
    413: {"model": EnvelopeDoc, "description": "errorCode 3: body or image too large"},
    429: {"model": EnvelopeDoc, "description": "errorCode 4: the key's quota or rate is exhausted (Retry-After)"},
    503: {"model": EnvelopeDoc, "description": "errorCode 4: the server is saturated; retry (Retry-After)"},
}


def _body_doc(names: tuple[str, ...]) -> dict[str, Any]:
    files = {n: {"type": "string", "format": "binary"} for n in names}
    b64 = {n: {"type": "string", "description": "base64 (newlines and a data: prefix are accepted)"} for n in names}
    return {"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": files, "required": list(names)}},
        "application/json": {"schema": {"type": "object", "properties": b64, "required": list(names)}},
    }}}


async def handle(request: Request, endpoint: str) -> Response:
    state: ServerState = request.app.state.edge
    t0 = time.perf_counter()
    names = ENDPOINTS[endpoint]
    fmt_label, key, headers, sides = "invalid", "-", {}, 0
    try:
        key = state.keys.check(request.headers.get("authorization")) or "-"
        if key == "-":
            raise ApiError(ErrorCode.BAD_CREDENTIALS, 401, "missing or wrong api_key / api_secret", AUTH_HEADERS)
        retry = state.limiter.admit(key)
        if retry is not None:
            raise ApiError(ErrorCode.OUT_OF_REQUESTS, 429, "the key's quota or rate limit is exhausted",
                           {"Retry-After": str(int(retry))})
        fmt = parse_format(request.query_params.get("format_type"), request.method)
        fmt_label = fmt.value
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > state.max_body:
            raise ApiError(ErrorCode.BAD_IMAGE, 413, f"the body is over {state.max_body} bytes")
        thumb = parse_bool(request.query_params.get("get_thumb"))
        try:
            async with asyncio.timeout(state.config.server.body_timeout_s if fmt is not FormatType.URL else None):
                inputs = await read_inputs(request, names, fmt, state.fetcher)
        except TimeoutError:
            raise ApiError(ErrorCode.BAD_IMAGE, 408, "the request body did not arrive in time",
                           {"Connection": "close"}) from None
        envelope = await state.scan(inputs, thumb)
        status, sides = STATUS_OF.get(envelope.errorCode, 500), len(envelope.data)
    except ApiError as exc:
        envelope, status = Envelope.error(exc.code), exc.status
        headers = {**exc.headers, "X-Edge-Detail": exc.detail}
    except BodyTooLarge:
        envelope, status = Envelope.error(ErrorCode.BAD_IMAGE), 413
        headers = {"X-Edge-Detail": f"the body is over {state.max_body} bytes", "Connection": "close"}
    except (PoolFull, PoolTimeout) as exc:
        state.metrics.rejected.labels("full" if isinstance(exc, PoolFull) else "timeout").inc()
        envelope, status = Envelope.error(ErrorCode.OUT_OF_REQUESTS), 503
        headers = {"Retry-After": "1", "X-Edge-Detail": "the server is saturated; retry shortly"}
    except Exception:
        log.exception("internal error on %s %s", request.method, endpoint)
        envelope, status = Envelope.error(ErrorCode.NO_CONTENT), 500
        headers = {"X-Edge-Detail": "internal error; see the server log"}
    elapsed = time.perf_counter() - t0
    code = envelope.errorCode.value
    state.metrics.requests.labels(endpoint, fmt_label, code, str(status)).inc()
    state.metrics.latency.labels(endpoint).observe(elapsed)
    detail = f" ({headers['X-Edge-Detail']})" if "X-Edge-Detail" in headers else ""  # details never quote input
    log.info("%s %s format=%s key=%s status=%d errorCode=%s sides=%d %.0fms%s", request.method, endpoint,
             fmt_label, key, status, code, sides, elapsed * 1000, detail)
    return Response(envelope.to_json(state.confidences), status, headers=headers, media_type="application/json")


def api_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["vehicle registration OCR"], responses=ERROR_DOCS)

    async def both_sides_url(request: Request, format_type: FormatQuery = None, get_thumb: ThumbQuery = None,
                             img1: Annotated[str | None, Query(description="front image URL")] = None,
                             img2: Annotated[str | None, Query(description="back image URL")] = None) -> Response:
        """Both sides from image URLs (format_type=url)."""
        return await handle(request, "vehicle_registrations")

    async def both_sides_upload(request: Request, format_type: FormatQuery = None,
                                get_thumb: ThumbQuery = None) -> Response:
        """Both sides: files img1 and img2 (format_type=file) or JSON {"img1": b64, "img2": b64} (base64)."""
        return await handle(request, "vehicle_registrations")

    async def one_side_url(request: Request, format_type: FormatQuery = None, get_thumb: ThumbQuery = None,
                           img: Annotated[str | None, Query(description="image URL of either side")] = None
                           ) -> Response:
        """One side, either, from an image URL (format_type=url)."""
        return await handle(request, "vehicle_registration")

    async def one_side_upload(request: Request, format_type: FormatQuery = None,
                              get_thumb: ThumbQuery = None) -> Response:
        """One side, either: file img (format_type=file) or JSON {"img": b64} (format_type=base64)."""
        return await handle(request, "vehicle_registration")

    for path, get, post, names in (("/vehicle_registrations", both_sides_url, both_sides_upload, ("img1", "img2")),
                                   ("/vehicle_registration", one_side_url, one_side_upload, ("img",))):
        for suffix, shown in (("", True), ("/", False)):
            router.add_api_route(path + suffix, get, methods=["GET"], include_in_schema=shown,
                                 response_class=JSONResponse)
            router.add_api_route(path + suffix, post, methods=["POST"], include_in_schema=shown,
                                 openapi_extra=_body_doc(names), response_class=JSONResponse)
    return router


def ops_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process answers (liveness)."""
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> Response:
        """Models loaded and the pool taking work (readiness): 200, else 503."""
        state: ServerState = request.app.state.edge
        ready = state.ready and not state.pool.full
        body = {"status": "ready" if ready else "not ready", "pending": state.pool.pending,
                "capacity": state.pool.capacity}
        return JSONResponse(body, 200 if ready else 503)

    @router.get("/metrics")
    async def metrics(request: Request) -> Response:
        """Prometheus text exposition."""
        state: ServerState = request.app.state.edge
        state.metrics.pending.set(state.pool.pending)
        return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return router
