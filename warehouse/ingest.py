"""Ingesting a feed: from its bundled snapshot or from a file in the live format."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from sources.errors import FeedError
from sources.registry import Feed
from sources.snapshot import read_canonical, snapshot_files
from warehouse.fetch_state import EndpointState, load_state, record_failure, record_success
from warehouse.load import BatchResult, load_batch, record_failed_batch
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
    return parse_and_load(con, settings, feed, source, payload, vintage_date(path))


def parse_and_load(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    feed: Feed,
    source: str,
    payload: bytes,
    observed_on: dt.date,
) -> BatchResult:
    """Parse a payload in the feed's live format and load it; an unparseable payload is a failed batch."""
    name = source.rsplit("/", 1)[-1]  # provenance cites the file name, not the whole path or URL
    try:
        frames = feed.parser(payload, name, observed_on)
    except FeedError as error:
        if error.source == name:
            error.source = None  # so the message names the full path or URL the user can act on
        error.with_context(feed=feed.feed_id, source=source)
        record_failed_batch(
            con,
            archive_dir=settings.archive_dir,
            feed_id=feed.feed_id,
            source=source,
            payload=payload,
            fetched_at=_now(),
            message=str(error),
        )
        raise error from None
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


@dataclass
class LiveOutcome:
    batches: list[BatchResult] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def ingest_live(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    feed: Feed,
    fetcher: Callable[..., Any] | None = None,
) -> LiveOutcome:
    """Fetch every endpoint of the feed and load what changed.

    An endpoint that still fails after the fetcher's retries is recorded as failed in
    meta.fetch_state and reported stale (with the age of its last good data); the data
    already loaded for the feed stays as it was. An unchanged download (HTTP 304, or the
    same sha256 as a loaded batch) adds nothing.
    """
    from sources.http import FetchError, RetryPolicy, fetch

    if fetcher is None:
        # Retry behaviour is configuration: INFERCAST_HTTP_MAX_ATTEMPTS, INFERCAST_HTTP_BASE_DELAY_S.
        attempts = int(os.environ.get("INFERCAST_HTTP_MAX_ATTEMPTS", "5"))
        policy = RetryPolicy(base_delay_s=float(os.environ.get("INFERCAST_HTTP_BASE_DELAY_S", "1.0")))
        fetch_fn: Callable[..., Any] = functools.partial(fetch, max_attempts=attempts, policy=policy)
    else:
        fetch_fn = fetcher
    outcome = LiveOutcome()
    for url in feed.endpoints:
        state = load_state(con, feed.feed_id, url)
        attempted_at = _now()
        try:
            result = fetch_fn(url, validators=_validators(state))
        except FetchError as error:
            record_failure(con, feed.feed_id, url, at=attempted_at, error=str(error))
            outcome.stale.append(f"{error}; {_age(state, attempted_at)}")
            continue
        fetched_at = result.fetched_at.replace(tzinfo=None) if result.fetched_at.tzinfo else result.fetched_at
        if result.not_modified or result.payload is None:
            record_success(
                con,
                feed.feed_id,
                url,
                at=attempted_at,
                status="not_modified",
                etag=result.etag or state.etag,
                last_modified=result.last_modified or state.last_modified,
            )
            continue
        try:
            batch = parse_and_load(con, settings, feed, url, result.payload, fetched_at.date())
        except FeedError as error:
            record_failure(con, feed.feed_id, url, at=attempted_at, error=str(error))
            raise
        record_success(
            con,
            feed.feed_id,
            url,
            at=attempted_at,
            status=batch.status,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        outcome.batches.append(batch)
    return outcome


def _validators(state: EndpointState) -> Any:
    from sources.http import Validators

    if state.etag is None and state.last_modified is None:
        return None
    return Validators(etag=state.etag, last_modified=state.last_modified)


def _age(state: EndpointState, now: dt.datetime) -> str:
    if state.last_success_at is None:
        return "no earlier successful fetch"
    days = (now - state.last_success_at).total_seconds() / 86400
    return f"last good data fetched {state.last_success_at:%Y-%m-%d %H:%M} UTC ({days:.1f} days old)"
