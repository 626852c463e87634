"""Write generated items to a folder, in parallel processes, with a progress bar."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Literal

import cv2

from edge.errors import SynthError
from edge.synth import dataset
from edge.synth.fonts import Split
from edge.synth.types import Image, Quality

Kind = Literal["cards", "scenes", "lines", "video"]
CHUNK = 32


@dataclass(frozen=True)
class Options:
    font_split: Split = "train"
    quality: Quality | None = None
    scene_size: tuple[int, int] = (1280, 720)
    video_size: tuple[int, int] = (640, 480)
    video_fps: float = 30.0
    video_seconds: float = 4.0
    sequence_kind: Literal["hold", "no_card", "never_still"] | None = None


def write_image(path: Path, image: Image, jpeg_quality: int = 95) -> None:
    jpeg = path.suffix == ".jpg"
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if jpeg else [cv2.IMWRITE_PNG_COMPRESSION, 1]
    ok, buf = cv2.imencode(path.suffix, image, params)
    if not ok:
        raise SynthError(f"cannot encode {path.name}")
    path.write_bytes(buf.tobytes())


def make_one(kind: Kind, seed: int, index: int, out: Path, opts: Options) -> str:
    """Generate and write item ``index``; returns its line for the folder's index file."""
    name = f"{index:06d}"
    if kind == "cards":
        face = dataset.card_item(seed, index, opts.font_split)
        write_image(out / f"card_{name}.png", face.image)
        dataset.write_json(out / f"card_{name}.json", dataset.face_truth(face))
        return f"card_{name}.png\t{face.side}\t{face.layout}"
    if kind == "scenes":
        scene = dataset.scene_item(seed, index, opts.quality, opts.scene_size, opts.font_split)
        write_image(out / f"scene_{name}.jpg", scene.image)
        dataset.write_json(out / f"scene_{name}.json", dataset.scene_truth(scene))
        return f"scene_{name}.jpg\t{scene.face.side}\t{scene.face.layout}\t{scene.quality}"
    if kind == "lines":
        from edge.synth.lines import random_line

        sample = random_line(dataset.item_rng(seed, "line", index), opts.font_split)
        write_image(out / "lines" / f"{name}.png", sample.image)
        return f"lines/{name}.png\t{sample.text}"
    from edge.synth.video import write_sequence

    seq = dataset.sequence_item(seed, index, opts.sequence_kind, opts.video_size, opts.video_fps,
                                opts.video_seconds, opts.font_split)
    folder = f"seq_{name}_{seq.kind}"
    write_sequence(seq, out / folder)
    return f"{folder}\t{seq.kind}\t{len(seq.frames)}"


def _make_chunk(kind: Kind, seed: int, indices: list[int], out: Path, opts: Options) -> list[str]:
    return [make_one(kind, seed, i, out, opts) for i in indices]


INDEX_HEADERS: dict[Kind, str] = {
    "cards": "file\tside\tlayout",
    "scenes": "file\tside\tlayout\tquality",
    "lines": "file\ttext",
    "video": "folder\tkind\tframes",
}
INDEX_FILES: dict[Kind, str] = {"cards": "index.tsv", "scenes": "index.tsv", "lines": "labels.tsv",
                                "video": "index.tsv"}


def resolve_workers(workers: int) -> int:
    return workers if workers > 0 else max(1, os.cpu_count() or 1)


def generate(kind: Kind, out: Path, n: int, seed: int, workers: int, opts: Options,
             progress: Callable[[int], None] | None = None) -> Path:
    """Write items 0..n-1 and an index file listing them in order; returns the index file."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        if kind == "lines":
            (out / "lines").mkdir(exist_ok=True)
    except OSError as exc:
        raise SynthError(f"cannot create output folder {out}: {exc.strerror}") from exc
    chunks = [list(range(s, min(s + CHUNK, n))) for s in range(0, n, CHUNK)]
    rows: list[list[str]] = [[] for _ in chunks]
    workers = min(resolve_workers(workers), max(1, len(chunks)))
    if workers == 1:
        for k, chunk in enumerate(chunks):
            rows[k] = _make_chunk(kind, seed, chunk, out, opts)
            if progress:
                progress(len(chunk))
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(_make_chunk, kind, seed, c, out, opts): k for k, c in enumerate(chunks)}
            for future in as_completed(futures):
                k = futures[future]
                rows[k] = future.result()
                if progress:
                    progress(len(chunks[k]))
    index = out / INDEX_FILES[kind]
    lines = [INDEX_HEADERS[kind]] + [row for chunk_rows in rows for row in chunk_rows]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index
