"""A real webhook receiver on loopback: checks signatures, applies each idempotency key once, can fail on demand."""

from __future__ import annotations

import http.server
import json
import threading
import time
from typing import Any

from edge.server.launch import LoopbackHTTP
from edge.store.sync import signature_ok


class Receiver(LoopbackHTTP):
    """``applied`` holds each payload the first time its key arrives; ``hits`` counts every POST."""

    def __init__(self, secret: str = "", fail_first: int = 0, status: int = 500, delay_s: float = 0.0) -> None:
        self.secret, self.fail_left, self.status, self.delay_s = secret, fail_first, status, delay_s
        self.applied: list[dict[str, Any]] = []
        self.keys: set[str] = set()
        self.hits = 0
        self.bad_signatures = 0
        self.truncated = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-body (a SIGKILL test): no request, nothing to check
                    with owner.lock:
                        owner.truncated += 1
                    return
                code = owner.handle(dict(self.headers.items()), body)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        if self.delay_s:
            time.sleep(self.delay_s)
        with self.lock:
            self.hits += 1
            if self.fail_left > 0:
                self.fail_left -= 1
                return self.status
            if self.secret and not signature_ok(self.secret, headers.get("X-Edge-Timestamp", ""), body,
                                                headers.get("X-Edge-Signature", "")):
                self.bad_signatures += 1
                return 401
            key = headers.get("Idempotency-Key", "")
            if key not in self.keys:
                self.keys.add(key)
                self.applied.append(json.loads(body))
            return 200

