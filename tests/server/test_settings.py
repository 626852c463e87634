"""Server and cloud settings: systemd credentials, the environment, and secrets masked when shown."""

from __future__ import annotations

from pathlib import Path

from edge.config import load_config, render_config
from edge.server.auth import new_key


def test_credentials_directory_then_environment(tmp_path: Path) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    entries = [new_key()[2], new_key()[2]]
    (creds / "server.api_keys").write_text("# keys\n" + "\n".join(entries) + "\n")
    (creds / "cloud.api_secret").write_text("from-credentials\n")
    config_file = tmp_path / "edge.toml"
    config_file.write_text('[cloud]\napi_secret = "from-file"\napi_key = "k"\n')
    env = {"CREDENTIALS_DIRECTORY": str(creds)}
    cfg = load_config(config_file, environ=env)
    assert cfg.server.api_keys == entries and cfg.cloud.api_secret == "from-credentials" and cfg.cloud.api_key == "k"
    cfg = load_config(config_file, environ={**env, "EDGE_CLOUD__API_SECRET": "from-env"})
    assert cfg.cloud.api_secret == "from-env"
    shown = render_config(cfg)
    assert "from-env" not in shown and 'api_secret = "********"' in shown
