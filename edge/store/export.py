"""The hand-off payload, and the same as CSV for gates with no network: one row per scan, a column per field."""

from __future__ import annotations

import base64
import csv
from datetime import UTC, datetime
from typing import IO, Any

from edge.schema import BACK_FIELDS, FRONT_FIELDS, Envelope, SideType
from edge.store.outbox import Scan

META = ("scan_id", "event", "idempotency_key", "created_at", "confirmed_at")
COLUMNS = (*META, *(f"front.{f}" for f in FRONT_FIELDS), *(f"back.{f}" for f in BACK_FIELDS),
           *(f"front.{f}.source" for f in FRONT_FIELDS), *(f"back.{f}.source" for f in BACK_FIELDS))


def row(payload: dict[str, Any]) -> dict[str, str]:
    """Flatten one payload: ``front.plate``, ``back.engine``, ... and where each value came from."""
    out = {k: str(payload.get(k, "")) for k in META}
    result = payload.get("result") or {}
    sources = payload.get("sources") or {}
    for item in result.get("data") or []:
        side = "front" if str(item.get("type", "")).endswith("front") else "back"
        for key, value in (item.get("info") or {}).items():
            if f"{side}.{key}" in COLUMNS:
                out[f"{side}.{key}"] = str(value)
        for key, source in (sources.get(side) or {}).items():
            if f"{side}.{key}.source" in COLUMNS:
                out[f"{side}.{key}.source"] = str(source)
    return out


def write_csv(out: IO[str], payloads: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for p in payloads:
        writer.writerow(row(p))


def handoff_payload(event: str, scan: Scan, envelope: Envelope, images: list[bytes] | None = None) -> dict[str, Any]:
    """The JSON the site's system receives: the API's envelope plus where each field came from."""
    sources: dict[str, dict[str, str]] = {}
    for side in envelope.data:
        sources["front" if side.type == SideType.FRONT else "back"] = {k: v.source for k, v in side.info.items()}
    payload: dict[str, Any] = {
        "event": event, "scan_id": scan.id, "seq": scan.seq,
        "created_at": datetime.fromtimestamp(scan.created_at, UTC).isoformat(timespec="seconds"),
        "confirmed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "result": envelope.to_seed(), "sources": sources, "fallback": scan.fallback,
    }
    if images:
        payload["images"] = [base64.b64encode(img).decode("ascii") for img in images]
    return payload
