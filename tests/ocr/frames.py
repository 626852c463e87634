"""CTC probabilities made by hand for a line read as a given text, for the spelling tests."""

from __future__ import annotations

import numpy as np

from edge.ocr.charset import charset
from edge.ocr.ctc import greedy_decode
from edge.ocr.syllables import Letter, read_letters


def frames(text: str, second: dict[int, tuple[str, float]] | None = None) -> tuple[list[Letter], np.ndarray]:
    """CTC probabilities with one frame per letter (blanks between), a runner-up letter at the given
    places ("" for the blank), and the greedy letters read from them."""
    alphabet = charset()
    index = {ch: i + 1 for i, ch in enumerate(alphabet)}
    probs = np.full((2 * len(text), len(alphabet) + 1), 1e-6, np.float32)
    probs[1::2, 0] = 1.0
    for i, ch in enumerate(text):
        alt = (second or {}).get(i)
        probs[2 * i, index[ch]] = 0.9 if alt is None else 1.0 - alt[1]
        if alt is not None:
            probs[2 * i, index[alt[0]] if alt[0] else 0] = alt[1]
    return read_letters(greedy_decode(probs), alphabet), probs
