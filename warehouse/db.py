"""Small helpers for DuckDB 2.0 connections.

DuckDB 2.0 keeps a query's result pending until it is fetched to the end, and a pending
result blocks further work on the connection; these helpers always fetch everything.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # polars is only needed by callers that insert frames
    import polars as pl


def fetch_all(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(query, params or []).fetchall()


def fetch_first(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
    rows = fetch_all(con, query, params)
    return rows[0] if rows else None


def insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, *, ignore_existing: bool = False
) -> None:
    """Insert a polars frame into `table` by column name; nothing to do for an empty frame.

    With `ignore_existing`, rows whose primary key is already present are skipped.
    """
    if frame.height == 0:
        return
    verb = "insert or ignore" if ignore_existing else "insert"
    con.register("incoming_frame", frame)
    try:
        con.execute(f"{verb} into {table} by name select * from incoming_frame").fetchall()
    finally:
        # After a failed statement the transaction is aborted and unregister raises; the
        # original error is the one worth seeing.
        with contextlib.suppress(duckdb.Error):
            con.unregister("incoming_frame")
