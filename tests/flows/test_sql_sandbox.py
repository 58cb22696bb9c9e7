"""`infercast sql` cannot write, read outside the published warehouse, touch extensions or the network.

Every statement of the operator's audit (issue 15, item 1) is here, against both layers: the
statement guard and the sandboxed DuckDB connection underneath it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.sqlguard import RefusedStatement, check_read_only, open_analyst_connection
from warehouse.settings import Settings

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def published(published_prices: Settings) -> Settings:
    return published_prices


def _run(settings: Settings, *args: str):
    return runner.invoke(app, ["sql", *args, "--home", str(settings.home)])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


REFUSED_BY_GUARD = [
    "explain analyze copy (select 'x' as a) to '{work_db}'",
    "explain analyze install httpfs",
    "explain analyze load httpfs",
    "explain analyze create table marts.x as select 1",
    "explain analyze delete from staging.token_prices",
    "explain explain analyze copy (select 1) to '{work_db}'",
    "/* hidden */ -- comment\n EXPLAIN (FORMAT json) copy (select 1) to '{work_db}'",
    "set threads = 1",
    "set enable_external_access = true",
    "reset lock_configuration",
    "checkpoint",
    "force checkpoint",
    "create temp table t as select 1",
    "install httpfs",
    "load httpfs",
    "update extensions",
    "attach '{work_db}' as w",
    "detach published",
    "export database '{home}/dump'",
    "copy staging.token_prices to '{home}/leak.csv'",
    "call pragma_table_info('staging.token_prices')",
    "pragma enable_profiling",
    "use memory",
    "select 1; select 2",
    "explain",
]


@pytest.mark.parametrize("statement", REFUSED_BY_GUARD)
def test_the_audit_statements_are_refused_cleanly_and_change_nothing(published, statement):
    query = statement.format(work_db=published.work_db, home=published.home)
    before = _digest(published.published_db)
    work_before = _digest(published.work_db)
    result = _run(published, query)
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and "Traceback" not in result.output
    assert _digest(published.published_db) == before
    assert _digest(published.work_db) == work_before
    assert not (published.home / "dump").exists() and not (published.home / "leak.csv").exists()


def test_update_extensions_is_refused_by_the_guard_not_a_value_error(published):
    con = open_analyst_connection(published.published_db)
    try:
        with pytest.raises(RefusedStatement, match="not known to the guard"):
            check_read_only(con, "update extensions")
    finally:
        con.close()


@pytest.mark.parametrize(
    "statement",
    [
        "select * from read_text('/etc/shadow')",
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/proc/self/environ')",
        "select * from glob('/etc/*')",
        "select * from read_blob('/etc/hostname')",
        "select * from '/etc/passwd'",
        "select * from read_parquet('{home}/exports/*.parquet')",
        "select * from '{work_db}'",
        "select * from read_csv('http://127.0.0.1:9/x.csv')",
        "select * from read_json('https://127.0.0.1:9/x.json')",
        "select * from duckdb_extensions()",
    ],
)
def test_reads_outside_the_published_warehouse_are_refused_by_duckdb(published, statement, tmp_path, monkeypatch):
    # DuckDB would put downloaded extensions under $HOME/.duckdb: nothing may appear there.
    monkeypatch.setenv("HOME", str(tmp_path))
    query = statement.format(work_db=published.work_db, home=published.home)
    result = _run(published, query)
    assert result.exit_code == 1, result.output
    assert "query failed" in result.output and "Traceback" not in result.output
    # Either the file system is closed to it, or a bare path is not even a table name.
    assert "disabled by configuration" in result.output or "does not exist" in result.output
    assert "root:" not in result.output
    assert not (tmp_path / ".duckdb").exists()


def test_the_published_warehouse_itself_stays_readable(published):
    result = _run(published, "select count(*) as n from staging.token_prices", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert int(result.stdout.splitlines()[1]) > 0


@pytest.mark.parametrize(
    "statement",
    [
        "explain select 1",
        "explain analyze select count(*) from staging.token_prices",
        "explain (format json) select 1",
        "/* a comment */ explain analyze with t as (select 1 as a) select a from t",
        "pivot (select 'a' as k, 1 as v union all select 'b', 2) on k using sum(v)",
        "from (select 'a' as k, 1 as v) pivot (sum(v) for k in ('a'))",
        "unpivot (select 1 as a, 2 as b) on a, b into name k value v",
        "describe staging.token_prices",
        "show tables",
        "summarize select 1 as a",
        "from staging.token_prices limit 1",
    ],
)
def test_read_statements_are_allowed(published, statement):
    result = _run(published, statement, "--format", "csv")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("setting", "statement"),
    [
        ("enable_external_access", "select * from read_csv('/etc/passwd')"),
        ("enable_external_access", "copy (select 1) to '{tmp}/x.csv'"),
        ("enable_external_access", "attach '{tmp}/other.duckdb'"),
        ("autoinstall_known_extensions", "install httpfs"),
        ("autoload_known_extensions", "load httpfs"),
        ("lock_configuration", "set enable_external_access = true"),
        ("lock_configuration", "set autoinstall_known_extensions = true"),
        ("lock_configuration", "reset lock_configuration"),
    ],
)
def test_the_connection_itself_refuses_without_the_guard(published, tmp_path, setting, statement):
    con = open_analyst_connection(published.published_db)
    try:
        assert con.execute("select current_setting('lock_configuration')").fetchall() == [(True,)]
        with pytest.raises(duckdb.Error):
            con.execute(statement.format(tmp=tmp_path))
        assert con.execute(f"select current_setting('{setting}')").fetchall() != [(None,)]
        assert con.execute("select current_setting('enable_external_access')").fetchall() == [(False,)]
    finally:
        con.close()
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "other.duckdb").exists()


def test_a_huge_result_is_fetched_only_up_to_the_limit(published):
    result = _run(published, "select * from range(300000000)")
    assert result.exit_code == 0, result.output
    assert "more than 100 row(s); first 100 shown" in result.output
    csv_result = _run(published, "select * from range(300000000)", "--format", "csv", "--limit", "5")
    assert csv_result.exit_code == 0, csv_result.output
    assert csv_result.stdout.splitlines() == ["range", "0", "1", "2", "3", "4"]


@pytest.mark.parametrize("limit", ["-5", "0"])
def test_a_limit_below_one_is_a_usage_error(published, limit):
    result = _run(published, "select 1", "--limit", limit)
    assert result.exit_code == 2
    assert "--limit" in result.output


def test_a_long_query_is_stopped_at_the_timeout(published):
    result = _run(published, "select count(*) from range(100000000000) a", "--timeout", "0.5")
    assert result.exit_code == 1, result.output
    assert "longer than 0.5 s" in result.output and "Traceback" not in result.output


HOSTILE = "evil\x1b]0;pwned\x07\x1b[31mred\x00nul\u202eреверс"


@pytest.mark.parametrize("output_format", ["table", "csv"])
def test_control_characters_are_escaped_on_the_terminal(published, output_format):
    result = _run(published, f"select '{HOSTILE}' as model", "--format", output_format)
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\x00", "\u202e"):
        assert raw not in result.stdout
    assert "\\x1b" in result.stdout and "\\u202e" in result.stdout and "\\x00" in result.stdout


def test_markup_in_a_value_is_shown_as_text(published):
    result = _run(published, "select '[bold]x[/] [/nope]' as model")
    assert result.exit_code == 0, result.output
    assert "[bold]x[/] [/nope]" in result.stdout


def test_a_query_file_that_is_not_sql_is_not_echoed(published, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("sysadm:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n")
    result = _run(published, "-f", str(secret))
    assert result.exit_code == 2
    assert "does not parse" in result.output
    assert "sysadm" not in result.output and "hashhash" not in result.output and "saltsalt" not in result.output


def test_a_query_file_that_is_a_device_is_refused(published):
    result = _run(published, "-f", "/dev/zero")
    assert result.exit_code == 2
    assert "not a regular file" in result.output
