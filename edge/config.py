"""One typed configuration tree: a TOML file, then ``EDGE_*`` environment overrides.

Loaded once by the CLI and passed down; nothing reads the environment elsewhere.  Unknown keys
are rejected, and every error names the key, where it came from (file and line, or the
environment variable) and what was expected.

Environment overrides use ``EDGE_<SECTION>__<KEY>`` (double underscore between levels), e.g.
``EDGE_SYNTH__WORKERS=2``; values are parsed as TOML scalars when they can be (``2``, ``true``,
``"text"``) and taken as plain strings otherwise.

Secrets (``server.api_keys``, ``cloud.api_key``, ``cloud.api_secret``, ``webhook.secret``) may also come from systemd
credentials: a file named after the key in ``$CREDENTIALS_DIRECTORY`` overrides the TOML file, and
the environment overrides both.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edge.errors import ConfigError

ENV_PREFIX = "EDGE_"
ENV_CONFIG_FILE = "EDGE_CONFIG"
DEFAULT_PATHS = (Path("/etc/edge/edge.toml"),)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LogConfig(Section):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["text", "json"] = "text"


class SynthConfig(Section):
    """Defaults of ``edge synth``; each command-line flag overrides its key for one run."""

    workers: int = Field(default=0, ge=0, le=64)  # 0: one per CPU core
    scene_width: int = Field(default=1280, ge=320, le=4096)
    scene_height: int = Field(default=720, ge=240, le=4096)
    video_width: int = Field(default=640, ge=160, le=1920)
    video_height: int = Field(default=480, ge=120, le=1080)
    video_fps: float = Field(default=30.0, gt=0, le=120)
    video_seconds: float = Field(default=4.0, gt=0, le=60)
    font_split: Literal["train", "heldout"] = "train"


class OcrConfig(Section):
    """The on-device recogniser: which runtime and model, and how many threads it may use."""

    backend: Literal["onnx", "tflite"] = "onnx"
    precision: Literal["int8", "fp32"] = "int8"  # the TFLite model is int8
    threads: int = Field(default=1, ge=1, le=16)
    models_dir: str = ""  # empty: the models/ folder shipped with the package
    spelling: bool = True  # put reads right to Vietnamese syllables, one case per word, calendar dates

    def models_path(self) -> Path:
        from edge.runtime.manifest import default_models_dir

        return Path(self.models_dir) if self.models_dir else default_models_dir()


class ServerConfig(Section):
    """``edge serve``: where it listens, who may call it, how much it accepts and does at once."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)  # processes, each with its own models, pool and counters
    inference_threads: int = Field(default=2, ge=1, le=64)  # scans running at once in one process
    queue: int = Field(default=32, ge=0, le=4096)  # requests waiting for a thread; beyond: 503 at once
    queue_timeout_s: float = Field(default=20.0, gt=0, le=600)  # a request not started by then: 503
    api_keys: list[str] = Field(default_factory=list)  # "KEY:sha256$SALT$HEX"; `edge serve --new-key` makes one
    anonymous: bool = False  # true: no credentials asked (only for a kiosk's own loopback)
    quota: int = Field(default=0, ge=0)  # requests per key per quota window; 0 = unlimited
    quota_window_s: int = Field(default=86_400, ge=1)
    rate_per_s: float = Field(default=0.0, ge=0)  # sustained requests per second per key; 0 = unlimited
    rate_burst: int = Field(default=20, ge=1)
    max_body_mb: float = Field(default=25.0, gt=0, le=1024)
    body_timeout_s: float = Field(default=30.0, gt=0, le=600)  # a request body not received by then: 408
    max_pixels: int = Field(default=50_000_000, ge=10_000)
    fetch_timeout_s: float = Field(default=10.0, gt=0, le=120)  # whole download of a format_type=url image
    fetch_max_mb: float = Field(default=15.0, gt=0, le=1024)
    fetch_max_redirects: int = Field(default=3, ge=0, le=10)
    fetch_allow: list[str] = Field(default_factory=list)  # IPs / CIDRs / host names allowed although private
    shutdown_timeout_s: float = Field(default=30.0, gt=0, le=600)
    confidences: bool = True  # add X_confidence to every field
    docs: bool = True  # OpenAPI at /docs and /openapi.json


