"""Read text lines: pre-process, batch by width bucket, run the model, CTC-decode with confidences."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from edge.errors import ImageError
from edge.ocr.casing import consistent_case
from edge.ocr.charset import Codec
from edge.ocr.ctc import greedy_decode, softmax
from edge.ocr.dates import correct_dates
from edge.ocr.preprocess import TIME_STRIDE, batch, bucket_width, resize_line
from edge.ocr.syllables import Letter, correct_words, read_letters
from edge.runtime.base import InferenceRuntime
from edge.runtime.cpu import int8_pairs_saturate
from edge.runtime.manifest import Manifest, load_manifest, verified_path
from edge.runtime.registry import Backend, load_runtime

MODEL_NAMES: dict[tuple[str, str], str] = {
    ("onnx", "int8"): "recognizer-int8-onnx",
    ("onnx", "int8-7bit"): "recognizer-int8-7bit-onnx",  # chosen for "int8" where 8-bit weights saturate
    ("onnx", "fp32"): "recognizer-fp32-onnx",
    ("tflite", "int8"): "recognizer-int8-tflite",
}


def model_name(manifest: Manifest, backend: str, precision: str) -> str:
    """The manifest entry for ``backend`` at ``precision``: ONNX ``int8`` is the model with 7-bit
    weights on a CPU whose int8 kernels saturate with 8-bit ones (`edge.runtime.cpu`), where shipped."""
    name = MODEL_NAMES.get((backend, precision))
    if name is None:
        raise ValueError(f"no recogniser for backend {backend} at precision {precision}")
    seven = MODEL_NAMES[("onnx", "int8-7bit")]
    if (backend, precision) == ("onnx", "int8") and seven in manifest.models and int8_pairs_saturate():
        return seven
    return name


@dataclass(frozen=True)
class LineRead:
    text: str
    confidence: float  # the least sure character's probability, 0..1
    char_probs: tuple[float, ...]
    # each character, and the model's probabilities where it was read (row i for letters[i], whose
    # frame is i): a field that knows its words (an owner's name) can re-read an unsure one from them
    letters: tuple[Letter, ...] = field(default=(), repr=False, compare=False)
    probs: NDArray[np.float32] | None = field(default=None, repr=False, compare=False)
    alphabet: str = field(default="", repr=False, compare=False)  # the probabilities' columns after the blank


class Recognizer:
    """A loaded line recogniser; build once per process and reuse."""

    def __init__(self, runtime: InferenceRuntime, alphabet: str, max_batch: int = 32,
                 spelling: bool = True) -> None:
        self.runtime = runtime
        self.codec = Codec(alphabet)
        self.max_batch = max_batch
        # words re-marked into Vietnamese syllables (edge.ocr.syllables), each in one case (edge.ocr.casing),
        # dates re-read into calendar dates (edge.ocr.dates)
        self.spelling = spelling

    @classmethod
    def load(cls, models_dir: Path, backend: Backend = "onnx", precision: str = "int8",
             threads: int = 1, warmup: bool = True, spelling: bool = True) -> Recognizer:
        manifest = load_manifest(models_dir)
        name = model_name(manifest, backend, precision)
        path, entry = verified_path(models_dir, name, manifest)
        if not entry.charset:
            raise ValueError(f"manifest entry {name} has no charset")
        rec = cls(load_runtime(backend, path, threads), entry.charset, spelling=spelling)
        if warmup:
            rec.read([np.full((32, 128), 255, np.uint8)])
        return rec

    def read(self, images: list[NDArray[np.uint8]]) -> list[LineRead]:
        """One result per crop, in order; crops of similar width share a batch."""
        lines = []
        for i, img in enumerate(images):
            try:
                lines.append(resize_line(img))
            except ValueError as exc:
                raise ImageError(f"line {i}: {exc}") from exc
        results: list[LineRead | None] = [None] * len(lines)
        buckets: dict[int, list[int]] = {}
        for i, line in enumerate(lines):
            buckets.setdefault(bucket_width(line.shape[1]), []).append(i)
        for width, members in sorted(buckets.items()):
            for start in range(0, len(members), self.max_batch):
                chunk = members[start : start + self.max_batch]
                logits = self.runtime.run(batch([lines[i] for i in chunk], width))
                probs = softmax(logits.reshape(len(chunk), -1, logits.shape[-1]))  # (N, [1,] T, C) -> (N, T, C)
                for row, i in enumerate(chunk):
                    steps = -(-lines[i].shape[1] // TIME_STRIDE)
                    results[i] = self._decode(probs[row], steps)
        return [r for r in results if r is not None]

    def _decode(self, probs: NDArray[np.float32], steps: int) -> LineRead:
        alphabet = self.codec.alphabet
        letters = read_letters(greedy_decode(probs, steps), alphabet)
        if self.spelling:
            letters = correct_dates(consistent_case(correct_words(letters, probs, alphabet)), probs, alphabet)
        char_probs = tuple(letter.prob for letter in letters)
        # only the rows the letters were read at are kept (indexing copies them), not the batch's every step
        rows = probs[[letter.frame for letter in letters]]
        kept = tuple(Letter(letter.char, i, letter.prob) for i, letter in enumerate(letters))
        return LineRead("".join(letter.char for letter in letters), min(char_probs, default=0.0), char_probs,
                        kept, rows, alphabet)


def read_line_files(paths: list[Path], recognizer: Recognizer) -> list[tuple[Path, LineRead | str]]:
    """Read each image file as one text line; an unreadable file gives its error message instead."""
    import cv2

    images: list[NDArray[np.uint8]] = []
    out: list[tuple[Path, LineRead | str]] = []
    for path in paths:
        try:
            data = np.fromfile(path, np.uint8)
        except OSError as exc:
            out.append((path, f"cannot read {path}: {exc.strerror}"))
            continue
        img = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
        if img is None:
            out.append((path, f"{path} is not an image this reader can decode"))
            continue
        if img.shape[0] < 4 or img.shape[1] < 4:
            out.append((path, f"{path} is too small to hold a line of text ({img.shape[1]}x{img.shape[0]})"))
            continue
        out.append((path, ""))
        images.append(np.asarray(img, np.uint8))
    reads = iter(recognizer.read(images))
    return [(p, next(reads) if r == "" else r) for p, r in out]
