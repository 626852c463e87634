"""What each ``edge`` sub-command does, given parsed arguments; the CLI only dispatches here."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, cast

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from edge.config import Config
from edge.errors import DataError, EdgeError

err_console = Console(stderr=True)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err_console, transient=False, disable=not err_console.is_terminal)


def synth(args: argparse.Namespace) -> int:
    from edge.synth import dataset, export

    cfg = cast(Config, args.config_obj).synth
    workers = cfg.workers if args.workers is None else args.workers
    opts = export.Options(
        font_split=args.font_split or cfg.font_split,
        scene_size=(cfg.scene_width, cfg.scene_height),
        video_size=(cfg.video_width, cfg.video_height),
        video_fps=cfg.video_fps,
        video_seconds=cfg.video_seconds,
        quality=None if getattr(args, "quality", "mixed") == "mixed" else args.quality,
        sequence_kind=None if getattr(args, "seq_kind", "mixed") == "mixed" else args.seq_kind,
    )
    if args.kind == "sheet":
        from edge.synth.export import write_image
        from edge.synth.sheet import contact_sheet

        scenes = [dataset.scene_item(args.seed, i, opts.quality, opts.scene_size, opts.font_split)
                  for i in range(args.n)]
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "sheet.jpg"
        write_image(path, contact_sheet(scenes, args.cols), jpeg_quality=90)
        print(path)
        return 0
    kind: export.Kind = "video" if args.kind == "video" else args.kind
    with _progress() as bar:
        task = bar.add_task(f"synth {args.kind}", total=args.n)
        index = export.generate(kind, args.out, args.n, args.seed, workers, opts,
                                progress=lambda k: bar.advance(task, k))
    print(f"wrote {args.n} {args.kind} to {args.out} (index: {index.name})")
    return 0


def demo(args: argparse.Namespace) -> int:
    """The main job on the built-in sample: a generated card photographed front and back, read by the pipeline."""
    from edge.document.pipeline import Pipeline
    from edge.schema import SIDE_FIELDS
    from edge.synth import dataset
    from edge.synth.card import render_face
    from edge.synth.export import write_image
    from edge.synth.layouts import LAYOUTS
    from edge.synth.scene import make_scene
    from edge.synth.types import Side
    from edge.synth.values import random_values

    rng = dataset.item_rng(args.seed, "scene", 0)
    values = random_values(rng)
    args.out.mkdir(parents=True, exist_ok=True)
    photos, truths = [], []
    side: Side
    for side in ("front", "back"):
        face = render_face(values, side, LAYOUTS[side][0], rng)
        scene = make_scene(face, rng, "good")
        path = args.out / f"sample_{side}.jpg"
        write_image(path, scene.image)
        dataset.write_json(args.out / f"sample_{side}.json", dataset.scene_truth(scene))
        photos.append(scene.image)
        truths.extend(dataset.truth_envelope(face).data)
        err_console.print(f"[bold]{side}[/]: {path} (layout {face.layout}; ground truth in sample_{side}.json)")
    result = Pipeline.load(cast(Config, args.config_obj).ocr).scan(photos)
    right = total = 0
    for truth in truths:
        got = result.envelope.side(truth.type)
        for name in SIDE_FIELDS[truth.type]:
            total += 1
            right += got is not None and got.text(name) == truth.text(name)
    ms = sum(sum(s.timings.values()) for s in result.sides) * 1e3
    err_console.print(f"read both sides in {ms:.0f} ms: {right}/{total} fields match the ground truth")
    print(result.envelope.to_json(indent=2))
    return 0 if result.envelope.ok else 1


def score(args: argparse.Namespace) -> int:
    from edge.eval.score import Scoreboard
    from edge.schema import Envelope

    pairs: list[tuple[Path, Path]]
    if args.pred.is_dir():
        pairs = [(p, args.truth / p.name) for p in sorted(args.pred.glob("*.json"))]
    else:
        pairs = [(args.pred, args.truth)]
    board = Scoreboard()
    for pred_path, truth_path in pairs:
        board.add_envelope(Envelope.from_seed(_read_json(pred_path), "edge"),
                           Envelope.from_seed(_read_json(truth_path), "edge"))
    rows = board.rows()
    if args.json:
        figures = {name: {"n": n, "exact": round(acc, 4), "cer": round(c, 4)} for name, n, acc, c in rows}
        print(json.dumps(figures))
        return 0
    table = Table(title=f"{len(pairs)} files, {board.sides} sides")
    for col in ("field", "n", "exact match", "CER"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for name, n, acc, c in rows:
        table.add_row(name, str(n), f"{acc:.2%}", f"{c:.2%}")
    Console().print(table)
    return 0


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{path} does not exist") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path} is not a readable JSON file: {exc}") from exc


def bench_synth(args: argparse.Namespace) -> int:
    from edge.eval.bench_synth import run

    cfg = cast(Config, args.config_obj).synth
    workers = cfg.workers if args.workers is None else args.workers
    run(args.seconds, workers, out=sys.stdout)
    return 0


VAL_SEED = 424_242  # the fixed validation lines: never a training seed


def train_recognizer(args: argparse.Namespace) -> int:
    try:
        from edge.synth.fonts import Split
        from edge.train.data import build_cache
        from edge.train.recognizer import TrainOptions, train
    except ImportError as exc:
        raise EdgeError(f"training needs the 'train' extra (pip install -e '.[train]'): {exc}") from exc

    out: Path = args.out
    if not 0.0 <= args.scene_share <= 0.9:
        raise EdgeError(f"--scene-share must be between 0 and 0.9, not {args.scene_share}")
    mix = f"_scene{round(100 * args.scene_share)}" if args.scene_share else ""
    mix += "_wide" if args.fonts == "wide" else ""
    caches = {"train": (out / f"train_s{args.seed}_n{args.train_lines}{mix}.npz", args.seed, args.train_lines),
              "val": (out / f"val_n{args.val_lines}.npz", VAL_SEED, args.val_lines)}
    for name, (path, seed, n) in caches.items():
        if path.exists():
            continue
        share = args.scene_share if name == "train" else 0.0  # the validation lines stay the same
        faces: Split = args.fonts if name == "train" else "train"
        with _progress() as bar:
            task = bar.add_task(f"render {name} lines", total=n)
            build_cache(path, n, seed, faces, args.workers, progress=lambda k, t=task: bar.advance(t, k),  # type: ignore[misc]
                        card_share=(1.0 - share) / 2, scene_share=share)
    best = train(TrainOptions(train=caches["train"][0], val=caches["val"][0], out=out, steps=args.steps,
                              batch_size=args.batch, lr=args.lr, threads=args.threads,
                              eval_every=args.eval_every, minutes=args.minutes, resume=args.resume,
                              seed=args.seed, init=args.init, size=args.size, both_rows=args.both_rows,
                              grow=args.grow))
    print(f"best checkpoint: {best}")
    return 0


def read_lines(args: argparse.Namespace) -> int:
    from edge.ocr.recognizer import Recognizer, read_line_files

    cfg = cast(Config, args.config_obj).ocr
    backend = args.backend or cfg.backend
    precision = args.precision or ("int8" if backend == "tflite" else cfg.precision)
    rec = Recognizer.load(cfg.models_path(), backend, precision, args.threads or cfg.threads,
                          spelling=cfg.spelling and not args.no_spelling)
    failed = 0
    for path, result in read_line_files(list(args.images), rec):
        if isinstance(result, str):
            failed += 1
            print(f"edge: error: {result}", file=sys.stderr)
        else:
            print(f"{path}\t{result.text}\t{result.confidence:.4f}")
    return 1 if failed else 0


def export_recognizer(args: argparse.Namespace) -> int:
    try:
        from edge.train.export import export_all
    except ImportError as exc:
        raise EdgeError(f"export needs the 'train' extra (pip install -e '.[train]'): {exc}") from exc
    from edge.train.calibration import ensure_calibration

    models = args.models or cast(Config, args.config_obj).ocr.models_path()
    calibration = ensure_calibration(args.calibration)
    for precision, path in export_all(args.checkpoint, models, calibration).items():
        print(f"{precision}: {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


def bench_ocr(args: argparse.Namespace) -> int:
    from edge.eval.bench_ocr import run

    return run(args)


def show_config(args: argparse.Namespace) -> int:
    from edge.config import render_config

    if args.action == "show":
        print(render_config(args.config_obj), end="")
    else:
        print("configuration is valid")
    return 0


def bench_locate(args: argparse.Namespace) -> int:
    from edge.eval.bench_locate import run

    run(args.n, args.seed, sys.stdout)
    return 0


def scan(args: argparse.Namespace) -> int:
    """Read one or two photos of the card: the seed's envelope (--json) or a table, reasons on stderr."""
    from edge.document.image import decode_image
    from edge.document.pipeline import Pipeline
    from edge.errors import ImageError

    if len(args.images) > 2:
        raise ImageError(f"edge scan takes one or two photos (front and back), not {len(args.images)}")
    images = []
    for path in args.images:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ImageError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            images.append(decode_image(data))
        except ImageError as exc:
            raise ImageError(f"{path}: {exc}") from exc
    pipeline = Pipeline.load(cast(Config, args.config_obj).ocr)
    result = pipeline.scan(images, thumb=args.thumb)
    for path, side in zip(args.images, result.sides, strict=True):
        if side.reason is not None:
            print(f"edge: {path}: {side.message}", file=sys.stderr)
    if result.swapped:
        print("edge: the photos were given back first; read as front and back", file=sys.stderr)
    if args.json:
        print(result.envelope.to_json(indent=1))
    else:
        _print_envelope_table(result.envelope)
    return 0 if result.envelope.ok else 1


def _print_envelope_table(envelope: Any) -> None:
    console = Console()
    if not envelope.ok:
        console.print(f"errorCode {envelope.errorCode.value}: {envelope.errorMessage}", markup=False)
        return
    for side in envelope.data:
        table = Table(title=side.type.value, show_lines=False)
        table.add_column("field")
        table.add_column("value")
        table.add_column("confidence", justify="right")
        for name in side.field_names():
            value = side.info.get(name)
            conf = value.confidence if value is not None and value.confidence is not None else 0.0
            table.add_row(name, value.text if value else "", f"{conf:.2f}")
        console.print(table)


def bench_scan(args: argparse.Namespace) -> int:
    from edge.eval.bench_scan import run
    from edge.runtime.manifest import default_models_dir

    cfg = cast(Config, args.config_obj).ocr
    models = Path(cfg.models_dir) if cfg.models_dir else default_models_dir()
    run(args.n, args.seed, args.font_split, models, sys.stdout)
    return 0
