"""The scan store and its delivery against a real loopback receiver: order, back-off, signatures, export, purge."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from edge.config import WebhookConfig
from edge.errors import StoreError
from edge.schema import Envelope, SideResult, SideType
from edge.store.export import handoff_payload
from edge.store.outbox import Store
from edge.store.sync import Sync, backoff, sign, signature_ok
from tests.store.receiver import Receiver


def _envelope(plate: str) -> Envelope:
    front = SideResult.from_texts(SideType.FRONT, {"name": "NGUYỄN VĂN AN", "plate": plate}, 0.97)
    back = SideResult.from_texts(SideType.BACK, {"engine": "JC52E-1234567", "plate": plate}, 0.95)
    return Envelope.success([front, back])


def _confirmed(store: Store, plate: str) -> str:
    env = _envelope(plate)
    scan_id = store.add_scan(env, [b"\xff\xd8front", b"\xff\xd8back"])
    scan = store.scan(scan_id)
    assert scan is not None
    store.confirm(scan_id, env, handoff_payload("scan.confirmed", scan, env))
    return scan_id


def test_scans_and_jobs_survive_reopening(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "edge.db"
    with Store.open(db) as store:
        scan_id = _confirmed(store, "29A-123.45")
        assert store.images(scan_id) == [b"\xff\xd8front", b"\xff\xd8back"]
    with Store.open(db) as store:
        scan = store.scan(scan_id)
        assert scan is not None and scan.status == "confirmed" and scan.envelope is not None
        assert scan.envelope.data[0].info["name"].text == "NGUYỄN VĂN AN"
        assert [j.key for j in store.jobs("handoff")] == [f"{scan_id}.confirmed"]
        assert store._query("PRAGMA journal_mode")[0][0] == "wal"
        assert store._query("PRAGMA synchronous")[0][0] == 2  # FULL


def test_confirming_twice_queues_one_handoff(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as store:
        scan_id = _confirmed(store, "29A-123.45")
        scan = store.scan(scan_id)
        assert scan is not None and scan.envelope is not None
        store.confirm(scan_id, scan.envelope, {})
        assert len(store.jobs("handoff")) == 1
        with pytest.raises(StoreError, match="no scan"):
            store.confirm("nope", scan.envelope, {})


def test_unopenable_store_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot be opened"):
        Store.open(blocker / "edge.db")


def test_delivery_is_signed_in_order_and_retried_with_backoff(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as store, Receiver(secret="s3cret", fail_first=3) as rx:
        ids = [_confirmed(store, f"29A-111.{i:02d}") for i in range(5)]
        sync = Sync(store, WebhookConfig(url=rx.url, secret="s3cret", backoff_s=0.05, backoff_max_s=0.2))
        deadline = time.monotonic() + 20
        while store.jobs("handoff") and time.monotonic() < deadline:
            sync.drain()
            time.sleep(0.02)
        assert [p["scan_id"] for p in rx.applied] == ids
        assert rx.hits == 5 + 3 and sync.failures == 3
        assert rx.bad_signatures == 0
        assert rx.applied[0]["result"]["data"][0]["info"]["plate"] == "29A-111.00"
        assert rx.applied[0]["sources"]["front"]["plate"] == "edge"
        assert rx.applied[0]["idempotency_key"] == f"{ids[0]}.confirmed"
        assert store.status()["lanes"]["handoff"] == {"pending": 0, "done": 5, "dead": 0, "oldest_pending_s": None,
                                                      "last_error": ""}


def test_a_wrong_secret_is_refused_and_kept_for_later(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as store, Receiver(secret="right") as rx:
        _confirmed(store, "29A-123.45")
        sync = Sync(store, WebhookConfig(url=rx.url, secret="wrong", backoff_s=0.01))
        assert sync.drain() == 0
        assert rx.bad_signatures == 1 and not rx.applied
        job = store.jobs("handoff")[0]
        assert job.attempts == 1 and "401" in job.last_error
        assert store.retry() == 1


def test_signature_and_backoff_helpers() -> None:
    body = b'{"a": 1}'
    ts = f"{time.time():.3f}"
    header = sign("k", ts, body)
    assert signature_ok("k", ts, body, header)
    assert not signature_ok("k", ts, body + b" ", header)
    assert not signature_ok("k", "1000", body, sign("k", "1000", body))  # too old: a replay
    waits = [backoff(n, 1.0, 30.0, rng=lambda: 1.0) for n in range(1, 8)]
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff(3, 1.0, 30.0, rng=lambda: 0.0) == 2.0


def test_export_as_jsonl_and_csv_and_acknowledge(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as store:
        a, b = _confirmed(store, "29A-123.45"), _confirmed(store, "51G-678.90")
        out = io.StringIO()
        assert store.export(out, "jsonl") == 2
        assert [json.loads(line)["scan_id"] for line in out.getvalue().splitlines()] == [a, b]
        out = io.StringIO()
        assert store.export(out, "csv", ack=True) == 2
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert rows[1]["back.plate"] == "51G-678.90" and rows[0]["front.name"] == "NGUYỄN VĂN AN"
        assert rows[0]["front.plate.source"] == "edge"
        assert not store.jobs("handoff")
        assert store.export(io.StringIO(), "jsonl") == 0 and store.export(io.StringIO(), "jsonl", everything=True) == 2


def test_purge_erases_personal_data_only_once_delivered(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as store:
        sent, unsent = _confirmed(store, "29A-123.45"), _confirmed(store, "51G-678.90")
        store.ack(store.jobs("handoff")[0].seq)
        assert store.purge(30, 7) == {"scans": 0, "images": 0}  # nothing old enough
        assert store.purge(30, 7, everything=True) == {"scans": 1, "images": 2}
        gone, kept = store.scan(sent), store.scan(unsent)
        assert gone is not None and gone.envelope is None and store.images(sent) == []
        assert kept is not None and kept.envelope is not None and len(store.images(unsent)) == 2
        assert store.jobs("handoff", ("done",))[0].payload == ""
        assert store.jobs("handoff")[0].payload
