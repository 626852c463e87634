"""Greedy CTC decoding with per-character probabilities (framework-free, numpy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Decoded:
    ids: list[int]
    char_probs: list[float]  # probability of each emitted character (max over its frames)
    frames: list[int]  # the step where each emitted character's probability peaked

    @property
    def confidence(self) -> float:
        """The weakest character's probability: one wrong letter makes the whole line wrong."""
        return float(min(self.char_probs)) if self.char_probs else 0.0


def softmax(logits: NDArray[np.float32], axis: int = -1) -> NDArray[np.float32]:
    z = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(z)
    out: NDArray[np.float32] = (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)
    return out


def greedy_decode(probs: NDArray[np.float32], length: int | None = None) -> Decoded:
    """Best path over (T, C) probabilities: collapse repeats, drop blanks (id 0)."""
    steps = probs[: length or probs.shape[0]]
    best = steps.argmax(axis=1)
    best_p = steps[np.arange(len(best)), best]
    ids: list[int] = []
    char_probs: list[float] = []
    frames: list[int] = []
    prev = 0
    for t, (k, p) in enumerate(zip(best.tolist(), best_p.tolist(), strict=True)):
        if k != 0 and k != prev:
            ids.append(k)
            char_probs.append(p)
            frames.append(t)
        elif k != 0 and k == prev and p > char_probs[-1]:
            char_probs[-1] = p
            frames[-1] = t
        prev = k
    return Decoded(ids, char_probs, frames)
