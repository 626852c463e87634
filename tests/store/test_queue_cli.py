"""``edge queue`` as a user runs it: a subprocess on a real store file and a real receiver."""

from __future__ import annotations

import json
from pathlib import Path

from edge.store.outbox import Store
from tests.store.receiver import Receiver
from tests.store.test_outbox import _confirmed
from tests.test_cli import edge


def test_status_export_deliver_purge(tmp_path: Path) -> None:
    db = tmp_path / "edge.db"
    with Store.open(db) as store:
        ids = [_confirmed(store, "29A-123.45"), _confirmed(store, "51G-678.90")]
    res = edge("queue", "status", "--store", str(db), "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["lanes"]["handoff"]["pending"] == 2
    res = edge("queue", "export", "--store", str(db), "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert res.returncode == 0 and "exported 2" in res.stderr
    assert "51G-678.90" in (tmp_path / "x.csv").read_text(encoding="utf-8")
    res = edge("queue", "deliver", "--once", "--store", str(db))
    assert res.returncode == 2 and "no [webhook] url" in res.stderr and "Traceback" not in res.stderr
    with Receiver(secret="k") as rx:
        res = edge("queue", "deliver", "--once", "--store", str(db),
                   env={"EDGE_WEBHOOK__URL": rx.url, "EDGE_WEBHOOK__SECRET": "k"})
        assert res.returncode == 0, res.stderr
        assert [p["scan_id"] for p in rx.applied] == ids
    res = edge("queue", "purge", "--all", "--store", str(db))
    assert res.returncode == 0 and "2 delivered scan(s)" in res.stdout
    res = edge("queue", "status", "--store", str(db))
    assert res.returncode == 0 and "delivered 2" in res.stdout and "2 purged" in res.stdout
    res = edge("queue", "retry", "--store", str(db))
    assert res.returncode == 0 and res.stdout.startswith("0 job(s)")
