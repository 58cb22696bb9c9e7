"""Loading payloads (batches) into staging: archive, validate, gate, insert atomically.

A batch is all-or-nothing: its ingest record, its quarantined rows and its good rows are
written in one transaction. Rows whose natural key is already in staging are not loaded
again, so loading the same payload twice adds nothing, and an unchanged payload (same
sha256 as an earlier loaded batch of the feed, and the same date in its file name) is
recognised and skipped outright. The same bytes under a file name with another date are a
new observation of that date (a LiteLLM file still valid on 2025-04-01): a new batch, while
the archive keeps the one copy of the bytes.

`load_batches` loads several payloads of one feed, one batch each, with the same outcome
as loading them one after another with `load_batch` (the same batches, counts, quarantine
records and staging rows), but validates them together and inserts each table once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from sources.contracts import CONTRACTS
from sources.errors import FeedError
from sources.schemas import NATURAL_KEYS
from warehouse import archive
from warehouse.db import fetch_all, insert_frame, insert_frame_counting
from warehouse.gate import Gates, configured_gates
from warehouse.validate import QUARANTINE_COLUMNS, Validated, validate_frame, validate_frames

DATE_IN_NAME = re.compile(r"(20\d{2}-\d{2}-\d{2})")


def date_in_name(source: str) -> str | None:
    """The YYYY-MM-DD a file name (the last part of a path or URL) carries, if any."""
    match = DATE_IN_NAME.search(source.rsplit("/", 1)[-1])
    return match.group(1) if match else None


def _unchanged_key(source: str, digest: str) -> tuple[str, str | None]:
    """What makes a payload the same as an earlier one: its bytes and the date its name gives them."""
    return digest, date_in_name(source)


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
    # Why a failed batch failed (unparseable payload or rejected rows), to raise to the user.
    error: FeedError | None = field(default=None, repr=False, compare=False)


@dataclass
class Payload:
    """One payload to load as one batch: where it came from and what parsing it gave."""

    source: str
    sha256: str
    archive_path: Path
    fetched_at: dt.datetime
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    # A payload that could not be parsed is recorded as a failed batch with this message.
    error: FeedError | None = None


def new_batch_id(con: duckdb.DuckDBPyConnection, feed_id: str, fetched_at: dt.datetime, digest: str) -> str:
    """`<feed>-<fetched at, to the second>-<sha256 prefix>`, with `-2`, `-3`... if that is taken.

    The same payload can be recorded twice within one second (a rejected or unparseable payload
    retried at once); each attempt is its own batch.
    """
    base = _batch_id_base(feed_id, fetched_at, digest)
    return _free_batch_id(base, _taken_batch_ids(con, [base]))


def _batch_id_base(feed_id: str, fetched_at: dt.datetime, digest: str) -> str:
    return f"{feed_id}-{fetched_at:%Y%m%dT%H%M%S}-{digest[:10]}"


def _taken_batch_ids(con: duckdb.DuckDBPyConnection, bases: Sequence[str]) -> set[str]:
    return {
        str(row[0])
        for row in fetch_all(
            con, "select batch_id from meta.ingest_batches where starts_with(batch_id, ?)", [_shared_prefix(bases)]
        )
    }


def _shared_prefix(bases: Sequence[str]) -> str:
    # Every id a base can become starts with the base, so with the prefix all the bases share
    # (that of the first and last in sort order).
    first, last = min(bases), max(bases)
    return first[: next((n for n, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))]


def _free_batch_id(base: str, taken: set[str]) -> str:
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
    gates: Gates | None = None,
) -> BatchResult:
    digest, stored_at = archive.store(archive_dir, feed_id, payload)
    incoming = Payload(source=source, sha256=digest, archive_path=stored_at, fetched_at=fetched_at, frames=frames)
    con.execute("begin transaction")
    try:
        (result,) = load_batches(con, feed_id=feed_id, payloads=[incoming], gates=gates)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    if result.error is not None:
        raise result.error
    return result


def load_batches(
    con: duckdb.DuckDBPyConnection,
    *,
    feed_id: str,
    payloads: Sequence[Payload],
    gates: Gates | None = None,
) -> list[BatchResult]:
    """Record and load each payload as its own batch, as `load_batch` would one after another.

    Runs inside the caller's transaction: the caller commits, or rolls back on an error. A
    payload that failed to parse, or one of whose frames has more failing rows than its gate
    allows (`warehouse/quarantine_gate.toml`, by feed and frame), is recorded as a failed batch
    (its result carries the error to raise); the others load.
    """
    if not payloads:
        return []
    gates = gates or configured_gates()
    loaded, taken = _earlier_batches(con, feed_id, payloads)
    validated = _validate([p for p in payloads if p.error is None and _unchanged_key(p.source, p.sha256) not in loaded])
    results: list[BatchResult] = []
    recorded: list[tuple[BatchResult, Payload]] = []
    good: dict[str, list[tuple[str, pl.DataFrame]]] = {}
    quarantined: list[pl.DataFrame] = []
    for incoming in payloads:
        result = BatchResult(batch_id="", feed=feed_id, source=incoming.source, sha256=incoming.sha256)
        results.append(result)
        key = _unchanged_key(incoming.source, incoming.sha256)
        earlier = loaded.get(key) if incoming.error is None else None
        if earlier is not None:
            result.batch_id = earlier
            result.status = "unchanged"
            result.message = f"payload identical to batch {earlier}; nothing to load"
            continue
        result.batch_id = _free_batch_id(_batch_id_base(feed_id, incoming.fetched_at, incoming.sha256), taken)
        taken.add(result.batch_id)
        recorded.append((result, incoming))
        if incoming.error is not None:
            result.status = "failed"
            result.message = str(incoming.error)
            result.error = incoming.error
            continue
        checked, quarantine = validated[id(incoming)]
        result.rows_in = sum(v.rows_in for v in checked.values())
        result.rows_duplicate = sum(v.duplicates for v in checked.values())
        if quarantine.height:
            result.rows_quarantined = quarantine.select("staging_table", "source_row").unique().height
        rejected = _rejected_frames(checked, feed_id, gates)
        if rejected:
            result.status = "failed"
            result.message = _rejection_message(quarantine, rejected)
            result.error = BatchRejected(result.message, feed=feed_id, source=incoming.source)
        else:
            loaded[key] = result.batch_id
            for table, v in checked.items():
                good.setdefault(table, []).append((result.batch_id, v.good))
                result.tables[table] = 0
        if quarantine.height:
            quarantined.append(quarantine.with_columns(batch_id=pl.lit(result.batch_id), feed=pl.lit(feed_id)))

    by_batch = {result.batch_id: result for result, _ in recorded}
    for table, frames in good.items():
        for batch_id, count in _insert_new_rows(con, table, frames).items():
            by_batch[batch_id].tables[table] = count
    for result, _ in recorded:
        result.rows_loaded = sum(result.tables.values())
    if quarantined:
        insert_frame(con, "meta.quarantine", pl.concat(quarantined))
    _record_batches(con, recorded)
    return results


def _earlier_batches(
    con: duckdb.DuckDBPyConnection, feed_id: str, payloads: Sequence[Payload]
) -> tuple[dict[tuple[str, str | None], str], set[str]]:
    """((sha256, date in the file name) -> the latest loaded batch of the feed with that payload
    and date, batch ids the payloads' new batches could collide with), in one query."""
    prefix = _shared_prefix([_batch_id_base(feed_id, p.fetched_at, p.sha256) for p in payloads])
    rows = fetch_all(
        con,
        "select batch_id, sha256, source, finished_at, feed = ? and status = 'loaded' and sha256 in "
        "(select unnest(?::varchar[])) as loaded from meta.ingest_batches where starts_with(batch_id, ?) or loaded",
        [feed_id, sorted({p.sha256 for p in payloads}), prefix],
    )
    latest: dict[tuple[str, str | None], tuple[str, dt.datetime]] = {}
    for batch_id, digest, source, finished_at, is_loaded in rows:
        key = _unchanged_key(str(source), str(digest))
        if is_loaded and (key not in latest or finished_at > latest[key][1]):
            latest[key] = (batch_id, finished_at)
    # Ids not starting with the prefix cannot collide, so keeping them in the set is harmless.
    return {key: batch_id for key, (batch_id, _) in latest.items()}, {str(row[0]) for row in rows}


def _validate(payloads: list[Payload]) -> dict[int, tuple[dict[str, Validated], pl.DataFrame]]:
    """id(payload) -> (its tables validated, its quarantine records), each payload on its own."""
    checked: dict[int, dict[str, Validated]] = {id(p): {} for p in payloads}
    tables = list(dict.fromkeys(table for p in payloads for table in p.frames))
    for table in tables:
        having = [p for p in payloads if table in p.frames]
        if len(having) == 1:
            outcomes = [_validate_one(having[0], table)]
        else:
            outcomes = validate_frames(
                [p.frames[table] for p in having],
                CONTRACTS[table],
                table,
                [p.fetched_at.date() for p in having],
                sources=[p.source for p in having],
            )
        for p, outcome in zip(having, outcomes, strict=True):
            checked[id(p)][table] = outcome
    # In the order of the payload's own tables, as the quarantine of one batch always was.
    empty = pl.DataFrame(schema=QUARANTINE_COLUMNS)
    return {
        id(p): (
            {t: checked[id(p)][t] for t in p.frames},
            pl.concat([q for t in p.frames if (q := checked[id(p)][t].quarantine).height] or [empty]),
        )
        for p in payloads
    }


def _validate_one(incoming: Payload, table: str) -> Validated:
    try:
        return validate_frame(incoming.frames[table], CONTRACTS[table], table, incoming.fetched_at.date())
    except FeedError as error:
        raise error.with_context(source=incoming.source) from None


def _insert_new_rows(
    con: duckdb.DuckDBPyConnection, table: str, good: list[tuple[str, pl.DataFrame]]
) -> dict[str, int]:
    """Insert the batches' good rows into staging.<table>; rows newly loaded per batch id."""
    # Primary keys are the natural keys: history already loaded is never overwritten.
    if len(good) == 1:
        batch_id, frame = good[0]
        incoming = frame.drop("source_row").with_columns(batch_id=pl.lit(batch_id))
        return {batch_id: insert_frame(con, f"staging.{table}", incoming, ignore_existing=True)}
    # Loaded one after another, a batch would not load a key an earlier batch loaded: the
    # first batch with a key keeps it. Within a batch keys are unique (the contract checks).
    batch_ids = pl.Series("batch_id", [batch_id for batch_id, _ in good], pl.String)
    of_row = np.repeat(np.arange(len(good)), [frame.height for _, frame in good])
    incoming = (
        pl.concat([frame for _, frame in good])
        .drop("source_row")
        .with_columns(batch_ids.gather(of_row))
        .unique(subset=list(NATURAL_KEYS[table]), keep="first", maintain_order=True)
    )
    inserted = insert_frame_counting(con, f"staging.{table}", incoming, "batch_id", ignore_existing=True)
    return {batch_id: inserted.get(batch_id, 0) for batch_id, _ in good}


def _record_batches(con: duckdb.DuckDBPyConnection, recorded: list[tuple[BatchResult, Payload]]) -> None:
    if not recorded:
        return
    rows = [
        (
            result.batch_id,
            result.feed,
            result.source,
            incoming.fetched_at,
            result.sha256,
            str(incoming.archive_path),
            result.rows_in,
            result.rows_loaded,
            result.rows_quarantined,
            result.rows_duplicate,
            result.status,
            result.message,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
        for result, incoming in recorded
    ]
    sql = (
        "insert into meta.ingest_batches (batch_id, feed, source, fetched_at, sha256, "
        "archive_path, rows_in, rows_loaded, rows_quarantined, rows_duplicate, status, "
        "message, finished_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    if len(rows) == 1:
        con.execute(sql, list(rows[0])).fetchall()
        return
    frame = pl.DataFrame(rows, schema=_BATCH_COLUMNS, orient="row")
    insert_frame(con, "meta.ingest_batches", frame)


_BATCH_COLUMNS: dict[str, pl.DataType] = {
    "batch_id": pl.String(),
    "feed": pl.String(),
    "source": pl.String(),
    "fetched_at": pl.Datetime("us"),
    "sha256": pl.String(),
    "archive_path": pl.String(),
    "rows_in": pl.Int64(),
    "rows_loaded": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "rows_duplicate": pl.Int64(),
    "status": pl.String(),
    "message": pl.String(),
    "finished_at": pl.Datetime("us"),
}


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


def _rejected_frames(checked: dict[str, Validated], feed_id: str, gates: Gates) -> list[str]:
    """'<share> of <table> rows (<gate>)' for each frame whose failing rows its gate does not allow.

    A frame is judged on its own distinct rows (exact repeats collapsed), so neither the other
    frames of the payload nor repeated lines can dilute its failures.
    """
    rejected = []
    for table, validated in checked.items():
        distinct = validated.rows_in - validated.duplicates
        bad = distinct - validated.good.height
        gate = gates.gate_for(feed_id, table)
        if gate.rejects(bad, distinct):
            rejected.append(f"{bad / distinct:.1%} of {table} rows ({bad} of {distinct}; {gate.describe()})")
    return rejected


def _rejection_message(quarantine: pl.DataFrame, rejected: list[str]) -> str:
    # Ties in the order the failures were found, so the same payload always gets the same message.
    reasons = (
        quarantine.group_by("column_name", "check_name", maintain_order=True)
        .len()
        .sort("len", descending=True, maintain_order=True)
        .head(5)
        .to_dicts()
    )
    listed = "; ".join(f"{r['check_name']} on {r['column_name'] or 'row'}: {r['len']}" for r in reasons)
    return f"batch rejected: {' and '.join(rejected)} failed checks; top reasons: {listed}"
