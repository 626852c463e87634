"""The interface every inference backend implements: load once, then ``run(ndarray) -> ndarray``."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray


class InferenceRuntime(Protocol):
    """One loaded model; ``run`` is safe to call from one thread at a time per instance."""

    name: str
    path: Path

    def run(self, x: NDArray[np.float32]) -> NDArray[np.float32]:
        """One input tensor in, the first output tensor out."""
        ...
