"""The ``edge`` command: parse arguments, call one function, print.  No logic lives here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from edge.errors import EdgeError

Handler = Callable[[argparse.Namespace], int]


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _add_synth(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    synth = sub.add_parser("synth", help="generate synthetic cards, scenes, line crops and camera sequences")
    kinds = synth.add_subparsers(dest="kind", required=True, metavar="KIND")

    def common(p: argparse.ArgumentParser, n: int) -> None:
        p.add_argument("--n", type=_positive, default=n, help=f"how many items (default {n})")
        p.add_argument("--seed", type=int, default=0, help="random seed; same seed, same bytes")
        p.add_argument("--out", type=Path, required=True, help="output folder (created)")
        p.add_argument("--workers", type=int, default=None, help="processes (default: config, 0 = cores)")
        p.add_argument("--font-split", choices=["train", "heldout"], default=None,
                       help="font group: train, or heldout for benchmarks")

    cards = kinds.add_parser("cards", help="flat card faces (PNG) with their ground truth (JSON)")
    common(cards, 8)
    scenes = kinds.add_parser("scenes", help="photographed cards (JPEG) with corners, side, fields, quality")
    common(scenes, 16)
    scenes.add_argument("--quality", choices=["mixed", "good", "blurred", "glare", "too_small", "cut_off"],
                        default="mixed", help="quality class of every scene (default: a mix of all)")
    lines = kinds.add_parser("lines", help="text-line crops (PNG) and labels.tsv, for the recogniser")
    common(lines, 1000)
    video = kinds.add_parser("video", help="camera sequences: video.avi, frames/, truth.json")
    common(video, 3)
    video.add_argument("--kind", dest="seq_kind", choices=["mixed", "hold", "no_card", "never_still"],
                       default="mixed", help="sequence kind (default: hold, no_card, never_still in turn)")
    sheet = kinds.add_parser("sheet", help="a contact sheet (one JPEG) of generated scenes to look at")
    common(sheet, 24)
    sheet.add_argument("--cols", type=_positive, default=6)
    synth.set_defaults(handler="synth")


def _add_bench(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser("bench", help="measure speed and accuracy; prints figures")
    what = bench.add_subparsers(dest="bench", required=True, metavar="WHAT")
    synth = what.add_parser("synth", help="generator speed: line crops, cards, scenes per second")
    synth.add_argument("--seconds", type=float, default=10.0, help="time spent on each measure")
    synth.add_argument("--workers", type=int, default=None, help="processes for the line crops (0 = cores)")
    synth.set_defaults(handler="bench_synth")
    ocr = what.add_parser("ocr", help="line recogniser vs Tesseract and AsterOCR on held-out lines")
    ocr.add_argument("--n", type=_positive, default=1000, help="held-out lines (unseen fonts and seeds)")
    ocr.add_argument("--seed", type=int, default=31337)
    ocr.add_argument("--peers", default="tesseract,asterocr", help="comma list; empty for none")
    ocr.add_argument("--peer-n", type=_positive, default=300, help="lines given to each peer (they are slow)")
    ocr.add_argument("--cards", type=int, default=300, help="held-out cards for the line-detection figure (0: skip)")
    ocr.add_argument("--update-manifest", action="store_true", help="store the figures in models/manifest.json")
    ocr.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    ocr.set_defaults(handler="bench_ocr")
    locate = what.add_parser("locate", help="card localisation: found %%, corner error, time (fast and accurate)")
    locate.add_argument("--n", type=_positive, default=64, help="good scenes (plus cut-off, small, card-free)")
    locate.add_argument("--seed", type=int, default=2025, help="a seed the locator was not tuned on")
    locate.set_defaults(handler="bench_locate")
    api = what.add_parser("api", help="HTTP API load: N clients on loopback, both endpoints, all formats")
    api.add_argument("--clients", type=_positive, default=16, help="concurrent clients")
    api.add_argument("--seconds", type=float, default=20.0, help="duration of each case")
    api.add_argument("--cases", default="all",
                     help="comma list of ENDPOINT-FORMAT (e.g. registrations-file,registration-base64) or all")
    api.add_argument("--url", default=None, help="a running server's base URL (default: start one on loopback)")
    api.add_argument("--key", default=None, help="api_key for --url")
    api.add_argument("--secret", default=None, help="api_secret for --url")
    api.add_argument("--threads", type=_positive, default=None, help="inference threads of the started server")
    api.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    api.set_defaults(handler="edge.server.commands:bench_api")
    scan = what.add_parser("scan", help="the document pipeline on held-out photos: found, side, fields, "
                                        "rejections, per-stage latency, peak RSS")
    scan.add_argument("--n", type=_positive, default=96, help="photos (half good, half unreadable)")
    scan.add_argument("--seed", type=int, default=4242, help="a seed the pipeline was not tuned on")
    scan.add_argument("--font-split", choices=("heldout", "train"), default="heldout",
                      help="typefaces of the cards: held out from training (default) or seen in training")
    scan.set_defaults(handler="bench_scan")
    capture = what.add_parser("capture", help="camera loop: analysis ms per 640x480 frame, per stage; auto-capture "
                                              "on generated sequences (right frames, latency, none without a card)")
    capture.add_argument("--n", type=_positive, default=8, help="sequences of each kind (hold, no_card, never_still)")
    capture.add_argument("--seed", type=int, default=99, help="a seed the thresholds were not calibrated on")
    capture.add_argument("--seconds", type=float, default=4.0, help="length of each sequence")
    capture.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    capture.set_defaults(handler="edge.capture.commands:bench_capture")


def _add_capture(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cap = sub.add_parser("capture", help="camera loop: track the card, guide, auto-capture each side, read it")
    cap.add_argument("--camera", default=None, metavar="SPEC",
                     help="replay:PATH | v4l2:0 | picamera2 | gst:'PIPELINE' | jetson | sample | auto "
                          "(default: config camera.source)")
    cap.add_argument("--sides", type=int, choices=(1, 2), default=None, help="default: config capture.sides")
    cap.add_argument("--json", action="store_true", help="one JSON line per capture, then the API's envelope")
    cap.add_argument("--save", type=Path, default=None, metavar="DIR", help="write side1.jpg, side2.jpg, result.json")
    cap.add_argument("--timeout", type=float, default=None, help="seconds per side (default: config; 0 = forever)")
    cap.add_argument("--lang", choices=("vi", "en"), default=None, help="guidance language (default: config)")
    cap.add_argument("--fast", action="store_true", help="replay as fast as frames are analysed, not in real time")
    cap.add_argument("--no-read", action="store_true", help="only capture; do not run the reader")
    cap.add_argument("-v", "--verbose", action="store_true", help="print each guidance change on stderr")
    cap.set_defaults(handler="edge.capture.commands:capture")


def _add_calibrate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cal = sub.add_parser("calibrate", help="derive thresholds from measurements")
    what = cal.add_subparsers(dest="target", required=True, metavar="WHAT")
    capture = what.add_parser("capture", help="auto-capture thresholds from generated sequences (shipped defaults)")
    capture.add_argument("--n", type=_positive, default=24, help="hold sequences (plus a third as many never-still)")
    capture.add_argument("--seed", type=int, default=7)
    capture.add_argument("--out", type=Path, default=Path("calibration/capture.json"))
    capture.set_defaults(handler="edge.capture.commands:calibrate_capture")
    camera = what.add_parser("camera", help="device thresholds: hold a card still in front of this camera")
    camera.add_argument("--camera", default=None, metavar="SPEC", help="default: config camera.source")
    camera.add_argument("--seconds", type=float, default=8.0, help="how long to measure")
    camera.add_argument("--out", type=Path, default=Path("capture-device.json"),
                        help="device thresholds file (point [capture] thresholds at it)")
    camera.set_defaults(handler="edge.capture.commands:calibrate_camera")
    from edge.ops.confidence import add_parser as add_confidence

    add_confidence(what)


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="serve the provider's HTTP API (/api/v2/ocr/vehicle_registration[s])")
    serve.add_argument("--host", default=None, help="default: config server.host")
    serve.add_argument("--port", type=int, default=None, help="default: config server.port")
    serve.add_argument("--workers", type=_positive, default=None, help="processes (default: config server.workers)")
    serve.add_argument("--new-key", action="store_true",
                       help="print a new api_key / api_secret and its hashed config entry, then exit")
    serve.set_defaults(handler="edge.server.commands:serve")


def _add_train(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    train = sub.add_parser("train", help="train the on-device models (needs the 'train' extra: PyTorch)")
    what = train.add_subparsers(dest="model", required=True, metavar="MODEL")
    rec = what.add_parser("recognizer", help="the CTC line recogniser, on lines from edge.synth")
    rec.add_argument("--out", type=Path, default=Path("runs/recognizer"), help="checkpoints and line caches")
    rec.add_argument("--train-lines", type=_positive, default=300_000, help="synthetic training lines")
    rec.add_argument("--val-lines", type=_positive, default=2_000, help="fixed validation lines")
    rec.add_argument("--seed", type=int, default=1, help="seed of the training lines")
    rec.add_argument("--steps", type=_positive, default=20_000, help="optimizer steps in the whole schedule")
    rec.add_argument("--batch", type=_positive, default=48)
    rec.add_argument("--lr", type=float, default=2e-3, help="peak learning rate (one-cycle)")
    rec.add_argument("--threads", type=_positive, default=2, help="PyTorch threads")
    rec.add_argument("--workers", type=_positive, default=2, help="processes rendering the line cache")
    rec.add_argument("--eval-every", type=_positive, default=500, help="steps between checkpoints")
    rec.add_argument("--minutes", type=float, default=None, help="stop (and checkpoint) after this long")
    rec.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    rec.add_argument("--init", type=Path, default=None,
                     help="start from this checkpoint's weights with a fresh optimiser and schedule (fine-tuning)")
    rec.add_argument("--scene-share", type=float, default=0.0,
                     help="share of training lines cut from photographed, re-flattened cards (0..1)")
    rec.add_argument("--fonts", choices=["train", "wide"], default="train",
                     help="typefaces of the training lines: the train split, or wide (it and the extra faces)")
    rec.add_argument("--size", choices=["small", "base", "large"], default="small",
                     help="network size for a run from scratch (models/README.md); --resume / --init keep theirs")
    rec.add_argument("--both-rows", action="store_true",
                     help="with --init: let the last convolution of an older checkpoint see both rows of "
                          "its 2-row map (starts as the same function; models/README.md)")
    rec.add_argument("--grow", choices=["base", "large"], default=None,
                     help="with --init: grow the checkpoint's network to this size first (starts as the same "
                          "function; models/README.md)")
    rec.set_defaults(handler="train_recognizer")


def _add_read_lines(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rl = sub.add_parser("read-lines", help="recognise each image as one text line: path, text, confidence")
    rl.add_argument("images", type=Path, nargs="+", metavar="IMG", help="line images (any format OpenCV reads)")
    rl.add_argument("--backend", choices=["onnx", "tflite"], default=None, help="default: config ocr.backend")
    rl.add_argument("--precision", choices=["int8", "fp32"], default=None,
                    help="default: config ocr.precision (the tflite model is int8)")
    rl.add_argument("--threads", type=_positive, default=None, help="default: config ocr.threads")
    rl.add_argument("--no-spelling", action="store_true",
                    help="print the bare best-path read (no syllable, case or date correction)")
    rl.set_defaults(handler="read_lines")


def _add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export", help="export a trained model to ONNX fp32 + int8 (needs the 'train' extra)")
    what = export.add_subparsers(dest="model", required=True, metavar="MODEL")
    rec = what.add_parser("recognizer", help="checkpoint -> models/recognizer_{fp32,int8}.onnx + manifest")
    rec.add_argument("checkpoint", type=Path, help="e.g. runs/recognizer/best.pt")
    rec.add_argument("--models", type=Path, default=None, help="models folder (default: config ocr.models_dir)")
    rec.add_argument("--calibration", type=Path, default=Path("calibration/recognizer_lines.npz"),
                     help="int8 calibration lines (made by `edge calibrate recognizer` if missing)")
    rec.set_defaults(handler="export_recognizer")


def _add_scan(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scan = sub.add_parser("scan", help="read the card in one or two photos (front, back, either order)")
    scan.add_argument("images", nargs="+", type=Path, metavar="PHOTO", help="FRONT [BACK]: JPEG, PNG, ...")
    scan.add_argument("--thumb", action="store_true", help="include each side's aligned card (base64 JPEG)")
    scan.add_argument("--json", action="store_true", help="print exactly the API's JSON envelope")
    scan.set_defaults(handler="scan")


def _add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="the built-in sample: a generated card photographed front and back, read")
    demo.add_argument("--out", type=Path, default=Path("out/demo"), help="where the sample images go")
    demo.add_argument("--seed", type=int, default=2024)
    demo.set_defaults(handler="demo")


def _add_score(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    score = sub.add_parser("score", help="compare predicted JSON envelopes with ground truth, field by field")
    score.add_argument("pred", type=Path, help="a prediction JSON file, or a folder of them")
    score.add_argument("truth", type=Path, help="the ground-truth JSON file, or a folder with the same names")
    score.add_argument("--json", action="store_true", help="print the figures as JSON")
    score.set_defaults(handler="score")


def _add_config(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    config = sub.add_parser("config", help="validate and print the effective configuration")
    what = config.add_subparsers(dest="action", required=True, metavar="ACTION")
    what.add_parser("show", help="print the effective configuration as TOML")
    what.add_parser("check", help="validate the configuration; exit 0 when it is valid")
    config.set_defaults(handler="show_config")


def _add_queue(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from edge.store.commands import add_parser

    add_parser(sub)


def _add_kiosk(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from edge.kiosk.commands import add_parser

    add_parser(sub)


def _add_doctor(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from edge.ops.doctor import add_parser

    add_parser(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edge",
        description="Read Vietnamese vehicle registration certificates at the edge.",
    )
    parser.add_argument("--config", type=Path, default=None,
                        help="TOML config file (default: $EDGE_CONFIG, else /etc/edge/edge.toml if present)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_demo, _add_scan, _add_read_lines, _add_synth, _add_bench, _add_train, _add_export, _add_score,
                _add_config, _add_serve, _add_capture, _add_calibrate, _add_queue,
                _add_kiosk, _add_doctor):
        add(sub)
    return parser


def _handler(name: str) -> Handler:
    """A sub-command's function: ``name`` in edge.commands, or ``package.module:function``."""
    import importlib

    module, _, func = name.rpartition(":")
    found: Handler = getattr(importlib.import_module(module or "edge.commands"), func)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from edge.config import load_config
        from edge.logs import setup_logging

        args.config_obj = load_config(args.config)
        setup_logging(args.config_obj.log)
        handler: Handler = _handler(args.handler)
        return handler(args)
    except EdgeError as exc:
        print(f"edge: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("edge: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
