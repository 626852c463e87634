"""Run one bench step in a fresh process, so that process's memory is the step's own."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

T = TypeVar("T")


def isolated(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a freshly spawned process (its result pickled back)."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()
