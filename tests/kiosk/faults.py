"""Loopback fault injectors standing in for a broken cloud: one that hangs, one that answers HTTP 500."""

from __future__ import annotations

import http.server
import socket
import threading
from typing import Any

from edge.server.launch import LoopbackHTTP


class Hang:
    """Accepts connections and reads, never answers (a cloud stuck behind a dead proxy)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/v2/ocr/"

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)

    def __enter__(self) -> Hang:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()
        for c in self.conns:
            c.close()
        self.sock.close()


class Failing(LoopbackHTTP):
    """Answers every request with HTTP 500 and counts them."""

    def __init__(self, status: int = 500) -> None:
        self.hits = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _fail(self) -> None:
                owner.hits += 1
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _fail

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2/ocr/"
