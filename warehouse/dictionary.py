"""The data dictionary: every table, view and column of the warehouse with its comment.

Generated from the `COMMENT ON` statements of the migrations, so it cannot drift from the
warehouse: `python -m warehouse.dictionary` rewrites docs/data_dictionary.md, and a test fails
when the file is out of date or a column has no comment.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

DOCUMENTED_SCHEMAS = ("staging", "marts", "forecast", "meta")
DICTIONARY_FILE = Path(__file__).resolve().parent.parent / "docs" / "data_dictionary.md"

_RELATIONS_SQL = """
select schema_name, table_name as name, 'table' as kind, comment
from duckdb_tables()
where database_name = current_database() and schema_name in ({schemas})
union all
select schema_name, view_name, 'view', comment
from duckdb_views()
where database_name = current_database() and schema_name in ({schemas}) and not internal
order by 1, 2
"""

_COLUMNS_SQL = """
select schema_name, table_name, column_name, data_type, comment
from duckdb_columns()
where database_name = current_database() and schema_name in ({schemas})
order by schema_name, table_name, column_index
"""


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    comment: str | None


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str
    comment: str | None
    columns: tuple[Column, ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def _schemas_sql() -> str:
    return ", ".join(f"'{schema}'" for schema in DOCUMENTED_SCHEMAS)


def relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Every table and view of the documented schemas, with its columns in order."""
    columns: dict[tuple[str, str], list[Column]] = {}
    for schema, table, column, data_type, comment in con.execute(
        _COLUMNS_SQL.format(schemas=_schemas_sql())
    ).fetchall():
        columns.setdefault((schema, table), []).append(Column(column, data_type, _text(comment)))
    return [
        Relation(schema, name, kind, _text(comment), tuple(columns.get((schema, name), [])))
        for schema, name, kind, comment in con.execute(_RELATIONS_SQL.format(schemas=_schemas_sql())).fetchall()
    ]


def undocumented_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """`schema.table.column` of every column without a comment."""
    return [f"{r.qualified}.{c.name}" for r in relations(con) for c in r.columns if not c.comment]


def _text(comment: object) -> str | None:
    text = str(comment).strip() if comment is not None else ""
    return text or None


def _cell(text: str | None) -> str:
    return (text or "(no comment)").replace("|", "\\|").replace("\n", " ")


def render_markdown(con: duckdb.DuckDBPyConnection) -> str:
    lines = [
        "# Data dictionary",
        "",
        "Every table and view analysts can query, with the meaning and unit of each column. Generated",
        "from the warehouse's `COMMENT ON` statements by `python -m warehouse.dictionary` (do not edit by",
        "hand). In SQL: `select * from duckdb_columns() where comment is not null`.",
        "",
    ]
    found = relations(con)
    for schema in DOCUMENTED_SCHEMAS:
        in_schema = [r for r in found if r.schema == schema]
        if not in_schema:
            continue
        lines += [f"## {schema}", ""]
        for relation in in_schema:
            lines += [f"### {relation.qualified} ({relation.kind})", "", _cell(relation.comment), ""]
            lines += ["| column | type | meaning and unit |", "|---|---|---|"]
            lines += [f"| `{c.name}` | {c.data_type} | {_cell(c.comment)} |" for c in relation.columns]
            lines.append("")
    return "\n".join(lines)


def migrated_warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with every migration applied (the schema the dictionary describes)."""
    from warehouse.migrate import apply_migrations

    con = duckdb.connect(":memory:")
    apply_migrations(con)
    return con


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DICTIONARY_FILE
    con = migrated_warehouse()
    try:
        missing = undocumented_columns(con)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_markdown(con), encoding="utf-8")
    finally:
        con.close()
    print(f"wrote {target}")
    if missing:
        print(f"{len(missing)} columns have no comment: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
