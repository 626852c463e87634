"""SIGKILL at random points while scans are captured, stored, confirmed and delivered: none lost, none doubled."""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path

from edge.store.outbox import Store
from tests.store.kill_worker import main as worker
from tests.store.receiver import Receiver

ITERATIONS = 50
SECRET = "kill-loop-secret"


def _wait_for(log: Path, word: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if log.exists() and word in log.read_text().split("\n"):
            return
        time.sleep(0.005)
    raise AssertionError(f"the worker never wrote {word!r}")


def test_sigkill_loop_loses_nothing_and_delivers_each_scan_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.store.kill_worker"])
    db = tmp_path / "edge.db"
    rng = random.Random(7)
    reported: list[str] = []
    with Receiver(secret=SECRET, delay_s=0.002) as rx:
        for i in range(ITERATIONS):
            log = tmp_path / f"run{i}.log"
            proc = ctx.Process(target=worker, args=(str(db), rx.url, SECRET, str(log), i, True))
            proc.start()
            _wait_for(log, "ready", 30.0)
            time.sleep(rng.uniform(0.0, 0.25))
            proc.kill()
            proc.join()
            assert proc.exitcode == -9
            reported += [line for line in log.read_text().split("\n") if len(line) == 32]
        log = tmp_path / "drain.log"
        proc = ctx.Process(target=worker, args=(str(db), rx.url, SECRET, str(log), -1, False))
        proc.start()
        _wait_for(log, "drained", 60.0)
        proc.join(10)
        applied = [p["scan_id"] for p in rx.applied]
        seqs = [p["seq"] for p in rx.applied]
        resent = rx.hits - len(rx.applied)
    with Store.open(db) as store:
        assert store.integrity() == "ok"
        confirmed = [s for s in store.scans() if s.status == "confirmed"]
        stored = {s.id for s in store.scans()}
        assert not store.jobs("handoff")
    assert len(reported) > ITERATIONS, "the workers should have confirmed several scans each"
    assert set(reported) <= stored, "a scan reported as taken is missing from the store"
    assert sorted(applied) == sorted(s.id for s in confirmed), "every confirmed scan reaches the receiver"
    assert len(applied) == len(set(applied)), "a scan was applied twice"
    assert seqs == sorted(seqs), "deliveries out of order"
    assert rx.bad_signatures == 0
    print(f"kill loop: {ITERATIONS} kills, {len(reported)} scans reported, {len(confirmed)} confirmed, "
          f"{len(applied)} applied once each, {resent} re-sent with the same key")
