"""The CLI reads well: --home anywhere, clear refusals of bad input, a short default `status`, one
"rows loaded", progress lines with elapsed times, and every export path printed in full."""

from __future__ import annotations

import datetime as dt
import inspect
import io
from pathlib import Path

import duckdb
import pytest
from rich.console import Console
from typer.testing import CliRunner

from flows import stages
from flows.cli import app, export_paths, stale_cell
from flows.cli_progress import stage_progress
from flows.progress import StageClock, format_seconds, report
from warehouse.connection import open_work
from warehouse.publish import publish
from warehouse.settings import Settings

runner = CliRunner(env={"COLUMNS": "100"})


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Settings:
    """Two feeds loaded and the marts built (no forecast run: status must say so)."""
    settings = Settings.from_env(tmp_path_factory.mktemp("usability") / "home")
    con = open_work(settings)
    stages.ingest_feed(con, settings, "epoch_prices")
    stages.ingest_feed(con, settings, "nvidia_revenue")
    stages.build_marts(con)
    con.close()
    publish(settings)
    return settings


def test_home_is_accepted_before_the_command(tmp_path):
    missing = tmp_path / "nowhere"
    before = runner.invoke(app, ["--home", str(missing), "status"])
    after = runner.invoke(app, ["status", "--home", str(missing)])
    assert before.exit_code == after.exit_code == 1
    assert str(missing) in before.output.replace("\n", "") and before.output == after.output


def test_home_before_the_command_reaches_it(published):
    result = runner.invoke(app, ["--home", str(published.home), "sql", "select 41 + 1 as answer"])
    assert result.exit_code == 0, result.output
    assert "42" in result.output


def test_quarantine_of_an_unknown_feed_is_refused(published):
    result = runner.invoke(app, ["quarantine", "--feed", "nope", "--home", str(published.home)])
    assert result.exit_code == 2
    assert "unknown feed 'nope'" in result.output and "epoch_prices" in result.output


def test_an_as_of_after_today_is_refused_before_anything_runs(tmp_path):
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    for command in ("forecast", "refresh"):
        result = runner.invoke(app, [command, "--as-of", tomorrow, "--home", str(tmp_path / "h")])
        assert result.exit_code == 2, (command, result.output)
        assert "after today" in result.output
    assert not (tmp_path / "h" / "published").exists()


def test_forecast_on_an_empty_home_refuses_to_publish(tmp_path):
    settings = Settings.from_env(tmp_path / "empty")
    result = runner.invoke(app, ["forecast", "--as-of", "2025-03-01", "--home", str(settings.home)])
    assert result.exit_code == 2, result.output
    assert "no data" in result.output
    assert not settings.published_db.exists()
    assert not list(settings.exports_dir.glob("*")) if settings.exports_dir.exists() else True