class CloudConfig(Section):
    """The provider's API, asked when the local result is not good enough (and by ``edge.cloud``)."""

    base_url: str = "https://cloud.computervision.com.vn/api/v2/ocr/"
    api_key: str = ""
    api_secret: str = ""
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120)
    read_timeout_s: float = Field(default=30.0, gt=0, le=600)
    retries: int = Field(default=2, ge=0, le=10)  # after the first try; timeouts and 5xx only
    backoff_s: float = Field(default=0.5, ge=0, le=60)  # first wait; doubles, with full jitter
    backoff_max_s: float = Field(default=8.0, ge=0, le=600)
    breaker_failures: int = Field(default=5, ge=1, le=1000)  # failed calls in a row that open the circuit
    breaker_reset_s: float = Field(default=60.0, gt=0, le=3600)  # open this long, then one trial call
    ca_file: str = ""  # extra CA bundle (a self-hosted server); TLS is always verified


class CameraConfig(Section):
    """Where frames come from (``edge capture --camera`` overrides ``source`` for one run)."""

    # auto | picamera2[:N] | v4l2:N | v4l2:/dev/videoN | gst:PIPELINE | jetson[:SENSOR] | replay:PATH | sample
    source: str = "auto"
    width: int = Field(default=640, ge=160, le=1920)  # analysis frames
    height: int = Field(default=480, ge=120, le=1080)
    still_width: int = Field(default=1920, ge=320, le=9152)  # the picture that is read
    still_height: int = Field(default=1080, ge=240, le=6944)
    fps: float = Field(default=30.0, gt=0, le=120)
    fourcc: str = Field(default="MJPG", max_length=4)  # V4L2 pixel format asked for; "" = the camera's default
    autofocus: bool = True  # picamera2: continuous autofocus pointed at the card (Camera Module 3)
    lock_exposure: bool = True  # picamera2: exposure and gain held while the still is taken
    hflip: bool = False
    vflip: bool = False
    replay_realtime: bool = True  # replay at the recording's fps (false: as fast as frames are analysed)
    reopen_backoff_s: float = Field(default=0.5, gt=0, le=60)  # first wait before reopening a failed camera
    reopen_backoff_max_s: float = Field(default=10.0, gt=0, le=600)


class CaptureConfig(Section):
    """The auto-capture: how long every gate must pass, sides, timeout, language, thresholds."""

    hold_s: float = Field(default=0.25, ge=0, le=5)  # every gate passing this long -> capture
    min_frames: int = Field(default=3, ge=1, le=60)
    sides: int = Field(default=2, ge=1, le=2)  # 2: front then back, never the same side twice
    timeout_s: float = Field(default=60.0, ge=0, le=3600)  # per side; 0 = wait forever
    language: Literal["vi", "en"] = "vi"
    still: Literal["auto", "frame", "still"] = "auto"  # auto: a full-resolution still where the camera takes one
    thresholds: str = ""  # a device file from `edge calibrate camera`; empty: calibration/capture.json


class StoreConfig(Section):
    """The local SQLite store every finished scan goes into first, and how long personal data stays."""

    path: str = ""  # empty: ~/.local/share/edge/edge.db (the systemd units set /var/lib/edge/edge.db)
    keep_images: bool = True  # keep the captured pictures (cloud verification, review) until image retention
    retention_days: float = Field(default=30.0, ge=0, le=3650)  # delivered scans: personal data erased after; 0 = keep
    image_retention_days: float = Field(default=7.0, ge=0, le=3650)  # pictures erased after; 0 = keep


class WebhookConfig(Section):
    """The hand-off to the site's system: confirmed scans POSTed as JSON, signed, retried until acknowledged."""

    url: str = ""  # empty: no webhook (hand-off by `edge queue export`)
    secret: str = ""  # HMAC-SHA256 key of X-Edge-Signature; also a systemd credential named webhook.secret
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    backoff_s: float = Field(default=1.0, gt=0, le=600)  # first wait after a failure; doubles, with jitter
    backoff_max_s: float = Field(default=300.0, gt=0, le=86_400)
    include_images: bool = False  # add the captured pictures (base64 JPEG) to the payload


class FallbackConfig(Section):
    """When the cloud API is asked about a local result, and how long the kiosk waits for it."""

    mode: Literal["auto", "off", "always"] = "auto"  # auto: only when a required field is unsure or invalid
    timeout_s: float = Field(default=4.0, gt=0, le=120)  # the kiosk never waits longer; then it queues a verification
    thresholds: str = ""  # per-field confidence thresholds; empty: calibration/confidence.json
    verify_later: bool = True  # queue a background verification when the cloud could not answer in time


