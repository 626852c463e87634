"""The ``edge`` command, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

ROOT = Path(__file__).resolve().parents[1]


def edge(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")} | (env or {})
    return subprocess.run([sys.executable, "-m", "edge", *args], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=300)


@pytest.mark.parametrize("cmd", [[], ["synth"], ["synth", "cards"], ["synth", "scenes"], ["synth", "lines"],
                                 ["synth", "video"], ["synth", "sheet"], ["bench"], ["bench", "synth"],
                                 ["bench", "ocr"], ["bench", "locate"], ["bench", "scan"], ["scan"],
                                 ["demo"], ["score"], ["config"],
                                 ["read-lines"], ["train"], ["train", "recognizer"], ["export"],
                                 ["export", "recognizer"], ["capture"], ["calibrate"], ["calibrate", "capture"],
                                 ["calibrate", "camera"], ["bench", "capture"], ["queue"], ["queue", "status"],
                                 ["queue", "retry"], ["queue", "export"], ["queue", "purge"], ["queue", "deliver"],
                                 ["kiosk"], ["doctor"], ["calibrate", "confidence"]])
def test_every_command_has_help(cmd: list[str]) -> None:
    result = edge(*cmd, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: edge" in result.stdout


def test_demo_reads_both_sides_of_the_sample(tmp_path: Path) -> None:
    result = edge("demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    env = json.loads(result.stdout)
    assert env["errorCode"] == "0"
    assert [d["type"] for d in env["data"]] == ["vehicle_registration_front", "vehicle_registration_back"]
    truth = json.loads((tmp_path / "sample_front.json").read_text(encoding="utf-8"))
    assert env["data"][0]["info"]["plate"] == truth["data"][0]["info"]["plate"]
    assert 0.0 < env["data"][0]["info"]["plate_confidence"] <= 1.0
    assert "fields match the ground truth" in result.stderr
    for side in ("front", "back"):
        img = cv2.imread(str(tmp_path / f"sample_{side}.jpg"))
        assert img is not None and img.shape[:2] == (720, 1280)


def test_synth_video_writes_sequences(tmp_path: Path) -> None:
    result = edge("synth", "video", "--n", "3", "--seed", "1", "--out", str(tmp_path), "--workers", "1",
                  env={"EDGE_SYNTH__VIDEO_SECONDS": "2.5"})
    assert result.returncode == 0, result.stderr
    folders = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert [f.split("_")[-1] for f in folders] == ["hold", "card", "still"]
    for folder in folders:
        truth = json.loads((tmp_path / folder / "truth.json").read_text())
        cap = cv2.VideoCapture(str(tmp_path / folder / "video.avi"))
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        cap.release()
        assert count == len(truth["truth"]) == 75
        assert len(list((tmp_path / folder / "frames").glob("*.jpg"))) == 75


def test_contact_sheet_command(tmp_path: Path) -> None:
    result = edge("synth", "sheet", "--n", "8", "--cols", "4", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    sheet = cv2.imread(str(tmp_path / "sheet.jpg"))
    assert sheet is not None and sheet.shape[1] > 4 * 320 and sheet.shape[0] > 2 * 180


def test_score_command_reports_fields(tmp_path: Path) -> None:
    info = {"name": "LÊ VĂN A", "plate": "29A-1234"}
    truth = {"data": [{"type": "vehicle_registration_front", "info": info}],
             "errorCode": "0", "errorMessage": "Success"}
    pred = json.loads(json.dumps(truth))
    pred["data"][0]["info"]["name"] = "LE VAN A"
    (tmp_path / "p.json").write_text(json.dumps(pred))
    (tmp_path / "t.json").write_text(json.dumps(truth))
    result = edge("score", str(tmp_path / "p.json"), str(tmp_path / "t.json"), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["plate"]["exact"] == 1.0 and figures["name"]["exact"] == 0.0
    assert figures["ALL"]["exact"] == 0.5


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[synth]\nworkers = -1\n")
    result = edge("--config", str(bad), "config", "check")
    assert result.returncode == 2
    assert "synth.workers" in result.stderr and "Traceback" not in result.stderr
    result = edge("config", "check", env={"EDGE_SYNTH__NOPE": "1"})
    assert result.returncode == 2 and "EDGE_SYNTH__NOPE" in result.stderr
    result = edge("score", str(tmp_path / "missing.json"), str(bad))
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = edge("synth", "cards", "--n", "1", "--out", str(blocker / "sub"))
    assert result.returncode == 2 and "cannot create output folder" in result.stderr


def test_config_show_reflects_environment() -> None:
    result = edge("config", "show", env={"EDGE_SYNTH__WORKERS": "2"})
    assert result.returncode == 0
    assert "workers = 2" in result.stdout


def test_scan_prints_the_api_envelope_and_says_why_a_photo_is_unreadable(tmp_path: Path) -> None:
    import cv2
    import numpy as np

    from edge.synth.card import render_face
    from edge.synth.scene import make_scene
    from edge.synth.values import random_values

    rng = np.random.default_rng([77, 0])
    face = render_face(random_values(rng), "front", "moto_classic", rng)
    photo = tmp_path / "front.jpg"
    cv2.imwrite(str(photo), make_scene(face, rng, "good", clean=True).image)
    res = edge("scan", "--json", str(photo))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["errorCode"] == "0" and doc["data"][0]["type"] == "vehicle_registration_front"
    assert doc["data"][0]["info"]["plate"] == face.values.plate and "plate_confidence" in doc["data"][0]["info"]

    empty = tmp_path / "wall.png"
    cv2.imwrite(str(empty), np.full((480, 640, 3), 128, np.uint8))
    res = edge("scan", "--json", str(empty))
    assert res.returncode == 1 and json.loads(res.stdout)["errorCode"] == "1"
    assert "no registration card was found" in res.stderr

    text = tmp_path / "notes.txt"
    text.write_text("not a photo")
    res = edge("scan", str(text))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("edge: error:") and "notes.txt" in res.stderr


def test_bench_ocr_short_run_prints_every_model_and_the_bare_read(tmp_path: Path) -> None:
    out = tmp_path / "ocr.json"
    result = edge("bench", "ocr", "--n", "12", "--peers", "", "--cards", "0", "--json", str(out))
    assert result.returncode == 0, result.stderr
    for name in ("edge int8 (onnx)", "edge fp32 (onnx)", "edge int8 (tflite)"):
        assert f"{name} on all 12 lines" in result.stdout
    assert "bare read, no spelling corrections" in result.stdout
    figures = json.loads(out.read_text())
    assert 0.0 <= figures["full"]["edge int8 (onnx) / bare read"]["cer"] <= 1.0
