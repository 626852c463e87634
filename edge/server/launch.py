"""A real ``edge serve`` in a child process on loopback, and a loopback image host for format_type=url.

Used by ``edge bench api`` and by the end-to-end tests, so both measure and test the real server.
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Self

import httpx

from edge.config import toml_value
from edge.errors import EdgeError
from edge.server.auth import new_key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``python -m edge serve`` with a config of its own; ``start`` waits until /readyz answers 200."""

    def __init__(self, server: dict[str, Any] | None = None, extra_toml: str = "",
                 log_path: Path | None = None) -> None:
        self.key, self.secret, entry = new_key()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="edge-serve-"))
        settings = {"port": self.port, "api_keys": [entry], **(server or {})}
        lines = ["[server]", *(f"{k} = {toml_value(v)}" for k, v in settings.items()), extra_toml]
        self.config_path = self.folder / "edge.toml"
        self.config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.log_path = log_path or self.folder / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return self.base + "/api/v2/ocr/"

    @property
    def auth(self) -> tuple[str, str]:
        return self.key, self.secret

    def start(self, timeout_s: float = 60.0) -> ServerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "edge", "--config", str(self.config_path), "serve"],
                                         stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EdgeError(f"edge serve exited with {self.proc.returncode}: {self.log()[-2000:]}")
            try:
                if httpx.get(self.base + "/readyz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise EdgeError(f"edge serve did not become ready in {timeout_s:g} s: {self.log()[-2000:]}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def terminate(self) -> None:
        """SIGTERM: the graceful shutdown a service manager asks for."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stop(self, timeout_s: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        self.terminate()
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LoopbackHTTP:
    """A threaded HTTP server on 127.0.0.1 at a free port, serving while used as a context manager."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class ImageHost(LoopbackHTTP):
    """Serves path -> bytes on 127.0.0.1 from a thread; ``slow`` paths wait first, ``redirects`` point on."""

    def __init__(self, files: dict[str, bytes], slow: dict[str, float] | None = None,
                 redirects: dict[str, str] | None = None) -> None:
        self.files = files
        files_ref, slow_ref, redirects_ref = files, slow or {}, redirects or {}

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                time.sleep(slow_ref.get(path, 0.0))
                if path in redirects_ref:
                    self.send_response(302)
                    self.send_header("Location", redirects_ref[path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = files_ref.get(path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        super().__init__(Handler)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"
