"""`infercast ingest`, `sources`, `quarantine` and `schedules` through typer's runner."""

from __future__ import annotations

import gzip

import duckdb
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def _invoke(home, *args):
    return runner.invoke(app, [*args, "--home", str(home.home)])


def _published_count(home, table):
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]
    finally:
        con.close()


def test_ingest_a_file_in_the_live_format_and_list_sources(home, fixtures):
    result = _invoke(home, "ingest", "epoch_prices", "--file", str(fixtures / "epoch_prices" / "price_benchmarks.csv"))
    assert result.exit_code == 0, result.output
    assert "16 rows loaded" in result.output  # 4 prices + 12 scores
    assert _published_count(home, "staging.token_prices") == 4
    again = _invoke(home, "ingest", "epoch_prices", "--file", str(fixtures / "epoch_prices" / "price_benchmarks.csv"))
    assert "unchanged" in again.output
    assert _published_count(home, "staging.token_prices") == 4
    listing = _invoke(home, "sources")
    assert listing.exit_code == 0
    assert "epoch_prices" in listing.output and "loaded" in listing.output


def test_a_rejected_batch_exits_nonzero_naming_feed_file_and_reasons(home, tmp_path):
    bad = tmp_path / "prices_2024-06-01.csv"
    bad.write_text(
        "Model Name,Release Date,USD per 1M Tokens,MMLU\n"
        "A,2024-01-01,-1,50\nB,2024-01-01,1.0,50\nC,2024-01-01,1.0,150\n"
    )
    result = _invoke(home, "ingest", "epoch_prices", "--file", str(bad))
    assert result.exit_code == 1
    assert "epoch_prices" in result.output and str(bad) in result.output
    assert "greater_than_or_equal_to(0.0) on blended_usd_per_mtok: 1" in result.output
    assert "Traceback" not in result.output
    listing = _invoke(home, "quarantine", "--feed", "epoch_prices")
    assert listing.exit_code == 0
    assert "blended_usd_per_mtok" in listing.output and "-1.0" in listing.output


def test_structural_failure_is_one_message_and_loads_nothing(home, tmp_path, fixtures):
    _invoke(home, "ingest", "epoch_prices", "--file", str(fixtures / "epoch_prices" / "price_benchmarks.csv"))
    before = _published_count(home, "staging.token_prices")
    packed = tmp_path / "prices.json"
    packed.write_bytes(gzip.compress(b"Model Name,Release Date,USD per 1M Tokens\nA,2024-01-01,1\n"))
    result = _invoke(home, "ingest", "epoch_prices", "--file", str(packed))
    assert result.exit_code == 1
    assert "gzip" in result.output and "Traceback" not in result.output
    assert _published_count(home, "staging.token_prices") == before


def test_unknown_feed_and_conflicting_options_are_usage_errors(home, fixtures):
    assert _invoke(home, "ingest", "nonsense").exit_code == 2
    both = _invoke(
        home, "ingest", "epoch_prices", "--live", "--file", str(fixtures / "epoch_prices" / "price_benchmarks.csv")
    )
    assert both.exit_code == 2


def test_schedules_lists_both_deployments_with_next_runs(home):
    result = _invoke(home, "schedules")
    assert result.exit_code == 0, result.output
    assert "refresh-weekly" in result.output and "prices-daily" in result.output
    assert "0 6 * * 1" in result.output and "0 5 * * *" in result.output
    assert result.output.count("UTC") >= 6  # timezone column plus three next runs each
