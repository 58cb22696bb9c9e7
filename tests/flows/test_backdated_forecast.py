"""`infercast forecast --as-of` a past date leaves the current state alone: own export folder,
current marts still published, and "latest" still the run with the greatest as-of."""

from __future__ import annotations

import datetime as dt

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


def test_a_backdated_forecast_then_a_current_one_leave_latest_report_and_marts_on_the_current_run(home):
    today = dt.datetime.now(dt.UTC).date()
    backdated = runner.invoke(app, ["forecast", "--as-of", BACKDATED.isoformat(), "--home", str(home.home)])
    assert backdated.exit_code == 0, backdated.output
    folder = home.exports_dir / f"as-of-{BACKDATED.isoformat()}"
    assert str(folder) in " ".join(backdated.output.split()) and any(folder.iterdir())
    assert not any(p.is_file() for p in home.exports_dir.iterdir())  # nothing written over the current exports
    # The marts published after a backdated run are the current ones, not cut at its as-of.
    (latest_month,) = _published(home, "select max(month) from marts.price_index")[0]
    assert latest_month > BACKDATED

    current = runner.invoke(app, ["forecast", "--home", str(home.home)])
    assert current.exit_code == 0, current.output
    (run_id,) = _published(home, f"select run_id from forecast.runs where as_of = '{today}' and status = 'success'")[0]
    assert _latest(home) == {"latest_forecast": {(run_id, today)}, "latest_decline_rates": {(run_id, today)}}
    assert _report_default_run(home) == run_id

    # Another backdated run afterwards, finishing last, does not become the latest either.
    again = runner.invoke(app, ["forecast", "--as-of", "2025-03-31", "--home", str(home.home)])
    assert again.exit_code == 0, again.output
    assert _latest(home) == {"latest_forecast": {(run_id, today)}, "latest_decline_rates": {(run_id, today)}}
    assert _report_default_run(home) == run_id
    assert _published(home, "select max(month) from marts.price_index")[0][0] == latest_month
