"""``edge queue status|retry|export|purge|deliver``: look at and act on the local store from a shell."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import cast

from edge.config import Config
from edge.errors import StoreError
from edge.store.outbox import Lane, Store


def _store(args: argparse.Namespace) -> Store:
    cfg = cast(Config, args.config_obj)
    path = Path(args.store) if getattr(args, "store", None) else Path(cfg.store.path) if cfg.store.path else None
    if path is not None and not path.exists() and args.action != "deliver":
        raise StoreError(f"no scan store at {path} (nothing was scanned yet, or [store] path points elsewhere)")
    return Store.open(path or "")


def queue(args: argparse.Namespace) -> int:
    cfg = cast(Config, args.config_obj)
    with _store(args) as store:
        if args.action == "status":
            status = store.status()
            if args.json:
                print(json.dumps(status, indent=1))
                return 0
            print(f"store {status['path']} ({status['bytes'] / 1e6:.1f} MB): scans {status['scans'] or 0}, "
                  f"{status['purged']} purged, {status['images']} pictures")
            for lane, s in status["lanes"].items():
                age = f", oldest waiting {s['oldest_pending_s']:.0f} s" if s["oldest_pending_s"] is not None else ""
                err = f", last error: {s['last_error']}" if s["last_error"] else ""
                print(f"  {lane:8s} pending {s['pending']}, delivered {s['done']}, given up {s['dead']}{age}{err}")
            return 0
        if args.action == "retry":
            n = store.retry(cast(Lane | None, args.lane))
            print(f"{n} job(s) due now; a running kiosk or `edge queue deliver` sends them")
            return 0
        if args.action == "export":
            if args.out is None or str(args.out) == "-":
                n = store.export(sys.stdout, args.format, args.all, args.ack)
            else:
                with open(args.out, "w", encoding="utf-8", newline="") as out:
                    n = store.export(out, args.format, args.all, args.ack)
            print(f"exported {n} scan(s)" + (" and marked them delivered" if args.ack else ""), file=sys.stderr)
            return 0
        if args.action == "purge":
            done = store.purge(cfg.store.retention_days, cfg.store.image_retention_days, everything=args.all)
            print(f"erased the personal data of {done['scans']} delivered scan(s) and {done['images']} picture(s)")
            return 0
        return _deliver(args, cfg, store)


def _deliver(args: argparse.Namespace, cfg: Config, store: Store) -> int:
    from edge.store.sync import Sync

    if not cfg.webhook.url:
        raise StoreError("no [webhook] url configured: nothing to deliver to (use `edge queue export`)")
    sync = Sync(store, cfg.webhook)
    try:
        if args.once:
            n = sync.drain(max_s=args.max_seconds)
            left = len(store.jobs("handoff"))
            print(f"delivered {n}, {left} still waiting")
            return 0 if left == 0 else 1
        sync.run(threading.Event())
        return 0
    finally:
        sync.close()


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    q = sub.add_parser("queue", help="the local scan store: status, retry, export (no network), purge, deliver")
    what = q.add_subparsers(dest="action", required=True, metavar="ACTION")

    def store_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--store", default=None, metavar="DB", help="store file (default: config store.path)")

    status = what.add_parser("status", help="scans, and jobs waiting / delivered / given up per lane")
    status.add_argument("--json", action="store_true")
    retry = what.add_parser("retry", help="make every waiting or given-up job due now")
    retry.add_argument("--lane", choices=("handoff", "verify"), default=None)
    export = what.add_parser("export", help="confirmed scans waiting for hand-off, as JSON lines or CSV")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--out", type=Path, default=None, help="file (default: standard output)")
    export.add_argument("--all", action="store_true", help="also scans already delivered")
    export.add_argument("--ack", action="store_true", help="mark the exported scans delivered (hand-off done)")
    purge = what.add_parser("purge", help="erase personal data and pictures past [store] retention")
    purge.add_argument("--all", action="store_true", help="every delivered scan now, whatever its age")
    deliver = what.add_parser("deliver", help="send waiting hand-offs to [webhook] url (until stopped)")
    deliver.add_argument("--once", action="store_true", help="deliver what is due, then exit (1 if some is left)")
    deliver.add_argument("--max-seconds", type=float, default=60.0)
    for p in (status, retry, export, purge, deliver):
        store_arg(p)
    q.set_defaults(handler="edge.store.commands:queue")
