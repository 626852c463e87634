"""``edge doctor``: check camera, models, runtime, disk, clock, network and credentials; say what to fix."""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, cast
from urllib.parse import urlsplit

from edge.config import Config
from edge.errors import EdgeError

Level = Literal["ok", "warn", "fail"]
MIN_FREE_MB = 500
BUILD_YEAR = 2026  # a clock before this year is certainly wrong (no RTC, no NTP yet)


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str
    fix: str = ""


def _models(cfg: Config) -> Check:
    from edge.runtime.manifest import load_manifest, verified_path

    folder = cfg.ocr.models_path()
    manifest = load_manifest(folder)
    for name in manifest.models:
        verified_path(folder, name, manifest)
    return Check("models", "ok", f"{len(manifest.models)} model(s) in {folder} match their sha256")


def _runtime(cfg: Config) -> Check:
    from edge.document.pipeline import Pipeline

    t0 = time.monotonic()
    Pipeline.load(cfg.ocr)
    return Check("runtime", "ok", f"{cfg.ocr.backend} {cfg.ocr.precision} recogniser loaded in "
                                  f"{time.monotonic() - t0:.2f} s")


def _camera(cfg: Config, spec: str | None) -> Check:
    from edge.camera.registry import open_camera

    camera = open_camera(spec or cfg.camera.source, cfg.camera)
    camera.start()
    try:
        frame = camera.read()
    finally:
        camera.close()
    h, w = frame.image.shape[:2]
    level: Level = "warn" if camera.name.startswith("replay:memory") else "ok"
    return Check("camera", level, f"{camera.name}: a {w}x{h} frame read",
                 "no camera found: the built-in sample is used (set [camera] source)" if level == "warn" else "")


def _disk(cfg: Config) -> Check:
    from edge.store.outbox import default_path

    path = Path(cfg.store.path) if cfg.store.path else default_path()
    folder = next((p for p in [path.parent, *path.parents] if p.exists()), Path("/"))
    free_mb = shutil.disk_usage(folder).free / 1e6
    if free_mb < MIN_FREE_MB:
        return Check("disk", "fail", f"{free_mb:.0f} MB free at {folder}",
                     f"free space or lower [store] image_retention_days; run `edge queue purge` (< {MIN_FREE_MB} MB)")
    return Check("disk", "ok", f"{free_mb / 1000:.1f} GB free at {folder}")


def _store(cfg: Config) -> Check:
    from edge.store.outbox import Store

    with Store.open(cfg.store.path) as store:
        ok = store.integrity()
        status = store.status()
    pending = status["lanes"]["handoff"]["pending"]
    if ok != "ok":
        return Check("store", "fail", f"{store.path}: integrity check says {ok}", "restore the file from a backup")
    level: Level = "warn" if pending and not cfg.webhook.url else "ok"
    return Check("store", level, f"{store.path}: {pending} hand-off(s) waiting",
                 "no [webhook] url: hand scans off with `edge queue export --ack`" if level == "warn" else "")


def _clock(cfg: Config) -> Check:
    year = time.gmtime().tm_year
    if year < BUILD_YEAR:
        return Check("clock", "fail", f"the clock says {time.strftime('%Y-%m-%d')}",
                     "set the time (timedatectl set-ntp true, or an RTC); signatures and retention need it")
    synced = ""
    if shutil.which("timedatectl"):
        out = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                             text=True, timeout=5, check=False).stdout.strip()
        synced = out
    if synced == "no":
        return Check("clock", "warn", "the clock is not synchronised (NTP)", "timedatectl set-ntp true")
    return Check("clock", "ok", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))


def _reach(url: str, timeout_s: float = 3.0) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with socket.create_connection((parts.hostname or "", port), timeout=timeout_s):
        return f"{parts.hostname}:{port} reachable"


def _cloud(cfg: Config) -> Check:
    if cfg.fallback.mode == "off":
        return Check("cloud", "ok", "fallback off")
    if not (cfg.cloud.api_key and cfg.cloud.api_secret):
        return Check("cloud", "warn", "no cloud credentials: the fallback is off",
                     "set cloud.api_key / cloud.api_secret (LoadCredential= in the unit, or EDGE_CLOUD__API_KEY)")
    return Check("cloud", "ok", _reach(cfg.cloud.base_url))


def _webhook(cfg: Config) -> Check:
    if not cfg.webhook.url:
        return Check("webhook", "warn", "no [webhook] url", "set it, or hand off with `edge queue export`")
    detail = _reach(cfg.webhook.url)
    if not cfg.webhook.secret:
        return Check("webhook", "warn", detail + ", but unsigned", "set webhook.secret (a systemd credential)")
    return Check("webhook", "ok", detail)


def run_checks(cfg: Config, camera: str | None = None, skip: tuple[str, ...] = ()) -> list[Check]:
    probes: list[tuple[str, Callable[[], Check], str]] = [
        ("models", lambda: _models(cfg), "reinstall the package, or restore models/ from the release"),
        ("runtime", lambda: _runtime(cfg), "install the runtime: pip install onnxruntime (or the 'tflite' extra)"),
        ("camera", lambda: _camera(cfg, camera), "check the cable / ribbon, `ls /dev/video*`, [camera] source"),
        ("disk", lambda: _disk(cfg), ""),
        ("store", lambda: _store(cfg), "check [store] path and its permissions"),
        ("clock", lambda: _clock(cfg), ""),
        ("cloud", lambda: _cloud(cfg), "check the network, DNS and [cloud] base_url"),
        ("webhook", lambda: _webhook(cfg), "check the network and [webhook] url"),
    ]
    out: list[Check] = []
    for name, probe, fix in probes:
        if name in skip:
            continue
        try:
            out.append(probe())
        except (EdgeError, OSError, subprocess.SubprocessError) as exc:
            out.append(Check(name, "fail", str(exc) or type(exc).__name__, fix))
    return out


def doctor(args: argparse.Namespace) -> int:
    checks = run_checks(cast(Config, args.config_obj), args.camera, tuple(args.skip or ()))
    if args.json:
        print(json.dumps([asdict(c) for c in checks], ensure_ascii=False, indent=1))
    else:
        for c in checks:
            print(f"{c.level.upper():4s}  {c.name:8s} {c.detail}" + (f"\n      fix: {c.fix}" if c.fix else ""))
    return 1 if any(c.level == "fail" for c in checks) else 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = sub.add_parser("doctor", help="check camera, models, runtime, disk, clock, network and credentials")
    d.add_argument("--camera", default=None, metavar="SPEC", help="default: config camera.source")
    d.add_argument("--skip", action="append", choices=("models", "runtime", "camera", "disk", "store", "clock",
                                                        "cloud", "webhook"), help="leave a check out (repeatable)")
    d.add_argument("--json", action="store_true")
    d.set_defaults(handler="edge.ops.doctor:doctor")
