"""A small process that captures, stores, confirms and delivers scans until it is SIGKILLed (for the kill loop)."""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from pathlib import Path

from edge.config import WebhookConfig
from edge.schema import Envelope, SideResult, SideType
from edge.store.export import handoff_payload
from edge.store.outbox import Store
from edge.store.sync import Sync


def main(db: str, url: str, secret: str, log_path: str, seed: int, produce: bool) -> None:
    """Report each scan id on ``log_path`` once its confirmation is committed, while delivering in the background."""
    rng = random.Random(seed)
    store = Store.open(Path(db))
    sync = Sync(store, WebhookConfig(url=url, secret=secret, backoff_s=0.01, backoff_max_s=0.05, timeout_s=2.0))
    stop = threading.Event()
    sync.start(stop)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(fd, b"ready\n")
    while produce:
        picture = rng.randbytes(rng.randint(2_000, 20_000))  # "capture": a picture's worth of bytes
        env = Envelope.success([SideResult.from_texts(SideType.FRONT, {"plate": f"29A-{rng.randint(0, 99999):05d}"},
                                                      0.99)])
        scan_id = store.add_scan(env, [picture])
        scan = store.scan(scan_id)
        assert scan is not None
        store.confirm(scan_id, env, handoff_payload("scan.confirmed", scan, env))
        sync.wake.set()
        os.write(fd, f"{scan_id}\n".encode())
        time.sleep(rng.random() * 0.01)
    while store.jobs("handoff"):
        time.sleep(0.02)
    os.write(fd, b"drained\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6] == "1")
