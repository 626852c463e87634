"""The local scan store: SQLite in WAL mode, fsync on every commit, so a scan survives power loss.

Every finished scan is written here before anything else happens.  What must leave the device (the
hand-off to the site's system, a cloud verification) is a *job* in the same database, written in
the same transaction as the scan it is about, with a unique idempotency key.  Jobs of one lane
are delivered strictly in the order they were written: the oldest unacknowledged job blocks the
rest of its lane until it is acknowledged.  One process delivers at a time (``delivery_lock``).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from edge.errors import StoreError
from edge.schema import Envelope

Lane = Literal["handoff", "verify"]
LANES: tuple[Lane, ...] = ("handoff", "verify")
SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  status TEXT NOT NULL,
  envelope TEXT,
  local TEXT,
  fallback TEXT NOT NULL DEFAULT '',
  meta TEXT NOT NULL DEFAULT '{}',
  purged_at REAL
);
CREATE TABLE IF NOT EXISTS images (
  scan_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  jpeg BLOB NOT NULL,
  PRIMARY KEY (scan_id, idx)
);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  lane TEXT NOT NULL,
  scan_id TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at REAL NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at REAL NOT NULL,
  done_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (lane, state, seq);
"""


def default_path() -> Path:
    return Path.home() / ".local" / "share" / "edge" / "edge.db"


@dataclass(frozen=True)
class Job:
    """One message waiting to leave the device."""

    seq: int
    lane: Lane
    scan_id: str
    key: str
    payload: str
    attempts: int
    next_at: float
    last_error: str


@dataclass(frozen=True)
class Scan:
    """One stored scan; ``envelope`` is None once its personal data was purged."""

    seq: int
    id: str
    created_at: float
    status: str
    envelope: Envelope | None
    local: Envelope | None
    fallback: str
    meta: dict[str, Any]


