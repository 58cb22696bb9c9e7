"""Per-endpoint fetch state: validators for conditional GET, and feed health (stale or not)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from warehouse.db import fetch_first


@dataclass(frozen=True)
class EndpointState:
    etag: str | None
    last_modified: str | None
    last_success_at: dt.datetime | None


def load_state(con: duckdb.DuckDBPyConnection, feed_id: str, url: str) -> EndpointState:
    row = fetch_first(
        con,
        "select etag, last_modified, last_success_at from meta.fetch_state where feed = ? and url = ?",
        [feed_id, url],
    )
    if row is None:
        return EndpointState(None, None, None)
    return EndpointState(row[0], row[1], row[2])


def record_success(
    con: duckdb.DuckDBPyConnection,
    feed_id: str,
    url: str,
    *,
    at: dt.datetime,
    status: str,
    etag: str | None,
    last_modified: str | None,
) -> None:
    con.execute(
        "insert or replace into meta.fetch_state (feed, url, etag, last_modified, last_attempt_at, "
        "last_success_at, last_status, last_error) values (?, ?, ?, ?, ?, ?, ?, null)",
        [feed_id, url, etag, last_modified, at, at, status],
    ).fetchall()


def record_failure(con: duckdb.DuckDBPyConnection, feed_id: str, url: str, *, at: dt.datetime, error: str) -> None:
    previous = load_state(con, feed_id, url)
    con.execute(
        "insert or replace into meta.fetch_state (feed, url, etag, last_modified, last_attempt_at, "
        "last_success_at, last_status, last_error) values (?, ?, ?, ?, ?, ?, 'failed', ?)",
        [feed_id, url, previous.etag, previous.last_modified, at, previous.last_success_at, error],
    ).fetchall()