def test_forecast_before_any_data_names_the_earliest_observation(published):
    before = published.published_db.stat().st_mtime_ns
    result = runner.invoke(app, ["forecast", "--as-of", "1999-01-01", "--home", str(published.home)])
    assert result.exit_code == 2, result.output
    con = duckdb.connect(str(published.published_db), read_only=True)
    try:
        earliest = con.execute(
            "select least(min(observed_on), (select min(period_end) from staging.vendor_revenue)) "
            "from staging.token_prices"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert f"earliest observation in the warehouse is from {earliest}" in " ".join(result.output.split())
    assert published.published_db.stat().st_mtime_ns == before  # nothing published


def test_default_status_fits_100_columns_and_details_are_behind_flags(published):
    short = runner.invoke(app, ["status", "--home", str(published.home)])
    assert short.exit_code == 0, short.output
    lines = short.output.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert len(lines) <= 40
    assert "epoch_prices" in short.output and "last forecast run: none yet" in short.output
    assert "staging.token_prices" not in short.output  # the table list is behind --tables
    full = runner.invoke(app, ["status", "--tables", "--home", str(published.home)])
    assert "staging.token_prices" in full.output


def test_the_stale_column_puts_the_age_before_its_threshold():
    # On main it printed "yes (7 d > 335)": the threshold, then the age.
    assert stale_cell(True, 335, 7, "newest data 335 days old (threshold 7)") == "yes (335 d > 7 d)"
    assert stale_cell(True, 3, 7, "last fetch failed") == "yes (last fetch failed)"
    assert stale_cell(False, 3, 7, None) == "no"
    assert stale_cell(True, None, None, None) == "yes"


def test_rows_loaded_is_the_same_figure_in_sources_status_and_feed_status(published):
    con = duckdb.connect(str(published.published_db), read_only=True)
    try:
        expected = dict(con.execute("select feed, rows_loaded from marts.feed_status").fetchall())
        in_staging = con.execute(
            "select (select count(*) from staging.token_prices where source like 'epoch%') "
            "+ (select count(*) from staging.model_capabilities)"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert expected["epoch_prices"] == in_staging  # what "rows loaded" means: rows of the feed in staging
    wide = CliRunner(env={"COLUMNS": "250"})
    for command in ("sources", "status"):
        output = wide.invoke(app, [command, "--home", str(published.home)]).output
        for feed, rows in expected.items():
            line = next(text for text in output.splitlines() if f" {feed} " in text)
            assert f"{rows:,}" in line, (command, line)


def test_stage_clock_reports_each_stage_with_its_duration():
    now = [100.0]
    clock = StageClock(lambda: now[0])
    assert clock.started("ingest") == ["[     0.0 s] ingest …"]
    now[0] = 112.5
    assert clock.started("marts") == ["[    12.5 s] ingest: done in 12.5 s", "[    12.5 s] marts …"]
    now[0] = 230.0
    assert clock.current() == "marts (1 min 58 s; total 2 min 10 s)"
    assert clock.finished() == ["[2 min 10 s] marts: done in 1 min 58 s"]
    assert format_seconds(59.94) == "59.9 s" and format_seconds(61) == "1 min 01 s"


def test_progress_without_a_terminal_is_plain_lines_as_they_happen():
    buffer = io.StringIO()
    console = Console(file=buffer, width=80)  # not a terminal: a log file, cron
    with stage_progress(console, "start"):
        report("ingest litellm")
        assert "ingest litellm …" in buffer.getvalue()  # printed when the stage starts, not at the end
    lines = buffer.getvalue().splitlines()
    assert lines[0].endswith("start …") and "start: done in" in lines[1]
    assert "ingest litellm: done in" in lines[-2]
    assert lines[-1].startswith("total ")
    assert "\x1b[" not in buffer.getvalue()


def test_export_paths_are_absolute_and_cover_every_export(tmp_path):
    exports = tmp_path / "exports"
    (exports / "tables").mkdir(parents=True)
    for name in ("infercast_report.html", "infercast_report.pdf", "infercast.xlsx", "tables/marts.x.csv"):
        (exports / name).write_text("x")
    listed = dict(export_paths(exports))
    assert set(listed) == {"html", "pdf", "xlsx", "tables"}
    for label, path in listed.items():
        assert Path(path.split(" (")[0]).is_absolute(), label
    assert listed["pdf"] == str((exports / "infercast_report.pdf").resolve())


def test_shell_runs_statements_from_standard_input(published):
    result = runner.invoke(
        app, ["shell", "--home", str(published.home)], input="select count(*) as feeds\nfrom marts.feed_status;\n"
    )
    assert result.exit_code == 0, result.output
    assert "read-only" in result.output and "feeds" in result.output and "2" in result.output


def test_fit_warnings_become_one_summary_line():
    import warnings

    import numpy as np

    from flows.fit_warnings import collected_warnings, summary_line

    with collected_warnings() as caught:
        with np.errstate(divide="warn"):
            np.log(np.zeros(2))
        warnings.warn("Perfect separation detected", UserWarning, stacklevel=1)
    line = summary_line(caught)
    assert line is not None and line.startswith("model fitting raised 2 warning(s): ")
    assert "RuntimeWarning (divide by zero encountered in log)" in line and "forecast.fallbacks" in line
    assert summary_line([]) is None


def test_hindcast_prints_fit_warnings_as_one_line_and_full_family_names(tmp_path, monkeypatch):
    import warnings

    import polars as pl

    import flows.hindcast
    import warehouse.publish
    from flows.hindcast import Hindcast

    def fake_run(settings, dates):
        warnings.warn("divide by zero encountered in scalar divide", RuntimeWarning, stacklevel=1)
        scores = pl.DataFrame(
            {
                "target": ["nvidia_datacenter_revenue"],
                "method": ["champion"],
                "lead": [4],
                "n_points": [8],
                "coverage_80": [0.62],
                "coverage_95": [0.75],
                "mean_log_error": [-0.21],
                "crps": [0.45],
                "crps_vs_naive": [0.82],
                "crps_vs_drift": [1.01],
            }
        )
        return Hindcast("hindcast-test", pl.DataFrame(), pl.DataFrame({"x": [1]}), scores)

    monkeypatch.setattr(flows.hindcast, "hindcast", fake_run)
    monkeypatch.setattr(warehouse.publish, "publish", lambda settings: None)
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        app, ["hindcast", "--home", str(tmp_path / "home"), "--from", "2025-06-30", "--to", "2025-06-30"]
    )
    assert result.exit_code == 0, result.output
    assert "model fitting raised 1 warning(s)" in result.output
    assert "RuntimeWarning: divide" not in result.output
    row = next(line for line in result.output.splitlines() if "nvidia_datacenter_revenue" in line)
    assert "…" not in row and "62%" in row and "+0.21" not in row and "-0.21" in row and "1.01" in row


def test_each_help_paragraph_is_one_source_line():
    # The help keeps a docstring's line breaks: a paragraph wrapped in the source printed as
    # "... the current\n marts published" on a wide terminal.
    wrapped = [
        (command.callback.__name__, paragraph)
        for command in app.registered_commands
        if command.callback is not None
        for paragraph in (inspect.getdoc(command.callback) or "").split("\n\n")
        if "\n" in paragraph
    ]
    assert wrapped == []
