"""The kiosk's web app on localhost: the page and its assets (shipped in the package), state, preview, actions."""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import Body, FastAPI, HTTPException, Response
from fastapi.responses import HTMLResponse, JSONResponse

from edge.kiosk.session import Kiosk
from edge.store.outbox import Store

WEB = files("edge.kiosk") / "web"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
NO_STORE = {"Cache-Control": "no-store"}


def _asset(name: str) -> tuple[bytes, str]:
    suffix = name[name.rfind("."):] if "." in name else ""
    item = WEB / name
    if "/" in name or suffix not in TYPES or not item.is_file():
        raise HTTPException(404, "no such file")
    return item.read_bytes(), TYPES[suffix]


def create_app(kiosk: Kiosk, store: Store, on_start: Callable[[], None] | None = None,
               on_stop: Callable[[], None] | None = None) -> FastAPI:
    """The app around a kiosk; ``on_start`` / ``on_stop`` start and stop the loops with the server."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if on_start:
            on_start()
        yield
        if on_stop:
            on_stop()

    app = FastAPI(title="edge kiosk", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)

    @app.get("/", response_class=HTMLResponse)
    def index() -> Response:
        body, kind = _asset("index.html")
        return Response(body, media_type=kind, headers=NO_STORE)

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        body, kind = _asset(name)
        return Response(body, media_type=kind)

    @app.get("/api/state")
    def state() -> JSONResponse:
        return JSONResponse(kiosk.view(), headers=NO_STORE)

    @app.get("/api/preview.jpg")
    def preview() -> Response:
        jpeg = kiosk.preview()
        if jpeg is None:
            return Response(status_code=204, headers=NO_STORE)
        return Response(jpeg, media_type="image/jpeg", headers=NO_STORE)

    @app.post("/api/start")
    def start() -> dict[str, bool]:
        kiosk.begin()
        return {"ok": True}

    @app.post("/api/cancel")
    def cancel() -> dict[str, bool]:
        kiosk.cancel()
        return {"ok": True}

    @app.post("/api/confirm")
    def confirm(body: dict[str, Any] = Body(...)) -> JSONResponse:  # noqa: B008
        fixes = body.get("fixes") or {}
        if not isinstance(fixes, dict) or not all(isinstance(v, dict) and all(isinstance(t, str) for t in v.values())
                                                  for v in fixes.values()):
            return JSONResponse({"ok": False, "error": "fixes must be {side: {field: text}}"}, status_code=422)
        if not kiosk.confirm(fixes):
            return JSONResponse({"ok": False, "error": "no result to confirm"}, status_code=409)
        return JSONResponse({"ok": True})

    @app.get("/api/status")
    def status() -> dict[str, Any]:
        """For remote monitoring: health, counts and timings, never personal data."""
        view = kiosk.view()
        lat = kiosk.latencies
        return {"alive": kiosk.alive, "heartbeat_age_s": round(time.monotonic() - kiosk.heartbeat, 2),
                "phase": view["phase"], "camera": kiosk.camera.name, "sessions_confirmed": kiosk.sessions,
                "uptime_s": round(time.time() - kiosk.started, 1),
                "latency_s": {"last": lat[-1] if lat else None,
                              "median": round(statistics.median(lat), 3) if lat else None, "n": len(lat)},
                "fallback": {"mode": kiosk.cfg.fallback.mode, "enabled": kiosk.fallback.enabled},
                "queue": store.status()}

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        ok = kiosk.alive and time.monotonic() - kiosk.heartbeat < 30
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    return app
