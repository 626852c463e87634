"""The provider's demo clients, changed only in base URL, credentials and image locations, against ``edge serve``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from edge.server.launch import ImageHost, ServerProcess
from tests.e2e.conftest import Photos
from tests.e2e.seed_clients import DEMOS

SEED_DOC = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_be1321a9eaccd1ab.txt"
TYPES = {"vehicle_registration_front", "vehicle_registration_back"}


def _configure(code: str, server: ServerProcess, host: ImageHost, folder: Path) -> str:
    """What an integrator edits: the base URL, the two credentials, the image paths or URLs."""
    front, back = folder / "front.jpg", folder / "back.jpg"
    replacements = {
        "https://cloud.computervision.com.vn": server.base,
        "<replace-with-your-api-key>": server.key,
        "<replace-with-your-api-secret>": server.secret,
        "sample front url": host.url("/front.jpg", "localhost"),
        "sample back url": host.url("/back.jpg", "localhost"),
        "https://example.com/image.png": host.url("/back.jpg", "localhost"),
        "/path/to/your/example_front.jpg": str(front),
        "/path/to/your/example_back.jpg": str(back),
        "/path/to/your/img_front.jpg": str(front),
        "/path/to/your/img_back.jpg": str(back),
        "/path/to/your/example.jpg": str(front),
        '"path_img"': f'"{back}"',
    }
    for old, new in replacements.items():
        code = code.replace(old, new)
    return code


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_client_prints_success(name: str, server: ServerProcess, image_host: ImageHost, photos: Photos,
                                    tmp_path: Path) -> None:
    (tmp_path / "front.jpg").write_bytes(photos.front)
    (tmp_path / "back.jpg").write_bytes(photos.back)
    code = _configure(DEMOS[name], server, image_host, tmp_path)
    assert "computervision.com.vn" not in code and "<replace" not in code
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    printed = ast.literal_eval(run.stdout.strip())
    assert printed["errorCode"] == "0" and printed["errorMessage"] == "Success"
    types = [item["type"] for item in printed["data"]]
    if name.startswith("registrations_"):
        assert types == ["vehicle_registration_front", "vehicle_registration_back"]
    else:
        assert len(types) == 1 and types[0] in TYPES
    for item in printed["data"]:
        assert item["info"]["plate"] and "image" not in item["info"]  # get_thumb=false


def test_demos_are_verbatim_from_the_api_document() -> None:
    if not SEED_DOC.is_file():
        pytest.skip("the seed document is not beside this checkout")
    doc = SEED_DOC.read_text(encoding="utf-8")
    for name, code in DEMOS.items():
        assert code in doc, name
