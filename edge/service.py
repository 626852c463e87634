"""The one place that wires config -> camera -> capture -> pipeline -> fallback -> store -> delivery -> kiosk."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from edge.cloud.fallback import Fallback
from edge.config import Config
from edge.kiosk.session import Kiosk
from edge.store.outbox import Store
from edge.store.sync import Sync

log = logging.getLogger("edge.service")


@dataclass
class Service:
    """The running kiosk: its parts, and the threads started with ``start`` and stopped with ``stop``."""

    cfg: Config
    store: Store
    fallback: Fallback
    sync: Sync
    kiosk: Kiosk
    stop_event: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        from edge.ops.systemd import notify, start_watchdog

        retention = self.store.purge(self.cfg.store.retention_days, self.cfg.store.image_retention_days)
        if any(retention.values()):
            log.info("retention: erased %d scan(s) and %d picture(s)", retention["scans"], retention["images"])
        self.sync.start(self.stop_event)
        self.kiosk.start()
        if self.cfg.kiosk.watchdog:
            start_watchdog(lambda: self.kiosk.alive and self.kiosk.heartbeat_age() < 20.0, self.stop_event)
        notify("READY=1\nSTATUS=waiting for a card")

    def stop(self) -> None:
        from edge.ops.systemd import notify

        notify("STOPPING=1")
        self.stop_event.set()
        self.sync.wake.set()
        self.kiosk.stop()
        self.fallback.close()
        self.sync.close()
        self.store.close()


def build(cfg: Config, camera_spec: str | None = None) -> Service:
    """Open everything a kiosk needs; ModelError / CameraError / StoreError say what is wrong."""
    from edge.camera.registry import open_camera
    from edge.capture.thresholds import load_thresholds
    from edge.document.pipeline import Pipeline
    from edge.store.verify import make_verifier

    pipeline = Pipeline.load(cfg.ocr)
    camera = open_camera(camera_spec or cfg.camera.source, cfg.camera)
    thresholds = load_thresholds(Path(cfg.capture.thresholds) if cfg.capture.thresholds else None)
    store = Store.open(cfg.store.path)
    fallback = Fallback(cfg.fallback, cfg.cloud)
    sync = Sync(store, cfg.webhook, make_verifier(store, fallback) if fallback.enabled else None)
    kiosk = Kiosk(cfg, camera, pipeline, fallback, store, thresholds, on_queued=sync.wake.set)
    return Service(cfg, store, fallback, sync, kiosk)
