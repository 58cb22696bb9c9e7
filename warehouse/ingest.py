"""Ingesting a feed: from its bundled snapshot or from a file in the live format."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import polars as pl

from sources.errors import FeedError
from sources.registry import Feed
from sources.snapshot import read_canonical, snapshot_files
from warehouse.load import BatchResult, load_batch
from warehouse.settings import Settings


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def ingest_bundled(con: duckdb.DuckDBPyConnection, settings: Settings, feed: Feed) -> list[BatchResult]:
    """Load every bundled snapshot file of the feed (one batch per file)."""
    results = []
    for table, path in snapshot_files(feed):
        payload = path.read_bytes()
        source = f"bundled:{feed.feed_id}/{path.name}"
        try:
            frames = {table: read_canonical(payload, table, source)}
        except FeedError as error:
            raise error.with_context(feed=feed.feed_id, source=source) from None
        results.append(_load(con, settings, feed, source, payload, frames))
    return results


_DATE_IN_NAME = re.compile(r"(20\d{2}-\d{2}-\d{2})")


def vintage_date(path: Path) -> dt.date:
    """The date a hand-loaded file describes: a YYYY-MM-DD in its name, else today (UTC)."""
    match = _DATE_IN_NAME.search(path.name)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            pass
    return _now().date()


def ingest_file(con: duckdb.DuckDBPyConnection, settings: Settings, feed: Feed, path: Path) -> BatchResult:
    """Load a file in the feed's live format (e.g. a newer download saved by hand)."""
    source = str(path)
    try:
        payload = path.read_bytes()
    except OSError as exc:
        raise FeedError(f"cannot read the file: {exc.strerror}", feed=feed.feed_id, source=source) from exc
    try:
        frames = feed.parser(payload, path.name, vintage_date(path))
    except FeedError as error:
        raise error.with_context(feed=feed.feed_id, source=source) from None
    return _load(con, settings, feed, source, payload, frames)


def _load(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    feed: Feed,
    source: str,
    payload: bytes,
    frames: dict[str, pl.DataFrame],
) -> BatchResult:
    return load_batch(
        con,
        archive_dir=settings.archive_dir,
        feed_id=feed.feed_id,
        source=source,
        payload=payload,
        frames=frames,
        fetched_at=_now(),
    )
