"""``edge bench synth``: how fast the generator makes training and test data on this machine."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from edge.synth import dataset, export


def _rate(make: Callable[[int], object], seconds: float) -> tuple[int, float]:
    """Items made in about ``seconds`` on this process, and the rate per second."""
    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < seconds:
        make(count)
        count += 1
    return count, count / (time.perf_counter() - start)


def run(seconds: float, workers: int, out: TextIO) -> None:
    from edge.synth.lines import random_line

    seq_seconds = 2.0
    out.write(f"edge bench synth  ({seconds:.0f} s per measure)\n")
    measures: list[tuple[str, Callable[[int], object]]] = [
        ("line crops (in memory, 1 process)", lambda i: random_line(dataset.item_rng(7, "line", i))),
        ("card faces (1 process)", lambda i: dataset.card_item(7, i)),
        ("scenes 1280x720 (1 process)", lambda i: dataset.scene_item(7, i)),
        (f"sequences 640x480 {seq_seconds:.0f}s@30fps (1 process)",
         lambda i: dataset.sequence_item(7, i, "hold", seconds=seq_seconds)),
    ]
    for name, make in measures:
        make(0)  # warm caches (fonts, textures) outside the timing
        count, rate = _rate(make, seconds)
        out.write(f"  {name:<44} {rate:9.1f} /s   ({count} made)\n")
    n_workers = export.resolve_workers(workers)
    with tempfile.TemporaryDirectory() as tmp:
        n = max(200, int(400 * seconds))
        start = time.perf_counter()
        export.generate("lines", Path(tmp), n, 7, n_workers, export.Options())
        elapsed = time.perf_counter() - start
    rate = n / elapsed
    out.write(f"  {'line crops written as PNG (' + str(n_workers) + ' processes)':<44} {rate:9.1f} /s"
              f"   = {rate * 60:,.0f} per minute ({n} in {elapsed:.1f} s, process start included)\n")
