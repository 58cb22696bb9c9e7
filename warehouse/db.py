"""Small helpers for DuckDB 2.0 connections.

DuckDB 2.0 keeps a query's result pending until it is fetched to the end, and a pending
result blocks further work on the connection; these helpers always fetch everything.
"""

from __future__ import annotations

from typing import Any

import duckdb


def fetch_all(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(query, params or []).fetchall()


def fetch_first(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
    rows = fetch_all(con, query, params)
    return rows[0] if rows else None
