"""Which SQL `infercast sql` will run, and the connection it runs on: reads of the published warehouse only.

Two layers, so that a gap in one is covered by the other:

- The connection (`open_analyst_connection`) opens the published file read-only with DuckDB's
  own sandbox settings, locked before any user statement: no file system or network access
  beyond the database itself (`read_csv('/etc/passwd')`, `glob(...)`, `COPY ... TO`, `ATTACH`,
  `read_csv('http://...')` are refused by DuckDB), no extension install or autoload, and no
  `SET` that could undo any of it.
- The guard (`check_read_only`) admits only statements that read: select (with, from-first,
  describe, show, summarize, pivot) and `EXPLAIN` of one of those. `EXPLAIN ANALYZE` executes
  its statement, so what an `EXPLAIN` wraps is checked like a statement of its own. A statement
  type the guard does not know (DuckDB adds them; `update extensions` is type 29 in 2.0) is
  refused, not a crash.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

ALLOWED_STATEMENTS = {"SELECT"}

# Locked in at connect time: after `lock_configuration` no statement can change them.
SANDBOX_CONFIG: dict[str, str | bool | int | float] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}

_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)
_EXPLAIN_PREFIX = re.compile(r"\Aexplain\b\s*(?:analy[sz]e\b\s*)?(?:\((?:[^()']|'[^']*')*\)\s*)?", re.IGNORECASE)
_PIVOT_START = re.compile(r"\A(?:un)?pivot\b", re.IGNORECASE)
ALLOWED_HELP = "select, with ... select, from, describe, show, summarize, pivot and explain of one of them are allowed"


class RefusedStatement(ValueError):
    pass


def open_analyst_connection(published_db: Path) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only, sandboxed and locked before the first user statement."""
    return duckdb.connect(str(published_db), read_only=True, config=dict(SANDBOX_CONFIG))


def check_read_only(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise RefusedStatement unless `query` is exactly one statement that only reads."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise RefusedStatement(f"the query does not parse: {exc}") from exc
    if not statements:
        raise RefusedStatement("the query is empty")
    if len(statements) > 1:
        raise RefusedStatement("run one statement at a time")
    _check_statement(con, statements[0], depth=0)


def _check_statement(con: duckdb.DuckDBPyConnection, statement: duckdb.Statement, depth: int) -> None:
    kind = _kind(statement)
    text = _LEADING_COMMENTS.sub("", statement.query)
    if kind == "EXPLAIN" and depth == 0:
        _check_explained(con, text)
        return
    # PIVOT without its values listed is one statement that DuckDB runs as two (an enum, then a select).
    if kind == "MULTI" and _PIVOT_START.match(text):
        return
    if kind not in ALLOWED_STATEMENTS:
        raise RefusedStatement(f"{kind} statements are refused: `infercast sql` is read-only ({ALLOWED_HELP})")


def _check_explained(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """`EXPLAIN [ANALYZE] X` is allowed only when X itself is (ANALYZE runs X)."""
    prefix = _EXPLAIN_PREFIX.match(text)
    inner = text[prefix.end() :] if prefix else ""
    try:
        statements = con.extract_statements(inner) if inner.strip() else []
    except duckdb.Error as exc:
        raise RefusedStatement(f"the statement inside EXPLAIN does not parse: {exc}") from exc
    if len(statements) != 1:
        raise RefusedStatement(f"EXPLAIN is allowed only around one read statement ({ALLOWED_HELP})")
    try:
        _check_statement(con, statements[0], depth=1)
    except RefusedStatement as exc:
        raise RefusedStatement(f"EXPLAIN of a statement that is refused: {exc}") from exc


def _kind(statement: duckdb.Statement) -> str:
    try:
        return str(statement.type.name)
    except ValueError as exc:
        # The Python enum lags behind the parser: an unknown type is refused, never run.
        raise RefusedStatement(
            f"this kind of statement is not known to the guard ({exc}); `infercast sql` is read-only ({ALLOWED_HELP})"
        ) from exc
