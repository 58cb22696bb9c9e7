"""Small helpers for DuckDB 2.0 connections.

DuckDB 2.0 keeps a query's result pending until it is fetched to the end, and a pending
result blocks further work on the connection; these helpers always fetch everything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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
) -> int:
    """Insert a polars frame into `table` by column name; returns the number of rows inserted.

    With `ignore_existing`, rows whose primary key is already present are skipped (and not
    counted). Nothing to do for an empty frame.
    """
    if frame.height == 0:
        return 0
    with _registered(con, frame) as name:
        rows = con.execute(f"{_verb(ignore_existing)} into {table} by name select * from {name}").fetchall()
    return int(rows[0][0]) if rows else 0


def insert_frame_counting(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, column: str, *, ignore_existing: bool = False
) -> dict[Any, int]:
    """`insert_frame`, answering how many rows it inserted for each value of `column`."""
    import polars as pl

    if frame.height == 0:
        return {}
    with _registered(con, frame) as name:
        inserted = con.execute(
            f"{_verb(ignore_existing)} into {table} by name select * from {name} returning {column}"
        ).fetchnumpy()[column]
    return dict(pl.Series(column, inserted).value_counts().iter_rows())


def _verb(ignore_existing: bool) -> str:
    return "insert or ignore" if ignore_existing else "insert"


@contextlib.contextmanager
def _registered(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> Iterator[str]:
    con.register("incoming_frame", frame)
    try:
        yield "incoming_frame"
    finally:
        # After a failed statement the transaction is aborted and unregister raises; the
        # original error is the one worth seeing.
        with contextlib.suppress(duckdb.Error):
            con.unregister("incoming_frame")
