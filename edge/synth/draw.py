"""Seeded random draws and the cached data-file loader the card-value and text-line generators share.

Every draw goes through the numpy ``Generator`` passed in, so a seed reproduces its output exactly
whatever else the process does.  The word lists live in ``edge/synth/data/*.json``.
"""

from __future__ import annotations

import bisect
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any, Generic, TypeVar

import numpy as np

T = TypeVar("T")
Rng = np.random.Generator


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Items with cumulative weights: one ``rng.random()`` and a bisect per draw."""

    items: tuple[T, ...]
    cum: tuple[float, ...]

    @staticmethod
    def of(pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        return Weighted(tuple(p[0] for p in pairs), tuple(accumulate(float(p[1]) for p in pairs)))


def unit(rng: Rng) -> float:
    return float(rng.random())


def pick(rng: Rng, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def wpick(rng: Rng, w: Weighted[T]) -> T:
    i = bisect.bisect_right(w.cum, rng.random() * w.cum[-1])
    return w.items[min(i, len(w.items) - 1)]


def uniform_int(rng: Rng, lo: int, hi: int) -> int:
    """Uniform integer in [lo, hi]."""
    return lo + int(rng.random() * (hi - lo + 1))


def digits(rng: Rng, n: int) -> str:
    return f"{int(rng.random() * 10**n):0{n}d}"


def small(rng: Rng, hi: int) -> int:
    """A house / lane number: small ones are the most common."""
    return 1 + int(rng.random() ** 2 * hi)


@cache
def data_json(name: str) -> Any:
    text = resources.files("edge.synth").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(unicodedata.normalize("NFC", text))
