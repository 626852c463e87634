"""``edge bench ocr``: our recogniser (int8 / fp32 ONNX, TFLite) against Tesseract and AsterOCR.

Every engine reads the same held-out crops (fonts and seeds never used in training) in its own
process, so each one's peak memory is its own; time is per line, one thread, pre-processing and
decoding included.  Peers are optional: a missing one is reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

from edge.eval.process import isolated
from edge.eval.score import corpus_cer
from edge.ocr.charset import normalize_text

Crop = NDArray[np.uint8]
OURS = {"edge int8 (onnx)": ("onnx", "int8"), "edge fp32 (onnx)": ("onnx", "fp32"),
        "edge int8 (tflite)": ("tflite", "int8")}


def heldout_lines(n: int, seed: int) -> tuple[list[Crop], list[str], list[str]]:
    """Crops, texts and kinds: half lines cut from whole cards ("card": what the product reads),
    half random lines ("random": field values, labels and random syllables, some only 1-3
    characters long, where even case is ambiguous); held-out fonts, a seed of its own."""
    from edge.synth.dataset import item_rng
    from edge.synth.lines import card_lines, random_line

    crops: list[Crop] = []
    texts: list[str] = []
    kinds: list[str] = []
    k = 0
    while len(crops) < n // 2:
        for sample in card_lines(item_rng(seed, "card_lines", k), "heldout"):
            crops.append(sample.image)
            texts.append(sample.text)
            kinds.append("card")
        k += 1
    i = 0
    while len(crops) < n:
        sample = random_line(item_rng(seed, "line", i), "heldout")
        crops.append(sample.image)
        texts.append(sample.text)
        kinds.append("random")
        i += 1
    return crops[:n], texts[:n], kinds[:n]


def _timed(read: Callable[[Crop], str], crops: list[Crop]) -> tuple[list[str], list[float]]:
    read(crops[0])  # warm-up outside the timing
    preds, ms = [], []
    for crop in crops:
        t = time.perf_counter()
        preds.append(read(crop))
        ms.append((time.perf_counter() - t) * 1000)
    return preds, ms


def _run_ours(backend: str, precision: str, models: str, crops: list[Crop]) -> dict[str, Any]:
    from edge.ocr.recognizer import Recognizer, model_name
    from edge.runtime.manifest import load_manifest

    rec = Recognizer.load(Path(models), backend, precision, threads=1)  # type: ignore[arg-type]
    manifest = load_manifest(Path(models))
    entry = manifest.models[model_name(manifest, backend, precision)]
    preds, ms = _timed(lambda c: rec.read([c])[0].text, crops)
    rec.spelling = False  # the bare best-path read, for the spelling corrections' share
    bare = [r.text for r in rec.read(crops)]
    return {"preds": preds, "bare": bare, "ms": ms, "size_bytes": (Path(models) / entry.file).stat().st_size,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run_tesseract(crops: list[Crop]) -> dict[str, Any]:
    exe = shutil.which("tesseract")
    if exe is None:
        raise RuntimeError("tesseract is not installed (deploy/setup.sh installs tesseract-ocr-vie)")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "line.png"

        def read(crop: Crop) -> str:
            cv2.imwrite(str(path), crop)
            out = subprocess.run([exe, str(path), "stdout", "-l", "vie", "--psm", "7"],
                                 capture_output=True, text=True, env={"OMP_THREAD_LIMIT": "1"}, timeout=60)
            return out.stdout.strip()

        preds, ms = _timed(read, crops)
    size = sum(p.stat().st_size for p in Path("/usr/share/tesseract-ocr").glob("*/tessdata/vie.traineddata"))
    return {"preds": preds, "ms": ms, "size_bytes": size, "version": version,
            "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _run_asterocr(crops: list[Crop]) -> dict[str, Any]:
    import onnxruntime as ort
    from asterocr import AsterOCR

    engine = AsterOCR(backend="onnx", enable_telemetry=False)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    engine.session = ort.InferenceSession(engine.model_path, opts, providers=["CPUExecutionProvider"])
    preds, ms = _timed(lambda c: str(engine.predict(np.ascontiguousarray(c[:, :, ::-1]))), crops)
    return {"preds": preds, "ms": ms, "size_bytes": Path(engine.model_path).stat().st_size,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _figures(result: dict[str, Any], truths: list[str]) -> dict[str, Any]:
    preds = [normalize_text(p) for p in result["preds"]]
    refs = [normalize_text(t) for t in truths[: len(preds)]]
    ms = result["ms"]
    return {
        "lines": len(preds),
        "cer": round(corpus_cer(zip(preds, refs, strict=True)), 5),
        "exact": round(sum(p == t for p, t in zip(preds, refs, strict=True)) / len(preds), 4),
        "ms_median": round(statistics.median(ms), 3),
        "ms_p90": round(float(np.percentile(ms, 90)), 3),
        "size_mb": round(result["size_bytes"] / 1e6, 2),
        "peak_rss_mb": round(result["rss_mb"], 1),
    }


def bench_detection(cards: int, seed: int) -> dict[str, Any]:
    """Value lines found (IoU >= 0.5) on rectified held-out cards, per layout, and time per card."""
    from edge.ocr.lines import detect_lines, iou
    from edge.synth.card import render_face
    from edge.synth.dataset import item_rng
    from edge.synth.layouts import LAYOUTS
    from edge.synth.values import random_values

    per_layout: dict[str, list[int]] = {}
    ms: list[float] = []
    for i in range(cards):
        side = ("front", "back")[i % 2]
        names = LAYOUTS[side]  # type: ignore[index]
        layout = names[(i // 2) % len(names)]
        rng = item_rng(seed, "card", i)
        face = render_face(random_values(rng), side, layout, rng, font_split="heldout")  # type: ignore[arg-type]
        t = time.perf_counter()
        boxes = [b.as_tuple() for b in detect_lines(face.image)]
        ms.append((time.perf_counter() - t) * 1000)
        tally = per_layout.setdefault(f"{side}/{layout}", [0, 0])
        for truth in face.boxes:
            if truth.kind == "value":
                tally[1] += 1
                tally[0] += max((iou(truth.box, d) for d in boxes), default=0.0) >= 0.5
    found = sum(f for f, _ in per_layout.values())
    total = sum(t for _, t in per_layout.values())
    return {"cards": cards, "value_lines": total, "found": round(found / total, 4),
            "per_layout": {k: round(f / t, 4) for k, (f, t) in sorted(per_layout.items())},
            "ms_median": round(statistics.median(ms), 2), "ms_p90": round(float(np.percentile(ms, 90)), 2)}


def run(args: argparse.Namespace) -> int:
    from edge.runtime.cpu import int8_pairs_saturate

    console = Console(width=120)
    models = str(args.config_obj.ocr.models_path())
    crops, truths, kinds = heldout_lines(args.n, args.seed)
    peer_n = min(args.peer_n, len(crops))
    console.print(f"edge bench ocr: {len(crops)} held-out lines (fonts never trained on, seed {args.seed}); "
                  f"peers and the side-by-side table use the first {peer_n} (lines cut from cards)")
    console.print("int8 ONNX: " + ("the 7-bit-weight model (this x86 CPU has no VNNI)" if int8_pairs_saturate()
                                   else "the 8-bit-weight model (this CPU adds int8 products into 32 bits)"))
    results: dict[str, dict[str, Any]] = {}
    for name, (backend, precision) in OURS.items():
        try:
            results[name] = isolated(_run_ours, backend, precision, models, crops)
        except Exception as exc:  # a missing runtime or model is reported, the rest still run
            console.print(f"[yellow]{name}: skipped ({exc})[/]")
    peers = {"tesseract": ("tesseract 5 vie --psm 7", _run_tesseract), "asterocr": ("asterocr", _run_asterocr)}
    for key in [p for p in args.peers.split(",") if p]:
        label, fn = peers[key]
        try:
            results[label] = isolated(fn, crops[:peer_n])
        except Exception as exc:
            console.print(f"[yellow]{label}: skipped ({exc})[/]")
    table = Table(title=f"same {peer_n} crops, one thread")
    for col in ("engine", "CER", "exact", "ms median", "ms p90", "size MB", "peak RSS MB"):
        table.add_column(col, justify="left" if col == "engine" else "right")
    summary: dict[str, Any] = {"n": len(crops), "peer_n": peer_n, "seed": args.seed, "same_crops": {}, "full": {}}
    for name, result in results.items():
        head = {"preds": result["preds"][:peer_n], "ms": result["ms"][:peer_n],
                "size_bytes": result["size_bytes"], "rss_mb": result["rss_mb"]}
        f = _figures(head, truths)
        summary["same_crops"][name] = f
        table.add_row(name, f"{f['cer']:.2%}", f"{f['exact']:.2%}", f"{f['ms_median']:.2f}", f"{f['ms_p90']:.2f}",
                      f"{f['size_mb']:.2f}", f"{f['peak_rss_mb']:.0f}")
    console.print(table)
    for name in OURS:
        if name in results:
            summary["full"][name] = f = _figures(results[name], truths)
            console.print(f"{name} on all {f['lines']} lines: CER {f['cer']:.3%}, exact {f['exact']:.2%}, "
                          f"median {f['ms_median']:.2f} ms, p90 {f['ms_p90']:.2f} ms")
            for kind in ("card", "random"):
                keep = [i for i, k in enumerate(kinds) if k == kind]
                if not keep:  # a short run may hold lines of one kind only
                    continue
                part = {**results[name], "preds": [results[name]["preds"][i] for i in keep],
                        "ms": [results[name]["ms"][i] for i in keep]}
                g = _figures(part, [truths[i] for i in keep])
                summary["full"][f"{name} / {kind} lines"] = g
                console.print(f"    {kind} lines ({g['lines']}): CER {g['cer']:.3%}, exact {g['exact']:.2%}")
            bare = _figures({**results[name], "preds": results[name]["bare"]}, truths)
            summary["full"][f"{name} / bare read"] = bare
            console.print(f"    bare read, no spelling corrections: CER {bare['cer']:.3%}, exact {bare['exact']:.2%}")
    a, b = results.get("edge int8 (onnx)"), results.get("edge int8 (tflite)")
    if a and b:
        same = sum(normalize_text(x) == normalize_text(y) for x, y in zip(a["preds"], b["preds"], strict=True))
        summary["tflite_vs_int8_same_text"] = round(same / len(a["preds"]), 4)
        console.print(f"TFLite and ONNX int8 give the same text on {same / len(a['preds']):.2%} of the lines")
    if "edge int8 (onnx)" in summary["full"] and "edge fp32 (onnx)" in summary["full"]:
        delta = summary["full"]["edge int8 (onnx)"]["cer"] - summary["full"]["edge fp32 (onnx)"]["cer"]
        summary["int8_cer_loss"] = round(delta, 5)
        console.print(f"int8 CER minus fp32 CER: {delta:+.3%}")
    if args.cards:
        det = bench_detection(args.cards, args.seed)
        summary["line_detection"] = det
        layouts = ", ".join(f"{k} {v:.1%}" for k, v in det["per_layout"].items())
        console.print(f"line detection on {det['cards']} held-out rectified cards: {det['found']:.2%} of "
                      f"{det['value_lines']} value lines found (IoU >= 0.5); {layouts}; "
                      f"median {det['ms_median']:.1f} ms, p90 {det['ms_p90']:.1f} ms per card")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    if args.update_manifest:
        from edge.ocr.recognizer import model_name
        from edge.runtime.manifest import load_manifest, record_accuracy

        manifest = load_manifest(Path(models))
        for name, (backend, precision) in OURS.items():
            if name in summary["full"]:  # the int8 ONNX figures are the model this CPU reads with
                record_accuracy(Path(models), model_name(manifest, backend, precision),
                                {"bench": "edge bench ocr", "heldout_lines": summary["full"][name],
                                 "tflite_vs_int8_same_text": summary.get("tflite_vs_int8_same_text")})
    return 0
