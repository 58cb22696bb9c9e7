"""Which SQL `infercast sql` will run: reads only.

The published warehouse is opened read-only, so DuckDB itself refuses writes to it; this
guard also refuses statements that would write elsewhere or change the session (COPY ... TO
a file, ATTACH, INSTALL/LOAD, SET, EXPORT), with a message that says why.
"""

from __future__ import annotations

import duckdb

ALLOWED_STATEMENTS = {"SELECT", "EXPLAIN"}


class RefusedStatement(ValueError):
    pass


def check_read_only(con: duckdb.DuckDBPyConnection, query: str) -> None:
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise RefusedStatement(f"the query does not parse: {exc}") from exc
    if not statements:
        raise RefusedStatement("the query is empty")
    if len(statements) > 1:
        raise RefusedStatement("run one statement at a time")
    kind = statements[0].type.name
    if kind not in ALLOWED_STATEMENTS:
        raise RefusedStatement(
            f"{kind} statements are refused: `infercast sql` is read-only "
            "(select, with ... select, describe, show, summarize and explain are allowed)"
        )
