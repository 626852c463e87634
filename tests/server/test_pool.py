"""The worker pool refuses at once when full and withdraws work that waited too long."""

from __future__ import annotations

import asyncio
import threading

import pytest

from edge.server.pool import PoolFull, PoolTimeout, WorkerPool


def test_full_pool_refuses_and_slow_queue_times_out() -> None:
    gate = threading.Event()

    async def scenario() -> list[object]:
        pool = WorkerPool(threads=1, queue=1, queue_timeout_s=0.2)
        running = asyncio.ensure_future(pool.run(lambda: gate.wait(5)))
        await asyncio.sleep(0.05)
        queued = asyncio.ensure_future(pool.run(lambda: "never"))
        await asyncio.sleep(0.01)
        assert pool.full and pool.running == 1 and pool.pending == 2
        with pytest.raises(PoolFull):
            await pool.run(lambda: "refused")
        with pytest.raises(PoolTimeout):
            await queued
        gate.set()
        out: list[object] = [await running]
        await asyncio.sleep(0.01)
        out += [pool.pending, pool.running, await pool.run(lambda: 42)]
        pool.shutdown()
        return out

    assert asyncio.run(scenario()) == [True, 0, 0, 42]
