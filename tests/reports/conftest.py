"""Warehouses for the report tests.

`warehouse`: built by the pipeline's own stage functions on every bundled feed, with two forecast
runs: the reported one as of 2025-12-31 (the real forecast stage, with fewer backtest windows: see
`light_jobs`) and an earlier one as of 2025-03-01
on the marts as known then (price index only, tests/reports/handmade.minimal_run: the full stage
takes seconds per run), so the report can compare earlier forecasts with what happened. If the forecast
stage fails, the reported run falls back to a minimal run too, with a warning naming the error.

`full`: an in-memory copy of it (warehouse.migrate.apply_migrations, then every table copied) where
forecast tables the stage left empty for the reported run get hand-made rows (tests/reports/handmade.py),
plus a stale feed and a failed batch.

`empty`: migrations only and one forecast.runs row, so every section has to say what is missing.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest

from flows import forecast_stage, stages
from flows.marts_stage import build_marts
from forecasts.engine import EngineJob, TargetForecast, run_job
from reports.exports import write_all_exports
from reports.html_report import render_html
from sources.registry import FEEDS
from tests.reports import handmade
from warehouse.connection import open_work
from warehouse.migrate import apply_migrations
from warehouse.settings import Settings

EARLIER_AS_OF = dt.date(2025, 3, 1)
AS_OF = handmade.AS_OF
GENERATED_AT = dt.datetime(2026, 1, 2, 8, 30, tzinfo=dt.UTC)
EMPTY_RUN_ID = "run-empty"


@dataclass(frozen=True)
class BuiltWarehouse:
    settings: Settings
    run_id: str
    other_run_id: str

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.settings.work_db), read_only=True)


def light_jobs(jobs: list[EngineJob]) -> list[TargetForecast]:
    """The forecast engine's jobs, run as the stage runs them but with at most 3 backtest windows of
    3 periods (the stage's own default is 6 of 6): the same code paths at a fraction of the fits."""
    return [
        run_job(
            replace(job, backtest_windows=min(job.backtest_windows, 3), backtest_horizon=min(job.backtest_horizon, 3))
        )
        for job in jobs
    ]


@pytest.fixture(scope="session")
def feeds() -> list[dict[str, str]]:
    return [
        {"feed": f.feed_id, "citation": f.citation, "licence": f.licence, "family": f.family} for f in FEEDS.values()
    ]


@pytest.fixture(scope="session")
def feeds_provenance(feeds) -> list[dict[str, str]]:
    return [{key: item[key] for key in ("feed", "citation", "licence")} for item in feeds]


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory, feeds) -> BuiltWarehouse:
    settings = Settings.from_env(tmp_path_factory.mktemp("reports") / "home")
    con = open_work(settings)
    try:
        for feed_id in stages.default_feeds():
            stages.ingest_feed(con, settings, feed_id)
        build_marts(con, EARLIER_AS_OF)
        other_run_id = handmade.minimal_run(con, EARLIER_AS_OF)
        build_marts(con, AS_OF)
        try:
            run_id = forecast_stage.fit_forecasts(con, AS_OF, map_jobs=light_jobs).notes[0]
        except Exception as error:  # the stage is tested in tests/flows; the report must still be tested
            warnings.warn(f"forecast stage failed, using a minimal run: {type(error).__name__}: {error}", stacklevel=1)
            run_id = handmade.minimal_run(con, AS_OF)
    finally:
        con.close()
    return BuiltWarehouse(settings, run_id, other_run_id)


@pytest.fixture(scope="session")
def pipeline_html(warehouse: BuiltWarehouse, feeds) -> str:
    """The report of the run exactly as the pipeline's stages left the warehouse."""
    con = warehouse.connect()
    try:
        return render_html(con, warehouse.run_id, feeds=feeds, generated_at=GENERATED_AT)
    finally:
        con.close()


@pytest.fixture
def con(warehouse: BuiltWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = warehouse.connect()
    yield connection
    connection.close()


def copy_warehouse(source: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with every table of `source` copied into the same migrated schema."""
    memory = duckdb.connect(":memory:")
    apply_migrations(memory)
    memory.execute(f"attach '{source}' as source (read_only)").fetchall()
    tables = memory.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'source' "
        "and schema_name in ('marts', 'forecast', 'meta', 'staging') and table_name <> 'schema_migrations'"
    ).fetchall()
    for schema, table in tables:
        memory.execute(f"insert into {schema}.{table} by name select * from source.{schema}.{table}").fetchall()
    memory.execute("detach source").fetchall()
    return memory


@pytest.fixture(scope="session")
def full(warehouse: BuiltWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = copy_warehouse(warehouse.settings.work_db)
    handmade.fill_all(connection, warehouse.run_id)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def full_html(full, warehouse, feeds) -> str:
    return render_html(full, warehouse.run_id, feeds=feeds, generated_at=GENERATED_AT)


@pytest.fixture(scope="session")
def exports(full, warehouse, feeds, tmp_path_factory) -> dict[str, list[Path]]:
    """Every export format of the full warehouse's run, written once for the export and PDF tests."""
    return write_all_exports(
        full, tmp_path_factory.mktemp("exports"), warehouse.run_id, feeds, generated_at=GENERATED_AT
    )


@pytest.fixture(scope="session")
def empty() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    apply_migrations(connection)
    handmade.empty_run(connection, EMPTY_RUN_ID, AS_OF)
    yield connection
    connection.close()
