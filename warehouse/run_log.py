"""meta.flow_runs: the history of flow runs, written by the flows themselves.

A run is recorded as `running` when it starts (under the writer lock) and finished with its
status. A `running` row found by the next lock holder belongs to a process that died
(the lock would otherwise still be held), so it is marked `crashed`. The status is written
just before the publish that ends a run (so the published copy carries it); a run recorded
`success` or `partial` that the published copy does not show so was killed while publishing,
and is marked `crashed` too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def mark_crashed_runs(con: duckdb.DuckDBPyConnection, published_db: Path | None = None) -> int:
    rows = con.execute(
        "update meta.flow_runs set status = 'crashed', finished_at = ? where status = 'running' returning run_id",
        [_now()],
    ).fetchall()
    if published_db is not None:
        rows += _mark_unpublished_runs(con, published_db)
    return len(rows)


def _mark_unpublished_runs(con: duckdb.DuckDBPyConnection, published_db: Path) -> list[tuple[Any, ...]]:
    published: list[str] = []
    if published_db.exists():
        reader = duckdb.connect(str(published_db), read_only=True)
        try:
            published = [row[0] for row in reader.execute("select run_id from meta.flow_runs").fetchall()]
        finally:
            reader.close()
    return con.execute(
        "update meta.flow_runs set status = 'crashed', "
        "warnings = to_json(list_append(coalesce(cast(warnings as varchar[]), []), ?)) "
        "where status in ('success', 'partial') and not list_contains(?::varchar[], run_id) returning run_id",
        ["killed before its publish completed: the published warehouse does not include this run", published],
    ).fetchall()


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow: str,
    parameters: dict[str, Any],
    prefect_flow_run_id: str | None,
) -> None:
    con.execute(
        "insert into meta.flow_runs (run_id, flow, parameters, started_at, status, prefect_flow_run_id) "
        "values (?, ?, ?, ?, 'running', ?)",
        [run_id, flow, json.dumps(parameters, default=str, sort_keys=True), _now(), prefect_flow_run_id],
    ).fetchall()


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    rows_per_stage: dict[str, Any],
    warnings: list[str],
) -> None:
    con.execute(
        "update meta.flow_runs set finished_at = ?, status = ?, rows_per_stage = ?, warnings = ? where run_id = ?",
        [_now(), status, json.dumps(rows_per_stage, default=str), json.dumps(warnings), run_id],
    ).fetchall()
