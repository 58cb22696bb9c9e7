"""`infercast shell`: an interactive, read-only SQL prompt on the published warehouse.

Statements end with `;` and may span lines. Each one passes the same read-only guard as
`infercast sql` (flows.sqlguard) before it runs. Dot commands: `.tables`, `.describe TABLE`,
`.help`, `.quit`. Works on the pinned DuckDB, whatever DuckDB CLI is installed (or not).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import duckdb

from flows.sqlguard import RefusedStatement, check_read_only

PROMPT = "infercast> "
CONTINUATION = "     ...> "
# Lines of at most 72 characters: the banner must not wrap on an 80-column terminal.
HELP = """Type SQL ending with ';' (it may span lines).
Read-only: select, with, describe, show, summarize, explain.
Dot commands:
  .tables            tables and views with what one row is
  .describe NAME     columns of a table or view, with their meaning and unit
  .help              this text
  .quit              leave (or Ctrl-D)"""

TABLES_SQL = """
select schema_name || '.' || table_name as name, 'table' as kind, comment
from duckdb_tables() where database_name = current_database()
union all
select schema_name || '.' || view_name, 'view', comment
from duckdb_views() where database_name = current_database() and not internal
order by name
"""

DESCRIBE_SQL = """
select column_name, data_type, comment
from duckdb_columns()
where database_name = current_database() and schema_name || '.' || table_name = ?
order by column_index
"""

Show = Callable[[list[str], list[tuple[Any, ...]]], None]


def statements(read_line: Callable[[str], str]) -> Iterator[str]:
    """Complete inputs: a dot command (one line) or SQL up to a line ending in ';'. Stops at EOF."""
    pending: list[str] = []
    while True:
        try:
            line = read_line(CONTINUATION if pending else PROMPT)
        except EOFError:
            if pending:
                yield "\n".join(pending)
            return
        if not pending and line.strip().startswith("."):
            yield line.strip()
            continue
        if not pending and not line.strip():
            continue
        pending.append(line)
        if line.rstrip().endswith(";"):
            yield "\n".join(pending)
            pending = []


def run_shell(
    con: duckdb.DuckDBPyConnection, read_line: Callable[[str], str], show: Show, say: Callable[[str], None]
) -> int:
    """Run statements until `.quit` or end of input; returns how many statements failed or were refused."""
    failures = 0
    for text in statements(read_line):
        if text.startswith("."):
            command, _, argument = text.partition(" ")
            if command in (".quit", ".exit", ".q"):
                break
            if command == ".help":
                say(HELP)
            elif command == ".tables":
                _show_query(con, TABLES_SQL, [], show)
            elif command == ".describe" and argument.strip():
                _show_query(con, DESCRIBE_SQL, [argument.strip().rstrip(";")], show)
            else:
                failures += 1
                say(f"unknown dot command {text!r}; type .help")
            continue
        try:
            check_read_only(con, text)
            cursor = con.execute(text)
            show([column[0] for column in cursor.description or []], cursor.fetchall())
        except RefusedStatement as error:
            failures += 1
            say(f"refused: {error}")
        except duckdb.Error as error:
            failures += 1
            say(f"query failed: {error}")
    return failures


def _show_query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], show: Show) -> None:
    cursor = con.execute(sql, params)
    show([column[0] for column in cursor.description or []], cursor.fetchall())


def terminal_reader() -> Callable[[str], str]:
    """`input`, with line editing and history when the readline module is available."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (importing it gives input() editing and history)
    return input
