import contextlib

import duckdb

from warehouse.migrate import apply_migrations, discover


def test_migrations_apply_once_and_are_recorded():
    con = duckdb.connect()
    first = apply_migrations(con)
    assert first == [m.version for m in discover()]
    assert apply_migrations(con) == []
    recorded = con.execute("select version, name from meta.schema_migrations order by version").fetchall()
    assert [r[0] for r in recorded] == first
    schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert {"raw", "staging", "marts", "forecast", "meta"} <= schemas


def test_a_failing_migration_leaves_nothing_behind(tmp_path):
    (tmp_path / "001_ok.sql").write_text("create schema if not exists meta; create table meta.ok (a int);")
    (tmp_path / "002_broken.sql").write_text("create table meta.half (a int); select * from nowhere;")
    con = duckdb.connect()
    with contextlib.suppress(duckdb.Error):
        apply_migrations(con, tmp_path)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "ok" in tables and "half" not in tables
    assert con.execute("select max(version) from meta.schema_migrations").fetchall() == [(1,)]


def test_every_mart_and_forecast_table_states_its_grain():
    con = duckdb.connect()
    apply_migrations(con)
    rows = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() "
        "where schema_name in ('marts', 'forecast', 'staging')"
    ).fetchall()
    assert rows
    for schema, table, comment in rows:
        assert comment and comment.lower().startswith("one row per"), f"{schema}.{table}"
