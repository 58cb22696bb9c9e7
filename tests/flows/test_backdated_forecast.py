"""`infercast forecast --as-of` a past date leaves the current state alone: own export folder,
current marts still published, and after a `refresh` every "latest" surface (views, report, XLSX,
CSVs) names the refresh's run, also when another backdated run finishes after it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from reports.html_report import latest_run_id
from sources.registry import FEEDS
from sources.snapshot import snapshot_files
from warehouse.connection import open_work
from warehouse.ingest import ingest_bundled
from warehouse.publish import publish
from warehouse.settings import Settings

runner = CliRunner(env={"COLUMNS": "4000"})
BACKDATED = dt.date(2025, 6, 30)


def _published(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.published_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _latest(settings: Settings) -> dict[str, set[tuple]]:
    return {
        view: set(_published(settings, f"select distinct run_id, as_of from marts.{view}"))
        for view in ("latest_forecast", "latest_decline_rates")
    }


def _report_default_run(settings: Settings) -> str | None:
    con = duckdb.connect(str(settings.published_db), read_only=True)
    try:
        return latest_run_id(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Settings:
    settings = Settings.from_env(tmp_path_factory.mktemp("backdated") / "home")
    con = open_work(settings)
    for feed in FEEDS.values():
        if snapshot_files(feed):
            ingest_bundled(con, settings, feed)
    con.close()
    publish(settings)
    return settings


def _named_runs(settings: Settings) -> dict[str, set[str]]:
    """The run id that every "latest" surface names: the views, the report, the XLSX, the CSVs."""
    import openpyxl
    import polars as pl

    named = {
        view: {row[0] for row in _published(settings, f"select distinct run_id from {view}")}
        for view in ("forecast.latest_successful_run", "marts.latest_forecast", "marts.latest_decline_rates")
    }
    claims = (Path(__file__).parents[2] / "warehouse/queries/latest_claims_verdicts.sql").read_text()
    named["latest_claims_verdicts.sql"] = {row[-2] for row in _published(settings, claims)}
    named["report default"] = {_report_default_run(settings)}
    html = (settings.exports_dir / "infercast_report.html").read_text()
    named["html"] = set(re.findall(r"Forecast run <code>([^<]+)</code>", html))
    about = openpyxl.load_workbook(settings.exports_dir / "infercast.xlsx", read_only=True)["About"]
    named["xlsx"] = {str(row[1]) for row in about.iter_rows(values_only=True) if row[0] == "Forecast run"}
    for table in ("forecast.values", "forecast.runs", "forecast.claims"):
        csv = pl.read_csv(settings.exports_dir / "tables" / f"{table}.csv", infer_schema_length=0)
        named[f"{table}.csv"] = set(csv["run_id"].to_list())
    return named


def test_a_backdated_forecast_then_a_refresh_leave_every_latest_surface_on_the_refresh_run(home, prefect_harness):
    from flows.refresh import refresh_flow

    today = dt.datetime.now(dt.UTC).date()
    backdated = runner.invoke(app, ["forecast", "--as-of", BACKDATED.isoformat(), "--home", str(home.home)])
    assert backdated.exit_code == 0, backdated.output
    folder = home.exports_dir / f"as-of-{BACKDATED.isoformat()}"
    assert str(folder) in " ".join(backdated.output.split()) and any(folder.iterdir())
    assert not any(p.is_file() for p in home.exports_dir.iterdir())  # nothing written over the current exports
    # The marts published after a backdated run are the current ones, not cut at its as-of.
    (latest_month,) = _published(home, "select max(month) from marts.price_index")[0]
    assert latest_month > BACKDATED

    summary = refresh_flow(home=str(home.home))
    assert summary["status"] in ("success", "partial"), summary["warnings"]
    run_id = summary["run_id"]
    assert _published(home, f"select as_of from forecast.runs where run_id = '{run_id}'") == [(today,)]
    expected = {surface: {run_id} for surface in _named_runs(home)}
    assert _named_runs(home) == expected
    assert _latest(home) == {"latest_forecast": {(run_id, today)}, "latest_decline_rates": {(run_id, today)}}

    # Another backdated run afterwards, finishing last, does not become the latest either, and
    # leaves the current folder's report, workbook and tables alone.
    again = runner.invoke(app, ["forecast", "--as-of", "2025-03-31", "--home", str(home.home)])
    assert again.exit_code == 0, again.output
    assert _named_runs(home) == expected
    assert _published(home, "select max(month) from marts.price_index")[0][0] == latest_month
