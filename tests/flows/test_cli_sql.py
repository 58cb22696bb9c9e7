"""`infercast sql` with -f FILE, --out PATH and --format parquet, on a small published warehouse."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as parquet
import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse.settings import Settings

runner = CliRunner(env={"COLUMNS": "200"})
QUERIES = Path(__file__).resolve().parents[2] / "warehouse" / "queries"
PRICE_QUERY = "select model, observed_on, blended_usd_per_mtok from staging.token_prices order by model, observed_on"


@pytest.fixture(scope="module")
def published(published_prices: Settings) -> Settings:
    return published_prices


def _run(settings: Settings, *args: str):
    return runner.invoke(app, ["sql", *args, "--home", str(settings.home)])


def _direct(settings: Settings, query: str) -> list[tuple]:
    con = duckdb.connect(str(settings.published_db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_query_file_runs_like_the_same_query_given_inline(published, tmp_path):
    query_file = tmp_path / "prices.sql"
    query_file.write_text(f"-- Which prices are loaded?\n{PRICE_QUERY};\n")
    from_file = _run(published, "-f", str(query_file), "--format", "csv")
    inline = _run(published, PRICE_QUERY, "--format", "csv")
    assert from_file.exit_code == 0, from_file.output
    assert from_file.stdout == inline.stdout
    rows = list(csv.reader(io.StringIO(from_file.stdout)))
    assert rows[0] == ["model", "observed_on", "blended_usd_per_mtok"]
    assert len(rows) - 1 == len(_direct(published, PRICE_QUERY)) > 0


def test_long_option_and_a_bundled_example_query(published):
    result = _run(published, "--file", str(QUERIES / "feed_freshness.sql"), "--format", "json")
    assert result.exit_code == 0, result.output
    feeds = {record["feed"]: record for record in json.loads(result.stdout)}
    assert feeds["epoch_prices"]["last_batch_status"] == "loaded"
    assert feeds["epoch_prices"]["stale"] is False


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "give a query"),
        (("select 1", "-f", "x.sql"), "not both"),
        (("-f", "/no/such/query.sql"), "cannot read the query file"),
        (("select 1", "--format", "xml"), "unknown format"),
        (("select 1", "--format", "parquet"), "add --out"),
    ],
    ids=["neither", "both", "missing-file", "unknown-format", "parquet-without-out"],
)
def test_usage_errors_exit_2_without_traceback(published, args, fragment):
    result = _run(published, *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_not_utf8_is_a_usage_error(published, tmp_path):
    query_file = tmp_path / "latin1.sql"
    query_file.write_bytes("select 'café'".encode("latin-1"))
    result = _run(published, "-f", str(query_file))
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


@pytest.mark.parametrize("output_format", ["csv", "json", "table"])
def test_out_writes_the_file_instead_of_stdout(published, tmp_path, output_format):
    out = tmp_path / f"prices.{output_format}"
    to_stdout = _run(published, PRICE_QUERY, "--format", output_format)
    to_file = _run(published, PRICE_QUERY, "--format", output_format, "--out", str(out))
    assert to_file.exit_code == 0, to_file.output
    assert to_file.stdout == ""
    assert f"to {out}" in to_file.stderr
    written = out.read_text(encoding="utf-8")
    n_rows = len(_direct(published, PRICE_QUERY))
    if output_format == "table":
        # The file holds the same table, unfolded and without colour codes.
        assert "\x1b[" not in written
        # Only the rows shown are fetched: a longer result says there is more, not how much.
        assert (f"{n_rows} row(s)" if n_rows <= 100 else "more than 100 row(s); first 100 shown") in written
        first_model = _direct(published, PRICE_QUERY)[0][0]
        assert any(first_model in line and "blended" not in line for line in written.splitlines())
    else:
        assert written == to_stdout.stdout
    assert not list(tmp_path.glob(".*.tmp"))


def test_parquet_holds_every_row_with_its_types(published, tmp_path):
    out = tmp_path / "prices.parquet"
    result = _run(published, PRICE_QUERY, "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    table = parquet.read_table(out)
    assert table.column_names == ["model", "observed_on", "blended_usd_per_mtok"]
    assert str(table.schema.field("observed_on").type) == "date32[day]"
    assert [tuple(row.values()) for row in table.to_pylist()] == _direct(published, PRICE_QUERY)


@pytest.mark.parametrize("output_format", ["csv", "json", "parquet"])
def test_an_explicit_limit_bounds_every_format(published, tmp_path, output_format):
    out = tmp_path / f"first.{output_format}"
    result = _run(published, PRICE_QUERY, "--format", output_format, "--out", str(out), "--limit", "3")
    assert result.exit_code == 0, result.output
    assert "wrote 3 row(s)" in result.stderr
    if output_format == "parquet":
        rows = [tuple(row.values()) for row in parquet.read_table(out).to_pylist()]
    elif output_format == "json":
        rows = [tuple(record.values()) for record in json.loads(out.read_text())]
    else:
        rows = [tuple(row) for row in list(csv.reader(io.StringIO(out.read_text())))[1:]]
    assert len(rows) == 3
    assert rows[0][0] == _direct(published, PRICE_QUERY)[0][0]


def test_parquet_from_a_query_file(published, tmp_path):
    out = tmp_path / "freshness.parquet"
    result = _run(published, "-f", str(QUERIES / "feed_freshness.sql"), "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "epoch_prices" in parquet.read_table(out).column("feed").to_pylist()


@pytest.mark.parametrize(
    "statement",
    [
        "delete from staging.token_prices",
        "copy (select 1) to '{out}'",
        "create table marts.sneaky as select 1",
    ],
    ids=["delete", "copy-to", "create"],
)
@pytest.mark.parametrize("output_format", ["csv", "parquet"])
def test_writes_in_a_query_file_are_refused_and_change_nothing(published, tmp_path, statement, output_format):
    leak = tmp_path / "leak.parquet"
    query_file = tmp_path / "write.sql"
    query_file.write_text("-- not a question\n" + statement.format(out=leak) + ";\n")
    out = tmp_path / "result.parquet"
    before = _digest(published.published_db)
    result = _run(published, "-f", str(query_file), "--format", output_format, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "refused" in result.output and "read-only" in result.output
    assert _digest(published.published_db) == before
    assert not leak.exists() and not out.exists()


def test_out_may_not_name_the_warehouse(published):
    before = _digest(published.published_db)
    result = _run(published, "select 1", "--format", "csv", "--out", str(published.published_db))
    assert result.exit_code == 2
    assert "warehouse itself" in result.output
    assert _digest(published.published_db) == before


@pytest.mark.parametrize("output_format", ["csv", "parquet"])
def test_an_unwritable_out_path_fails_cleanly(published, tmp_path, output_format):
    out = tmp_path / "no" / "such" / "dir" / "result.out"
    result = _run(published, "select 1 as a", "--format", output_format, "--out", str(out))
    assert result.exit_code == 1
    assert "cannot write" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_bad_query_with_parquet_fails_without_traceback(published, tmp_path):
    out = tmp_path / "bad.parquet"
    result = _run(published, "select * from no_such_table", "--format", "parquet", "--out", str(out))
    assert result.exit_code == 1
    assert "query failed" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_parquet_export_does_not_import_heavy_modules(published, tmp_path):
    out = tmp_path / "probe.parquet"
    probe = (
        "import sys\n"
        "from flows.cli import main\n"
        f"sys.argv = ['infercast', 'sql', 'select 1 as a', '--format', 'parquet', '--out', {str(out)!r}, "
        f"'--home', {str(published.home)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('prefect', 'statsmodels', 'pandera', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in output
    assert parquet.read_table(out).to_pylist() == [{"a": 1}]


def test_a_wide_result_at_80_columns_is_readable(published):
    # On main this folded every header into one-character columns.
    wide = ", ".join(f"{i} as measured_value_{i}" for i in range(10))
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["sql", f"select {wide}", "--home", str(published.home)])
    assert result.exit_code == 0, result.output
    for i in range(10):
        assert f"measured_value_{i} : {i}" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.parametrize(
    "query",
    ["-- the note says why\nselect 42 as answer", "--note\nselect 42 as answer", "--\tnote\nselect 42 as answer"],
)
def test_a_query_that_opens_with_a_comment_is_run_not_parsed_as_an_option(published, query, monkeypatch, capsys):
    from flows.cli import main

    monkeypatch.setattr(sys, "argv", ["infercast", "sql", query, "--format", "csv", "--home", str(published.home)])
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    assert exited.value.code in (0, None), captured.err
    assert captured.out.split() == ["answer", "42"]


def test_options_and_the_end_of_options_marker_are_left_alone():
    from flows.cli import sql_comments_kept_as_queries

    args = ["sql", "--format", "csv", "--out=/tmp/a b.csv", "--", "select 1", "--limit", "5"]
    assert sql_comments_kept_as_queries(args) == args
    assert sql_comments_kept_as_queries(["status", "-- x"]) == ["status", "-- x"]  # only after `sql`
