"""The FastAPI application: models loaded once in the lifespan, the seed's routes, envelopes for every error."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.config import Config
from edge.document.pipeline import Pipeline
from edge.schema import Envelope, ErrorCode
from edge.server.inputs import BodyTooLarge
from edge.server.routes import api_router, ops_router
from edge.server.state import ServerState

log = logging.getLogger("edge.server")
DESCRIPTION = """\
Reads Vietnamese vehicle registration certificates (front and back) and answers with the
provider's JSON envelope: `{"data": [...], "errorCode": "0", "errorMessage": "Success"}`.

HTTP Basic authentication: username = api_key, password = api_secret.
Error codes: 0 Success; 1 The photo does not contain content; 2 Url is unavailable;
3 Incorrect image format; 4 Out of requests; 5 Incorrect Api_key or api_secret; 6 Incorrect format type.
The reason of an error is in the `X-Edge-Detail` response header.
"""


class BodyLimit:
    """Stop reading a request body (chunked or lying about its length) once it passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        await self.app(scope, limited, send)


def quiet_http_logs() -> None:
    """httpx logs every request URL at INFO; a format_type=url image URL may carry personal data or tokens."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _envelope(code: ErrorCode, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    return Response(Envelope.error(code).to_json(), status, media_type="application/json",
                    headers={**(headers or {}), "X-Edge-Detail": detail})


def create_app(config: Config, load: Callable[[Config], Pipeline] | None = None) -> FastAPI:
    """The app for one process; ``load`` builds the pipeline at start-up (default: the shipped models)."""
    state = ServerState.build(config)
    quiet_http_logs()
    loader = load or (lambda c: Pipeline.load(c.ocr))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        t0 = time.perf_counter()
        state.pipeline = await asyncio.to_thread(loader, config)
        log.info("models loaded in %.1f s; %d inference threads, queue %d", time.perf_counter() - t0,
                 state.pool.threads, state.pool.capacity - state.pool.threads)
        try:
            yield
        finally:
            log.info("shutting down: finishing %d scans in flight", state.pool.pending)
            await asyncio.to_thread(state.pool.shutdown)
            await state.fetcher.aclose()
            if state.fallback is not None:
                state.fallback.close()

    docs = config.server.docs
    app = FastAPI(title="edge — vehicle registration OCR", version="2", description=DESCRIPTION, lifespan=lifespan,
                  docs_url="/docs" if docs else None, redoc_url=None, openapi_url="/openapi.json" if docs else None)
    app.state.edge = state
    app.include_router(api_router())
    app.include_router(ops_router())
    app.add_middleware(BodyLimit, max_bytes=state.max_body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405 and request.url.path.startswith("/api/"):
            return _envelope(ErrorCode.BAD_FORMAT_TYPE, 405, "use GET with format_type=url, POST with file or base64",
                             {"Allow": "GET, POST"})
        return Response(f'{{"detail": "{exc.status_code}"}}', exc.status_code, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _envelope(ErrorCode.BAD_FORMAT_TYPE, 400, "the request's parameters are malformed")

    return app


def app_from_env() -> FastAPI:
    """Factory for worker processes (``server.workers`` > 1): each reads the config again from $EDGE_CONFIG."""
    from edge.config import load_config
    from edge.logs import setup_logging

    config = load_config()
    setup_logging(config.log)
    return create_app(config)