class Store:
    """One connection to the store file; safe to share between threads (calls are serialised)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=10.0, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # WAL + FULL: every commit is fsynced
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"scan store {path} cannot be opened: {exc} (check [store] path, permissions "
                             "and free disk space)") from exc

    @classmethod
    def open(cls, path: str | Path = "") -> Store:
        return cls(Path(path) if str(path) else default_path())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed (and fsynced) on success, rolled back on any error."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"scan store {self.path}: {exc}") from exc

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._db.execute(sql, args).fetchall())
            except sqlite3.Error as exc:
                raise StoreError(f"scan store {self.path}: {exc}") from exc

    # -- scans -------------------------------------------------------------------------------------

    def add_scan(self, envelope: Envelope, images: list[bytes], *, fallback: str = "", verify: bool = False,
                 meta: dict[str, Any] | None = None, keep_images: bool = True) -> str:
        """Write a finished scan (and its verification job when asked) in one durable transaction."""
        scan_id = uuid.uuid4().hex
        now = time.time()
        body = envelope.model_dump_json()
        with self._tx() as db:
            db.execute("INSERT INTO scans (id, created_at, updated_at, status, envelope, local, fallback, meta) "
                       "VALUES (?, ?, ?, 'read', ?, ?, ?, ?)",
                       (scan_id, now, now, body, body, fallback, json.dumps(meta or {})))
            if keep_images or verify:
                db.executemany("INSERT INTO images (scan_id, idx, jpeg) VALUES (?, ?, ?)",
                               [(scan_id, i, img) for i, img in enumerate(images)])
            if verify:
                _insert_job(db, "verify", scan_id, f"{scan_id}.verify", "", now)
        return scan_id

    def add_images(self, scan_id: str, images: list[bytes]) -> None:
        """Keep a scan's pictures after all (a queued verification needs them)."""
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO images (scan_id, idx, jpeg) VALUES (?, ?, ?)",
                           [(scan_id, i, img) for i, img in enumerate(images)])

    def update_result(self, scan_id: str, envelope: Envelope, fallback: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE scans SET envelope = ?, fallback = ?, updated_at = ? WHERE id = ?",
                       (envelope.model_dump_json(), fallback, time.time(), scan_id))

    def confirm(self, scan_id: str, envelope: Envelope, payload: dict[str, Any]) -> str:
        """Mark the scan confirmed and queue its hand-off, atomically; returns the idempotency key."""
        key = f"{scan_id}.confirmed"
        now = time.time()
        with self._tx() as db:
            row = db.execute("SELECT status FROM scans WHERE id = ?", (scan_id,)).fetchone()
            if row is None:
                raise StoreError(f"no scan {scan_id} in the store")
            if row[0] == "confirmed":
                return key
            db.execute("UPDATE scans SET status = 'confirmed', envelope = ?, updated_at = ? WHERE id = ?",
                       (envelope.model_dump_json(), now, scan_id))
            payload = {**payload, "idempotency_key": key}
            _insert_job(db, "handoff", scan_id, key, json.dumps(payload, ensure_ascii=False), now)
        return key

    def enqueue(self, lane: Lane, scan_id: str, key: str, payload: dict[str, Any]) -> None:
        """Queue one more message (ignored when its key is already queued: idempotent)."""
        with self._tx() as db:
            _insert_job(db, lane, scan_id, key, json.dumps({**payload, "idempotency_key": key}, ensure_ascii=False),
                        time.time())

    def cancel(self, scan_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE scans SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'read'",
                       (time.time(), scan_id))

    def scan(self, scan_id: str) -> Scan | None:
        rows = self._query("SELECT seq, id, created_at, status, envelope, local, fallback, meta FROM scans "
                           "WHERE id = ?", (scan_id,))
        return _scan(rows[0]) if rows else None

    def scans(self) -> list[Scan]:
        rows = self._query("SELECT seq, id, created_at, status, envelope, local, fallback, meta FROM scans "
                           "ORDER BY seq")
        return [_scan(r) for r in rows]

    def latest_unconfirmed(self, max_age_s: float) -> Scan | None:
        """The newest scan read but neither confirmed nor cancelled, if younger than ``max_age_s``."""
        rows = self._query("SELECT seq, id, created_at, status, envelope, local, fallback, meta FROM scans "
                           "WHERE status = 'read' AND fallback != 'abandoned' AND created_at >= ? "
                           "ORDER BY seq DESC LIMIT 1", (time.time() - max_age_s,))
        return _scan(rows[0]) if rows else None

    def images(self, scan_id: str) -> list[bytes]:
        return [bytes(r[0]) for r in self._query("SELECT jpeg FROM images WHERE scan_id = ? ORDER BY idx",
                                                 (scan_id,))]

    # -- jobs --------------------------------------------------------------------------------------

    def next_job(self, lane: Lane, now: float | None = None) -> Job | None:
        """The lane's oldest pending job when it is due; None when none is, or the oldest must wait."""
        rows = self._query("SELECT seq, lane, scan_id, key, payload, attempts, next_at, last_error FROM jobs "
                           "WHERE lane = ? AND state = 'pending' ORDER BY seq LIMIT 1", (lane,))
        if not rows:
            return None
        job = Job(*rows[0])
        return job if job.next_at <= (time.time() if now is None else now) else None

    def next_due_in(self, lane: Lane) -> float | None:
        rows = self._query("SELECT next_at FROM jobs WHERE lane = ? AND state = 'pending' ORDER BY seq LIMIT 1",
                           (lane,))
        return max(0.0, float(rows[0][0]) - time.time()) if rows else None

    def ack(self, seq: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET state = 'done', done_at = ?, attempts = attempts + 1 WHERE seq = ?",
                       (time.time(), seq))

    def fail(self, seq: int, error: str, next_at: float, dead: bool = False) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET state = ?, attempts = attempts + 1, next_at = ?, last_error = ? "
                       "WHERE seq = ?", ("dead" if dead else "pending", next_at, error[:500], seq))

    def retry(self, lane: Lane | None = None) -> int:
        """Every pending or dead job (of ``lane``) is due now again; returns how many."""
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET state = 'pending', next_at = ? WHERE state IN ('pending', 'dead') "
                             "AND (? IS NULL OR lane = ?)", (time.time(), lane, lane))
            return int(cur.rowcount)

    def jobs(self, lane: Lane, states: tuple[str, ...] = ("pending",)) -> list[Job]:
        marks = ",".join("?" * len(states))
        rows = self._query(f"SELECT seq, lane, scan_id, key, payload, attempts, next_at, last_error FROM jobs "
                           f"WHERE lane = ? AND state IN ({marks}) ORDER BY seq", (lane, *states))
        return [Job(*r) for r in rows]

    def status(self) -> dict[str, Any]:
        """Counts for `edge queue status` and the kiosk's status endpoint (no personal data)."""
        out: dict[str, Any] = {"path": str(self.path), "lanes": {}}
        for lane in LANES:
            counts = dict(self._query("SELECT state, COUNT(*) FROM jobs WHERE lane = ? GROUP BY state", (lane,)))
            oldest = self._query("SELECT MIN(created_at) FROM jobs WHERE lane = ? AND state = 'pending'", (lane,))
            last = self._query("SELECT last_error FROM jobs WHERE lane = ? AND state != 'done' AND last_error != '' "
                               "ORDER BY seq LIMIT 1", (lane,))
            out["lanes"][lane] = {"pending": int(counts.get("pending", 0)), "done": int(counts.get("done", 0)),
                                  "dead": int(counts.get("dead", 0)),
                                  "oldest_pending_s": round(time.time() - oldest[0][0], 1) if oldest[0][0] else None,
                                  "last_error": last[0][0] if last else ""}
        out["scans"] = dict(self._query("SELECT status, COUNT(*) FROM scans GROUP BY status"))
        out["purged"] = int(self._query("SELECT COUNT(*) FROM scans WHERE purged_at IS NOT NULL")[0][0])
        out["images"] = int(self._query("SELECT COUNT(*) FROM images")[0][0])
        out["bytes"] = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return out

    def export(self, out: IO[str], fmt: Literal["jsonl", "csv"], everything: bool = False, ack: bool = False) -> int:
        """Write hand-off payloads (pending ones, or all) as JSON lines or CSV; ``ack`` marks them delivered."""
        from edge.store.export import write_csv

        jobs = self.jobs("handoff", ("pending", "dead", "done") if everything else ("pending", "dead"))
        payloads = [json.loads(j.payload) for j in jobs if j.payload]
        if fmt == "jsonl":
            for p in payloads:
                out.write(json.dumps(p, ensure_ascii=False) + "\n")
        else:
            write_csv(out, payloads)
        out.flush()
        if ack:
            for job in jobs:
                self.ack(job.seq)
        return len(payloads)

    def purge(self, retention_days: float, image_days: float, everything: bool = False) -> dict[str, int]:
        """Erase personal data of delivered scans past retention (all of them with ``everything``) and old images.

        A scan whose hand-off or verification is not acknowledged keeps its data: nothing unsent is lost.
        """
        now = time.time()
        with self._tx() as db:
            busy = "SELECT scan_id FROM jobs WHERE state != 'done'"
            cut = now if everything else (now - retention_days * 86_400 if retention_days > 0 else None)
            erased = 0
            if cut is not None:
                erased = db.execute(
                    f"UPDATE scans SET envelope = NULL, local = NULL, purged_at = ? WHERE purged_at IS NULL "
                    f"AND created_at <= ? AND status != 'read' AND id NOT IN ({busy})", (now, cut)).rowcount
                db.execute(f"UPDATE jobs SET payload = '' WHERE state = 'done' AND scan_id IN "
                           f"(SELECT id FROM scans WHERE purged_at IS NOT NULL) AND scan_id NOT IN ({busy})")
            icut = now if everything else (now - image_days * 86_400 if image_days > 0 else None)
            images = 0
            if icut is not None:
                images = db.execute(f"DELETE FROM images WHERE scan_id IN (SELECT id FROM scans WHERE created_at <= ? "
                                    f"AND status != 'read') AND scan_id NOT IN ({busy})", (icut,)).rowcount
        return {"scans": int(erased), "images": int(images)}

    def integrity(self) -> str:
        return str(self._query("PRAGMA integrity_check")[0][0])


def _insert_job(db: sqlite3.Connection, lane: Lane, scan_id: str, key: str, payload: str, now: float) -> None:
    db.execute("INSERT OR IGNORE INTO jobs (lane, scan_id, key, payload, state, next_at, created_at) "
               "VALUES (?, ?, ?, ?, 'pending', ?, ?)", (lane, scan_id, key, payload, now, now))


def _scan(row: tuple[Any, ...]) -> Scan:
    seq, sid, created, status, env, local, fallback, meta = row
    return Scan(seq, sid, created, status, Envelope.model_validate_json(env) if env else None,
                Envelope.model_validate_json(local) if local else None, fallback, json.loads(meta))


class DeliveryLock:
    """An advisory lock next to the store: one delivering process at a time (released by the kernel on death)."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.with_name(store_path.name + ".deliver.lock")
        self._fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
