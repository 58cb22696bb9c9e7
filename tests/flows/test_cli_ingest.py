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
        "A,2024-01-01,-1,50\nB,2024-01-01,1.0,50\nC,2024-01-01,2000,150\n"
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


def _benchmark_csv(path, rows):
    path.write_text("Model Name,Release Date,USD per 1M Tokens,MMLU\n" + "\n".join(rows) + "\n")
    return path


def test_ingest_several_files_by_repeating_file_or_naming_a_directory(home, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    first = _benchmark_csv(folder / "prices_2024-06-01.csv", ["A,2024-01-01,1.0,50", "B,2024-02-01,2.0,60"])
    second = _benchmark_csv(folder / "prices_2024-07-01.csv", ["A,2024-01-01,1.0,50", "C,2024-03-01,3.0,70"])
    (folder / ".hidden").write_text("not a price file")
    result = _invoke(home, "ingest", "epoch_prices", "--file", str(first), "--file", str(second))
    assert result.exit_code == 0, result.output
    assert "6 rows loaded" in result.output and "(2 files, 0 unchanged)" in result.output  # A's rows once
    assert _published_count(home, "staging.token_prices") == 3
    again = _invoke(home, "ingest", "epoch_prices", "--file", str(folder))
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output and "(2 files, 2 unchanged)" in again.output
    assert _published_count(home, "meta.ingest_batches") == 2  # one batch per file, nothing new


def test_a_failed_file_among_several_exits_nonzero_and_the_others_load(home, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    _benchmark_csv(folder / "a_2024-06-01.csv", ["A,2024-01-01,1.0,50"])
    bad = _benchmark_csv(folder / "b_2024-07-01.csv", ["X,2024-01-01,-1,50", "Y,2024-01-01,2000,150"])
    result = _invoke(home, "ingest", "epoch_prices", "--file", str(folder))
    assert result.exit_code == 1
    assert "2 rows loaded" in result.output  # the good file, announced before the failure
    assert "1 of 2 files failed" in result.output and str(bad) in result.output
    assert "greater_than_or_equal_to(0.0) on blended_usd_per_mtok: 1" in result.output
    assert "Traceback" not in result.output
    assert _published_count(home, "staging.token_prices") == 1
    assert _published_count(home, "meta.ingest_batches") == 2


def test_an_empty_directory_is_an_error(home, tmp_path):
    (tmp_path / "empty").mkdir()
    result = _invoke(home, "ingest", "epoch_prices", "--file", str(tmp_path / "empty"))
    assert result.exit_code == 1 and "no files to load" in result.output
