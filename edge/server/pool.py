"""A bounded thread pool for scans: the event loop never runs inference, and a full pool says so at once.

``threads`` scans run at once and ``queue`` more may wait; one request beyond that is refused
immediately (``PoolFull``) instead of piling up, and one that waited longer than the queue
timeout without starting is withdrawn (``PoolTimeout``).  A slot is freed when its work has
really finished, so a withdrawn request can never let more work run than there are threads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class PoolFull(Exception):
    """Every thread is busy and the queue is full."""


class PoolTimeout(Exception):
    """The work waited in the queue longer than allowed and was withdrawn before it started."""


class WorkerPool:
    def __init__(self, threads: int, queue: int, queue_timeout_s: float) -> None:
        self.threads = threads
        self.capacity = threads + queue
        self.queue_timeout_s = queue_timeout_s
        self._executor = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="scan")
        self._pending = 0  # touched on the event loop only
        self._running = 0
        self._closing = False

    @property
    def pending(self) -> int:
        """Requests admitted and not yet finished (running + queued)."""
        return self._pending

    @property
    def running(self) -> int:
        return self._running

    @property
    def full(self) -> bool:
        return self._closing or self._pending >= self.capacity

    async def run(self, fn: Callable[[], T]) -> T:
        if self.full:
            raise PoolFull
        loop = asyncio.get_running_loop()
        started = asyncio.Event()

        def job() -> T:
            loop.call_soon_threadsafe(self._started, started)
            return fn()

        self._pending += 1
        future = self._executor.submit(job)
        future.add_done_callback(lambda _f: loop.call_soon_threadsafe(self._finished, started))
        try:
            await asyncio.wait_for(started.wait(), self.queue_timeout_s)
        except TimeoutError:
            if future.cancel():
                raise PoolTimeout from None
        return await asyncio.wrap_future(future)

    def _started(self, started: asyncio.Event) -> None:
        self._running += 1
        started.set()

    def _finished(self, started: asyncio.Event) -> None:
        self._pending -= 1
        if started.is_set():
            self._running -= 1

    def shutdown(self) -> None:
        """Refuse new work and wait for what is running or queued to finish."""
        self._closing = True
        self._executor.shutdown(wait=True)
