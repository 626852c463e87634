"""Line crops for training, rendered once by ``edge.synth`` into a compact cache file.

Rendering is the slow part, so a cache of pre-processed grey lines (32 px high) is built in
parallel processes and reused across epochs and resumed runs; augmentation that is cheap (width
and ink-weight jitter) happens per batch.  The cache is an ``.npz`` of one long (32, total_width)
strip, the column offsets of each line, and the texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.ocr.preprocess import LINE_HEIGHT, TIME_STRIDE, batch, resize_line
from edge.synth.fonts import Split

CHUNK = 256


LINES_PER_CARD = 16  # about how many lines a rendered card yields


def _render_chunk(seed: int, kind: str, indices: list[int],
                  split: Split) -> tuple[list[NDArray[np.uint8]], list[str]]:
    from edge.synth.dataset import item_rng
    from edge.synth.lines import card_lines, random_line, scene_lines

    samples = []
    for i in indices:
        rng = item_rng(seed, kind, i)
        if kind == "line":
            samples.append(random_line(rng, split))
        else:
            samples.extend(card_lines(rng, split) if kind == "card_lines" else scene_lines(rng, split))
    return [resize_line(s.image) for s in samples], [s.text for s in samples]


def build_cache(path: Path, n: int, seed: int, split: Split = "train", workers: int = 2,
                card_share: float = 0.5, progress: Callable[[int], None] | None = None,
                compress: bool = False, scene_share: float = 0.0) -> Path:
    """About ``n`` lines of ``seed``: random lines, lines cut from rendered cards and from photographed ones.

    Deterministic whatever ``workers`` is; ``card_share`` of the lines come from flat cards and
    ``scene_share`` from photos of cards rectified again (``edge.synth.lines.scene_lines``).
    """
    n_cards = round(n * card_share / LINES_PER_CARD)
    n_scenes = round(n * scene_share / LINES_PER_CARD)
    n_lines = max(0, n - (n_cards + n_scenes) * LINES_PER_CARD)
    tasks = [("line", list(range(s, min(s + CHUNK, n_lines)))) for s in range(0, n_lines, CHUNK)]
    step = max(1, CHUNK // LINES_PER_CARD)
    tasks += [("card_lines", list(range(s, min(s + step, n_cards)))) for s in range(0, n_cards, step)]
    tasks += [("scene_lines", list(range(s, min(s + step, n_scenes)))) for s in range(0, n_scenes, step)]
    results: list[tuple[list[NDArray[np.uint8]], list[str]]] = [([], []) for _ in tasks]
    with ProcessPoolExecutor(max(1, workers), mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(_render_chunk, seed, kind, idx, split): k
                   for k, (kind, idx) in enumerate(tasks)}
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            if progress:
                kind, idx = tasks[k]
                progress(len(idx) * (1 if kind == "line" else LINES_PER_CARD))
    images = [img for imgs, _ in results for img in imgs]
    texts = [t for _, ts in results for t in ts]
    offsets = np.zeros(len(images) + 1, np.int64)
    offsets[1:] = np.cumsum([img.shape[1] for img in images])
    path.parent.mkdir(parents=True, exist_ok=True)
    save = np.savez_compressed if compress else np.savez
    save(path, strip=np.concatenate(images, axis=1), offsets=offsets, texts=np.array(texts),
         seed=np.array(seed), split=np.array(split))
    return path


@dataclass
class LineSet:
    strip: NDArray[np.uint8]
    offsets: NDArray[np.int64]
    texts: list[str]

    @classmethod
    def load(cls, path: Path) -> LineSet:
        with np.load(path) as data:
            return cls(data["strip"], data["offsets"], [str(t) for t in data["texts"]])

    def __len__(self) -> int:
        return len(self.texts)

    def image(self, i: int) -> NDArray[np.uint8]:
        return self.strip[:, self.offsets[i] : self.offsets[i + 1]]

    def widths(self) -> NDArray[np.int64]:
        return np.diff(self.offsets)


def jitter_width(img: NDArray[np.uint8], rng: np.random.Generator) -> NDArray[np.uint8]:
    """Stretch or squeeze a line by up to ±15 %: fonts and cameras vary in aspect."""
    f = float(rng.uniform(0.85, 1.15))
    w = max(8, int(img.shape[1] * f))
    return np.asarray(cv2.resize(img, (w, LINE_HEIGHT), interpolation=cv2.INTER_LINEAR), np.uint8)


def jitter_ink(img: NDArray[np.uint8], rng: np.random.Generator) -> NDArray[np.uint8]:
    """Now and then a heavier or lighter stroke (a fresh ribbon or a worn one): the dark ink is
    grown or shrunk by a pixel and blended back in part, so thin typefaces' marks (a horn, a hook)
    are seen faint as well as bold."""
    if rng.random() >= 0.3:
        return img
    kernel = np.ones((2, 2) if rng.random() < 0.5 else (1, 2), np.uint8)
    morphed = cv2.erode(img, kernel) if rng.random() < 0.5 else cv2.dilate(img, kernel)
    alpha = float(rng.uniform(0.3, 1.0))
    return np.asarray(cv2.addWeighted(morphed, alpha, img, 1.0 - alpha, 0.0), np.uint8)


def batches(lines: LineSet, batch_size: int, rng: np.random.Generator | None,
            augment: bool = True) -> Iterator[tuple[NDArray[np.float32], list[str], list[int]]]:
    """Batches of similar width (little padding); shuffled when ``rng`` is given, else in order."""
    order = np.argsort(lines.widths(), kind="stable")
    groups = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(groups)
    for group in groups:
        imgs = [lines.image(int(i)) for i in group]
        if augment and rng is not None:
            imgs = [jitter_ink(jitter_width(img, rng), rng) for img in imgs]
        width = max(img.shape[1] for img in imgs)
        width = -(-width // TIME_STRIDE) * TIME_STRIDE
        x = batch(imgs, width)
        yield x, [lines.texts[int(i)] for i in group], [-(-img.shape[1] // TIME_STRIDE) for img in imgs]
