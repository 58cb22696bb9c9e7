"""CSV and Parquet exports read back equal to the warehouse tables, byte-identical on a second run."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from reports.table_export import discover_tables, export_tables


@pytest.fixture(scope="module")
def exported(warehouse, tmp_path_factory):
    con = warehouse.connect()
    try:
        out_dir = tmp_path_factory.mktemp("tables")
        return out_dir, export_tables(con, out_dir, warehouse.run_id)
    finally:
        con.close()


def test_every_mart_and_forecast_table_in_both_formats(exported, con):
    out_dir, paths = exported
    tables = [
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('marts', 'forecast') "
            "union all select schema_name, view_name from duckdb_views() "
            "where schema_name in ('marts', 'forecast') and not internal"
        ).fetchall()
    ]
    assert {"marts.price_index", "forecast.values", "forecast.runs"} <= set(tables)
    assert sorted(p.name for p in paths) == sorted(f"{t}.{fmt}" for t in tables for fmt in ("csv", "parquet"))
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in paths)  # no temp files left


def test_parquet_and_csv_read_back_equal_to_the_tables(exported, con, warehouse):
    out_dir, _ = exported
    for table in discover_tables(con):
        expected = con.execute(table.select(warehouse.run_id)).fetchall()
        parquet = out_dir / f"{table.qualified}.parquet"
        assert con.execute("select * from read_parquet(?)", [str(parquet)]).fetchall() == expected, table.qualified
        # Read the CSV with the table's own column types: values must survive the text round trip
        # (an empty string is written quoted, a null as nothing).
        types = "{" + ", ".join(f"'{c.name}': '{c.data_type}'" for c in table.columns) + "}"
        csv = out_dir / f"{table.qualified}.csv"
        from_csv = con.execute(
            f"select * from read_csv(?, header = true, columns = {types}, allow_quoted_nulls = false)", [str(csv)]
        )
        assert from_csv.fetchall() == expected, table.qualified


def test_forecast_tables_hold_only_the_requested_run(exported, con, warehouse):
    out_dir, _ = exported
    for name in ("values", "decline_rates", "runs"):
        run_ids = con.execute(
            "select distinct run_id from read_parquet(?)", [str(out_dir / f"forecast.{name}.parquet")]
        ).fetchall()
        assert run_ids == [(warehouse.run_id,)], name
    everything = con.execute("select count(distinct run_id) from forecast.values").fetchall()[0][0]
    assert everything == 2  # the warehouse holds another run that the export left out


def test_marts_are_ordered_by_their_key(exported, con):
    out_dir, _ = exported
    keys = con.execute(
        "select tier_id, month from read_csv(?, header = true)", [str(out_dir / "marts.price_index.csv")]
    ).fetchall()
    assert keys == sorted(keys)


def test_parquet_carries_the_table_description(exported, warehouse):
    out_dir, _ = exported
    metadata = pq.read_schema(out_dir / "forecast.decline_rates.parquet").metadata
    assert metadata[b"infercast_table"] == b"forecast.decline_rates"
    assert metadata[b"infercast_run_id"] == warehouse.run_id.encode()
    assert metadata[b"infercast_description"].startswith(b"One row per run per capability tier")


def test_exporting_twice_gives_identical_bytes(exported, warehouse, tmp_path):
    _, first = exported
    con = warehouse.connect()
    try:
        second = export_tables(con, tmp_path, warehouse.run_id)
    finally:
        con.close()
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_only_csv_and_parquet_are_known(warehouse, tmp_path):
    con = warehouse.connect()
    try:
        paths = export_tables(con, tmp_path, warehouse.run_id, formats=("csv",))
        assert paths and all(p.suffix == ".csv" for p in paths)
        with pytest.raises(ValueError, match="xlsx"):
            export_tables(con, tmp_path, warehouse.run_id, formats=("xlsx",))
    finally:
        con.close()
