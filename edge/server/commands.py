"""Handlers of ``edge serve`` and ``edge bench api`` (named from edge.cli as ``edge.server.commands:...``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from edge.config import ENV_CONFIG_FILE, Config


def serve(args: argparse.Namespace) -> int:
    config: Config = args.config_obj
    if args.new_key:
        from edge.server.auth import new_key

        key, secret, entry = new_key()
        print(f"api_key    = {key}\napi_secret = {secret}\n\n# in [server] api_keys (the secret is stored hashed):\n"
              f'"{entry}"')
        return 0
    import uvicorn

    from edge.server.app import create_app

    s = config.server
    host = args.host or s.host
    port = s.port if args.port is None else args.port
    workers = args.workers or s.workers
    common = {"host": host, "port": port, "log_config": None, "access_log": False, "server_header": False,
              "timeout_graceful_shutdown": int(s.shutdown_timeout_s)}
    if workers == 1:
        app = create_app(config)  # validates the keys before anything listens
        uvicorn.Server(uvicorn.Config(app, **common)).run()  # type: ignore[arg-type]
        return 0
    create_app(config)  # the same validation, once, in the parent
    if args.config is not None:
        os.environ[ENV_CONFIG_FILE] = str(Path(args.config).resolve())
    uvicorn.run("edge.server.app:app_from_env", factory=True, workers=workers, **common)  # type: ignore[arg-type]
    return 0


def bench_api(args: argparse.Namespace) -> int:
    from edge.server.bench import run_bench

    return run_bench(args)
