"""``edge kiosk``: the camera loop, the session flow and the touch web UI as one long-running service."""

from __future__ import annotations

import argparse
import sys
from typing import cast

from edge.config import Config


def kiosk(args: argparse.Namespace) -> int:
    import uvicorn

    from edge.kiosk.app import create_app
    from edge.service import build

    cfg = cast(Config, args.config_obj)
    updates = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    capture = {"sides": args.sides} if args.sides else {}
    cfg = cfg.model_copy(update={"kiosk": cfg.kiosk.model_copy(update=updates),
                                 "capture": cfg.capture.model_copy(update=capture)})
    service = build(cfg, args.camera)
    app = create_app(service.kiosk, service.store, on_start=service.start, on_stop=service.stop)
    print(f"edge kiosk: open http://{cfg.kiosk.host}:{cfg.kiosk.port}/ (camera {service.kiosk.camera.name}, "
          f"store {service.store.path})", file=sys.stderr, flush=True)
    uvicorn.run(app, host=cfg.kiosk.host, port=cfg.kiosk.port, log_level="warning", access_log=False)
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    k = sub.add_parser("kiosk", help="the walk-up kiosk: camera, front/back capture, reading, fallback, touch web UI "
                                     "on localhost, store-and-forward hand-off")
    k.add_argument("--camera", default=None, metavar="SPEC",
                   help="replay:PATH | v4l2:0 | picamera2 | jetson | sample | auto (default: config camera.source)")
    k.add_argument("--host", default=None, help="default: config kiosk.host")
    k.add_argument("--port", type=int, default=None, help="default: config kiosk.port")
    k.add_argument("--sides", type=int, choices=(1, 2), default=None, help="default: config capture.sides")
    k.set_defaults(handler="edge.kiosk.commands:kiosk")
