"""CSV and Parquet exports of every mart and forecast table, discovered from the warehouse.

Tables are found in the catalog rather than listed here, so a mart or forecast table added by a
migration is exported without a change to this module. Rows are ordered by the table's primary
key (or by every column when it has none), so the same warehouse gives the same bytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

EXPORTED_SCHEMAS = ("marts", "forecast")
FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    comment: str | None


@dataclass(frozen=True)
class ExportTable:
    schema: str
    name: str
    comment: str | None
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def has_run_id(self) -> bool:
        return any(column.name == "run_id" for column in self.columns)

    def filtered_by_run(self, run_id: str | None) -> bool:
        # Marts hold the current state only; forecast tables keep every run side by side.
        return run_id is not None and self.schema == "forecast" and self.has_run_id

    def select(self, run_id: str | None) -> str:
        """The table's rows in a deterministic order, restricted to one run where that applies.

        The run id is inlined as a quoted literal because COPY cannot take bound parameters.
        """
        where = f"where run_id = {_literal(run_id)}" if run_id is not None and self.filtered_by_run(run_id) else ""
        order = ", ".join(_quote(name) for name in self.key) if self.key else "all"
        return f"select * from {_quote(self.schema)}.{_quote(self.name)} {where} order by {order}"

    def rows_note(self, run_id: str | None) -> str:
        if self.filtered_by_run(run_id):
            return f"rows of forecast run {run_id} only"
        if self.schema == "forecast" and self.has_run_id:
            return "rows of every forecast run"
        return "all rows"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def discover_tables(con: duckdb.DuckDBPyConnection, schemas: Sequence[str] = EXPORTED_SCHEMAS) -> list[ExportTable]:
    """Tables and views of the given schemas, in schema order then by name, with comments and keys."""
    placeholders = ", ".join("?" for _ in schemas)
    # Views count too: a mart may be defined as a view over other marts.
    tables = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() "
        f"where database_name = current_database() and schema_name in ({placeholders}) and not temporary "
        "union all "
        "select schema_name, view_name, comment from duckdb_views() "
        f"where database_name = current_database() and schema_name in ({placeholders}) "
        "and not internal and not temporary",
        [*schemas, *schemas],
    ).fetchall()
    columns: dict[tuple[str, str], list[Column]] = {}
    for schema, table, name, data_type, comment in con.execute(
        "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
        f"where database_name = current_database() and schema_name in ({placeholders}) "
        "order by schema_name, table_name, column_index",
        list(schemas),
    ).fetchall():
        columns.setdefault((schema, table), []).append(Column(name, data_type, comment))
    keys = {
        (schema, table): tuple(names)
        for schema, table, names in con.execute(
            "select schema_name, table_name, constraint_column_names from duckdb_constraints() "
            "where database_name = current_database() and constraint_type = 'PRIMARY KEY'",
        ).fetchall()
    }
    found = [
        ExportTable(
            schema=schema,
            name=table,
            comment=comment,
            columns=tuple(columns.get((schema, table), ())),
            key=keys.get((schema, table), ()),
        )
        for schema, table, comment in tables
    ]
    return sorted(found, key=lambda t: (list(schemas).index(t.schema), t.name))


def _atomic_copy(con: duckdb.DuckDBPyConnection, query: str, path: Path, options: str) -> Path:
    temp = path.with_name(f".{path.name}.tmp")
    try:
        con.execute(f"copy ({query}) to {_literal(str(temp))} ({options})").fetchall()
        temp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return path


def _parquet_metadata(table: ExportTable, run_id: str | None) -> str:
    entries = {
        "infercast_table": table.qualified,
        "infercast_description": table.comment or "",
        "infercast_rows": table.rows_note(run_id),
    }
    if table.filtered_by_run(run_id) and run_id is not None:
        entries["infercast_run_id"] = run_id
    return ", ".join(f"{key}: {_literal(value)}" for key, value in entries.items())


def export_tables(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    run_id: str | None,
    formats: Iterable[str] = FORMATS,
) -> list[Path]:
    """Write `<schema>.<table>.<format>` for every mart and forecast table; returns the paths written.

    Forecast tables with a run_id column are restricted to `run_id` (forecast.runs to that run's row).
    Parquet files carry the table's description and the run filter as key-value metadata.
    """
    wanted = tuple(formats)
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown export format(s) {', '.join(unknown)}; use {' or '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in discover_tables(con):
        query = table.select(run_id)
        for fmt in wanted:
            path = out_dir / f"{table.qualified}.{fmt}"
            if fmt == "csv":
                options = "format csv, header true"
            else:
                options = f"format parquet, compression zstd, kv_metadata {{{_parquet_metadata(table, run_id)}}}"
            written.append(_atomic_copy(con, query, path, options))
    return written
