"""Config: TOML file, environment overrides, errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.config import Config, load_config, render_config
from edge.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "edge.example.toml"


def test_documented_example_is_valid_and_equals_the_defaults() -> None:
    assert load_config(EXAMPLE, environ={}) == Config()


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "edge.toml"
    path.write_text("[synth]\nworkers = 1\nfont_split = \"heldout\"\n")
    cfg = load_config(path, environ={"EDGE_SYNTH__WORKERS": "3"})
    assert cfg.synth.workers == 3
    assert cfg.synth.font_split == "heldout"


def test_edge_config_variable_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("[log]\nlevel = \"debug\"\n")
    assert load_config(None, environ={"EDGE_CONFIG": str(path)}).log.level == "debug"


def test_bad_value_names_key_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "edge.toml"
    path.write_text("[log]\nlevel = \"info\"\n\n[synth]\nworkers = \"many\"\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert "synth.workers" in str(err.value)
    assert f"{path} line 5" in str(err.value)


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "edge.toml"
    path.write_text("[synth]\ncolour = 3\n")
    with pytest.raises(ConfigError, match=r"synth.colour: unknown key .*line 2"):
        load_config(path, environ={})


def test_unknown_or_bad_environment_variable_is_named() -> None:
    with pytest.raises(ConfigError, match="EDGE_SYNTH__SCENE_WIDTH"):
        load_config(None, environ={"EDGE_SYNTH__SCENE_WIDTH": "wide"})
    with pytest.raises(ConfigError, match="EDGE_NOPE"):
        load_config(None, environ={"EDGE_NOPE": "1"})


def test_invalid_toml_and_missing_file_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "edge.toml"
    path.write_text("[synth\nworkers = 2\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "absent.toml", environ={})


def test_rendered_config_loads_back(tmp_path: Path) -> None:
    cfg = load_config(None, environ={"EDGE_SYNTH__VIDEO_FPS": "15", "EDGE_LOG__FORMAT": "json"})
    path = tmp_path / "round.toml"
    path.write_text(render_config(cfg))
    assert load_config(path, environ={}) == cfg