class KioskConfig(Section):
    """``edge kiosk``: the touch web UI on this machine, and the walk-up session."""

    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=1, le=65535)
    review_timeout_s: float = Field(default=90.0, gt=0, le=3600)  # result untouched this long: cleared (walk-away)
    preview_fps: float = Field(default=8.0, gt=0, le=30)  # preview pictures served per second
    start_paused: bool = False  # true: the camera waits for a tap on the screen (battery-powered handhelds)
    watchdog: bool = True  # notify systemd's watchdog while the camera loop is alive


class Config(Section):
    log: LogConfig = LogConfig()
    synth: SynthConfig = SynthConfig()
    ocr: OcrConfig = OcrConfig()
    server: ServerConfig = ServerConfig()
    cloud: CloudConfig = CloudConfig()
    camera: CameraConfig = CameraConfig()
    capture: CaptureConfig = CaptureConfig()
    store: StoreConfig = StoreConfig()
    webhook: WebhookConfig = WebhookConfig()
    fallback: FallbackConfig = FallbackConfig()
    kiosk: KioskConfig = KioskConfig()


# Secrets that may come from systemd credentials ($CREDENTIALS_DIRECTORY/<section>.<key>, e.g.
# LoadCredential=cloud.api_secret:/etc/edge/cloud_secret); list values are one item per line.
CREDENTIAL_KEYS = ("server.api_keys", "cloud.api_key", "cloud.api_secret", "webhook.secret")
MASKED_KEYS = ("cloud.api_secret", "webhook.secret")


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the file (``path``, else ``$EDGE_CONFIG``, else /etc/edge/edge.toml if present), then env."""
    env = os.environ if environ is None else environ
    if path is None and env.get(ENV_CONFIG_FILE):
        path = Path(env[ENV_CONFIG_FILE])
    if path is None:
        path = next((p for p in DEFAULT_PATHS if p.is_file()), None)
    data: dict[str, Any] = {}
    text = ""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {path} does not exist") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} cannot be read: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    _overlay_credentials(data, env)
    env_keys = _overlay_env(data, env)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path, text, env_keys)) from exc


def _overlay_credentials(data: dict[str, Any], env: Mapping[str, str]) -> None:
    """systemd credentials override the file (the environment still overrides them)."""
    folder = env.get("CREDENTIALS_DIRECTORY")
    if not folder:
        return
    for dotted in CREDENTIAL_KEYS:
        path = Path(folder) / dotted
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"credential {path} cannot be read: {exc}") from exc
        section, key = dotted.split(".")
        node = data.setdefault(section, {})
        if not isinstance(node, dict):
            raise ConfigError(f"credential {path}: {section} is not a section")
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        node[key] = lines if key == "api_keys" else (lines[0] if lines else "")


def _overlay_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, str]:
    """Write EDGE_A__B=v into data["a"]["b"]; returns dotted key -> variable name for messages."""
    origin: dict[str, str] = {}
    for name, raw in sorted(env.items()):
        if not name.startswith(ENV_PREFIX) or name == ENV_CONFIG_FILE:
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX):].split("__")]
        if not all(parts):
            raise ConfigError(f"environment variable {name}: empty key part (use EDGE_SECTION__KEY)")
        node = data
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"environment variable {name}: {part} is not a section")
            node = child
        node[parts[-1]] = _parse_scalar(raw)
        origin[".".join(parts)] = name
    return origin


def _parse_scalar(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _describe(exc: ValidationError, path: Path | None, text: str, env_keys: dict[str, str]) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        unknown = err["type"] == "extra_forbidden"
        problem = "unknown key" if unknown else f"{err['msg']} (got {err.get('input')!r})"
        if key in env_keys:
            where = f"environment variable {env_keys[key]}"
        elif path is not None:
            line = _toml_line(text, key)
            where = f"{path}" + (f" line {line}" if line else "")
        else:
            where = "defaults"
        lines.append(f"{key}: {problem} [{where}]")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def _toml_line(text: str, dotted: str) -> int | None:
    """The line where a ``[section]`` key is set, so the error points at it."""
    *sections, key = dotted.split(".")
    want = ".".join(sections)
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[([^\[\]]+)\]", stripped)
        if header:
            current = header.group(1).strip()
            if not key and current == want:
                return number
            continue
        if current == want and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
        if not want and current == key:  # a whole section that should not exist
            return number
    return None


def render_config(config: Config) -> str:
    """The effective configuration as TOML (for ``edge config show``)."""
    out: list[str] = []
    for section, values in config.model_dump().items():
        out.append(f"[{section}]")
        for key, value in values.items():
            masked = f"{section}.{key}" in MASKED_KEYS and value
            out.append(f"{key} = {toml_value('********' if masked else value)}")
        out.append("")
    return "\n".join(out)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
