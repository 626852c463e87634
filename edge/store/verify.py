"""Queued cloud verifications: run by the delivery thread once the cloud answers again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from edge.store.export import handoff_payload
from edge.store.outbox import Job, Store
from edge.store.sync import Verifier

if TYPE_CHECKING:
    from edge.cloud.fallback import Fallback


def make_verifier(store: Store, fallback: Fallback) -> Verifier:
    """Merge the cloud's answer into the stored scan; a scan already handed off is sent again, as verified."""

    def verify(job: Job) -> None:
        scan = store.scan(job.scan_id)
        images = store.images(job.scan_id)
        if scan is None or scan.envelope is None or not images:
            return  # purged or cancelled meanwhile: nothing left to verify
        merged = fallback.verify(scan.envelope, images)
        store.update_result(scan.id, merged, "verified")
        if scan.status == "confirmed":
            store.enqueue("handoff", scan.id, f"{scan.id}.verified", handoff_payload("scan.verified", scan, merged))

    return verify
