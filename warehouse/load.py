"""Loading one payload (a batch) into staging: archive, validate, gate, insert atomically.

A batch is all-or-nothing: its ingest record, its quarantined rows and its good rows are
written in one transaction. Rows whose natural key is already in staging are not loaded
again, so loading the same payload twice adds nothing, and an unchanged payload (same
sha256 as an earlier loaded batch of the feed) is recognised and skipped outright.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from sources.contracts import CONTRACTS
from sources.errors import FeedError
from warehouse import archive
from warehouse.db import fetch_first, insert_frame
from warehouse.validate import validate_frame

DEFAULT_QUARANTINE_THRESHOLD = 0.05


class BatchRejected(FeedError):
    """Too many rows of a batch failed their checks: nothing of it was loaded."""


@dataclass
class BatchResult:
    batch_id: str
    feed: str
    source: str
    sha256: str
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    status: str = "loaded"
    message: str = ""
    tables: dict[str, int] = field(default_factory=dict)


def find_loaded_batch(con: duckdb.DuckDBPyConnection, feed_id: str, digest: str) -> str | None:
    row = fetch_first(
        con,
        "select batch_id from meta.ingest_batches where feed = ? and sha256 = ? "
        "and status = 'loaded' order by finished_at desc limit 1",
        [feed_id, digest],
    )
    return None if row is None else str(row[0])


def new_batch_id(con: duckdb.DuckDBPyConnection, feed_id: str, fetched_at: dt.datetime, digest: str) -> str:
    """`<feed>-<fetched at, to the second>-<sha256 prefix>`, with `-2`, `-3`... if that is taken.

    The same payload can be recorded twice within one second (a rejected or unparseable payload
    retried at once); each attempt is its own batch.
    """
    base = f"{feed_id}-{fetched_at:%Y%m%dT%H%M%S}-{digest[:10]}"
    taken = {
        str(row[0])
        for row in con.execute(
            "select batch_id from meta.ingest_batches where batch_id = ? or batch_id like ?", [base, f"{base}-%"]
        ).fetchall()
    }
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def load_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    archive_dir: Path,
    feed_id: str,
    source: str,
    payload: bytes,
    frames: dict[str, pl.DataFrame],
    fetched_at: dt.datetime,
    quarantine_threshold: float = DEFAULT_QUARANTINE_THRESHOLD,
) -> BatchResult:
    digest, stored_at = archive.store(archive_dir, feed_id, payload)
    batch_id = new_batch_id(con, feed_id, fetched_at, digest)
    result = BatchResult(batch_id=batch_id, feed=feed_id, source=source, sha256=digest)
    earlier = find_loaded_batch(con, feed_id, digest)
    if earlier is not None:
        result.batch_id = earlier
        result.status = "unchanged"
        result.message = f"payload identical to batch {earlier}; nothing to load"
        return result

    validated = {
        table: validate_frame(frame, CONTRACTS[table], table, fetched_at.date()) for table, frame in frames.items()
    }
    result.rows_in = sum(v.rows_in for v in validated.values())
    result.rows_duplicate = sum(v.duplicates for v in validated.values())
    quarantine = pl.concat([v.quarantine for v in validated.values()])
    bad_rows = quarantine.select("staging_table", "source_row").unique().height
    result.rows_quarantined = bad_rows
    share = bad_rows / result.rows_in if result.rows_in else 0.0
    rejected = share > quarantine_threshold
    if rejected:
        result.status = "failed"
        result.message = _rejection_message(quarantine, share, quarantine_threshold)

    con.execute("begin transaction")
    try:
        if not rejected:
            for table, checked in validated.items():
                result.tables[table] = _insert_new_rows(con, table, checked.good, batch_id)
            result.rows_loaded = sum(result.tables.values())
        _record_quarantine(con, quarantine, batch_id, feed_id)
        con.execute(
            "insert into meta.ingest_batches (batch_id, feed, source, fetched_at, sha256, "
            "archive_path, rows_in, rows_loaded, rows_quarantined, rows_duplicate, status, "
            "message, finished_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                feed_id,
                source,
                fetched_at,
                digest,
                str(stored_at),
                result.rows_in,
                result.rows_loaded,
                result.rows_quarantined,
                result.rows_duplicate,
                result.status,
                result.message,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    if rejected:
        raise BatchRejected(result.message, feed=feed_id, source=source)
    return result


def record_failed_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    archive_dir: Path,
    feed_id: str,
    source: str,
    payload: bytes,
    fetched_at: dt.datetime,
    message: str,
) -> str:
    """Record a batch whose payload could not be parsed at all (kept in the archive for inspection)."""
    digest, stored_at = archive.store(archive_dir, feed_id, payload)
    batch_id = new_batch_id(con, feed_id, fetched_at, digest)
    con.execute(
        "insert or replace into meta.ingest_batches (batch_id, feed, source, fetched_at, sha256, "
        "archive_path, rows_in, rows_loaded, rows_quarantined, rows_duplicate, status, message, "
        "finished_at) values (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 'failed', ?, ?)",
        [
            batch_id,
            feed_id,
            source,
            fetched_at,
            digest,
            str(stored_at),
            message,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        ],
    ).fetchall()
    return batch_id


def _insert_new_rows(con: duckdb.DuckDBPyConnection, table: str, good: pl.DataFrame, batch_id: str) -> int:
    incoming = good.drop("source_row").with_columns(batch_id=pl.lit(batch_id))
    before = _count(con, f"staging.{table}")
    # Primary keys are the natural keys: history already loaded is never overwritten.
    insert_frame(con, f"staging.{table}", incoming, ignore_existing=True)
    return _count(con, f"staging.{table}") - before


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = fetch_first(con, f"select count(*) from {table}")
    return int(row[0]) if row else 0


def _record_quarantine(con: duckdb.DuckDBPyConnection, quarantine: pl.DataFrame, batch_id: str, feed_id: str) -> None:
    rows = quarantine.with_columns(batch_id=pl.lit(batch_id), feed=pl.lit(feed_id))
    insert_frame(con, "meta.quarantine", rows)


def _rejection_message(quarantine: pl.DataFrame, share: float, threshold: float) -> str:
    reasons = quarantine.group_by("column_name", "check_name").len().sort("len", descending=True).head(5).to_dicts()
    listed = "; ".join(f"{r['check_name']} on {r['column_name'] or 'row'}: {r['len']}" for r in reasons)
    return f"batch rejected: {share:.1%} of rows failed checks (threshold {threshold:.0%}); top reasons: {listed}"
