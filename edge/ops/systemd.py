"""systemd notifications (READY, WATCHDOG, STOPPING) over $NOTIFY_SOCKET, without a dependency."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable


def notify(message: str, environ: dict[str, str] | None = None) -> bool:
    """Send one sd_notify datagram; False when not run by systemd (no socket)."""
    address = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(address)
            sock.sendall(message.encode())
        except OSError:
            return False
    return True


def watchdog_interval_s(environ: dict[str, str] | None = None) -> float | None:
    """Half of WatchdogSec (systemd passes it as WATCHDOG_USEC), or None when no watchdog is asked for."""
    env = environ if environ is not None else os.environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2e6


def start_watchdog(healthy: Callable[[], bool], stop: threading.Event) -> threading.Thread | None:
    """Ping the watchdog only while ``healthy()`` holds, so a stuck camera loop gets the service restarted."""
    interval = watchdog_interval_s()
    if interval is None:
        return None

    def loop() -> None:
        while not stop.wait(interval):
            if healthy():
                notify("WATCHDOG=1")

    thread = threading.Thread(target=loop, name="edge-watchdog", daemon=True)
    thread.start()
    return thread
