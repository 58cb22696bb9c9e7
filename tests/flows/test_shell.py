"""`infercast shell`: scripted input through the read-only prompt."""

from __future__ import annotations

import duckdb
import pytest

from flows.shell import HELP, run_shell, statements


def _reader(lines: list[str]):
    pending = list(lines)

    def read(prompt: str) -> str:
        if not pending:
            raise EOFError
        return pending.pop(0)

    return read


@pytest.fixture
def con():
    connection = duckdb.connect(":memory:")
    connection.execute("create schema marts")
    connection.execute("create table marts.t (x integer, label varchar)")
    connection.execute("comment on table marts.t is 'one row per x'")
    connection.execute("comment on column marts.t.x is 'a count'")
    connection.execute("insert into marts.t values (1, 'a'), (2, 'b')")
    yield connection
    connection.close()


def _run(con, lines):
    shown: list[tuple[list[str], list[tuple]]] = []
    said: list[str] = []
    failures = run_shell(con, _reader(lines), lambda names, rows: shown.append((names, rows)), said.append)
    return shown, said, failures


def test_statements_span_lines_until_a_semicolon():
    assert list(statements(_reader(["select", "  1;", "", ".tables", "select 2"]))) == [
        "select\n  1;",
        ".tables",
        "select 2",  # the unfinished statement at end of input still runs
    ]


def test_select_prints_rows_and_writes_are_refused(con):
    shown, said, failures = _run(
        con, ["select x, label from marts.t", "order by x;", "insert into marts.t values (3, 'c');", "select 42;"]
    )
    assert shown == [(["x", "label"], [(1, "a"), (2, "b")]), (["42"], [(42,)])]
    assert failures == 1 and said[0].startswith("refused: INSERT statements are refused")
    assert con.execute("select count(*) from marts.t").fetchall() == [(2,)]


def test_dot_commands_list_and_describe_with_comments(con):
    shown, said, failures = _run(con, [".tables", ".describe marts.t", ".nope", ".quit", "select 1;"])
    assert shown[0] == (["name", "kind", "comment"], [("marts.t", "table", "one row per x")])
    assert shown[1] == (
        ["column_name", "data_type", "comment"],
        [("x", "INTEGER", "a count"), ("label", "VARCHAR", None)],
    )
    assert failures == 1 and "unknown dot command" in said[0]
    assert len(shown) == 2  # nothing runs after .quit


def test_a_failing_query_reports_and_the_shell_goes_on(con):
    shown, said, failures = _run(con, ["select * from nowhere;", "select 1;"])
    assert failures == 1 and said[0].startswith("query failed:")
    assert shown == [(["1"], [(1,)])]


def test_the_banner_fits_an_80_column_terminal():
    assert max(len(line) for line in HELP.splitlines()) <= 78
