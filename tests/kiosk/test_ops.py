"""Operations: the systemd units verify, the watchdog speaks sd_notify on a real socket, ``edge doctor`` reports."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge.ops.systemd import notify, start_watchdog, watchdog_interval_s
from tests.test_cli import edge

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "systemd").glob("*.service"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as installed under /opt/edge; here the prefix is this checkout (verify needs real executables)."""
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/edge", str(ROOT)))
    res = subprocess.run(["systemd-analyze", "verify", *[str(tmp_path / u.name) for u in UNITS]],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert {u.name for u in UNITS} >= {"edge-kiosk.service", "edge-kiosk-browser.service", "edge-serve.service"}


def test_kiosk_unit_is_watched_sandboxed_and_gets_credentials() -> None:
    text = (ROOT / "systemd" / "edge-kiosk.service").read_text()
    for line in ("Type=notify", "WatchdogSec=", "Restart=always", "LoadCredential=webhook.secret:",
                 "LoadCredential=cloud.api_secret:", "ProtectSystem=strict", "NoNewPrivileges=yes",
                 "StateDirectory=edge"):
        assert line in text
    assert os.access(ROOT / "deploy" / "kiosk-browser.sh", os.X_OK)


def test_watchdog_pings_only_while_healthy(tmp_path: Path) -> None:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2.0)
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": str(os.getpid())}
    assert notify("READY=1", env) and sock.recv(64) == b"READY=1"
    assert not notify("READY=1", {})
    assert watchdog_interval_s(env) == 0.1 and watchdog_interval_s({**env, "WATCHDOG_PID": "1"}) is None
    healthy = threading.Event()
    healthy.set()
    stop = threading.Event()
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        thread = start_watchdog(healthy.is_set, stop)
        assert thread is not None
        assert sock.recv(64) == b"WATCHDOG=1"
        healthy.clear()
        time.sleep(0.15)
        sock.settimeout(0.01)
        while True:  # drain what was sent before the loop went unhealthy
            try:
                sock.recv(64)
            except TimeoutError:
                break
        sock.settimeout(0.4)
        with pytest.raises(TimeoutError):
            sock.recv(64)
    finally:
        stop.set()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        sock.close()


def test_doctor_reports_each_check_and_what_to_fix(tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(3):
        cv2.imwrite(str(frames / f"{i:03d}.png"), np.full((480, 640, 3), 80 + i, np.uint8))
    env = {"EDGE_STORE__PATH": str(tmp_path / "edge.db"), "EDGE_FALLBACK__MODE": "auto"}
    res = edge("doctor", "--camera", f"replay:{frames}", "--json", env=env)
    checks = {c["name"]: c for c in json.loads(res.stdout)}
    assert set(checks) == {"models", "runtime", "camera", "disk", "store", "clock", "cloud", "webhook"}
    assert checks["models"]["level"] == "ok" and "sha256" in checks["models"]["detail"]
    assert checks["camera"]["level"] == "ok" and "640x480" in checks["camera"]["detail"]
    assert checks["cloud"]["level"] == "warn" and "api_key" in checks["cloud"]["fix"]
    assert res.returncode == 0, res.stderr
    res = edge("doctor", "--camera", f"replay:{tmp_path / 'nope'}", "--skip", "runtime", env=env)
    assert res.returncode == 1 and "FAIL  camera" in res.stdout and "fix:" in res.stdout
    assert "Traceback" not in res.stderr
