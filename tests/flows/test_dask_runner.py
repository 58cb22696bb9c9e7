"""The per-series forecast map on a local Dask cluster gives the same forecasts as the default runner."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import stages
from warehouse.connection import open_work
from warehouse.settings import Settings


def _prepared_home(tmp_path, name: str) -> Settings:
    settings = Settings.from_env(tmp_path / name)
    con = open_work(settings)
    for feed_id in ("epoch_prices", "epoch_chips", "nvidia_revenue"):
        stages.ingest_feed(con, settings, feed_id)
    stages.build_marts(con, dt.date(2025, 12, 31))
    con.close()
    return settings


@pytest.mark.integration
def test_dask_map_matches_the_default_runner(tmp_path, prefect_harness):
    from prefect import flow

    from flows.refresh import _fit_forecasts, task_runner

    def run(settings: Settings, runner_name: str):
        chosen = task_runner(runner_name)

        @flow(name=f"forecast-map-{runner_name}")
        def forecast_only() -> dict:
            return _fit_forecasts(str(settings.home), dt.date(2025, 12, 31))

        runnable = forecast_only.with_options(task_runner=chosen) if chosen is not None else forecast_only
        summary = runnable()
        con = open_work(settings)
        try:
            values = con.sql(
                "select target, series_id, model, ds, mean, lo_80, hi_80, lo_95, hi_95 from forecast.values "
                "order by all"
            ).fetchall()
            backtests = con.sql("select * exclude (run_id) from forecast.backtests order by all").fetchall()
        finally:
            con.close()
        return summary, values, backtests

    default_summary, default_values, default_backtests = run(_prepared_home(tmp_path, "threads"), "default")
    dask_summary, dask_values, dask_backtests = run(_prepared_home(tmp_path, "dask"), "dask")
    assert default_values and default_values == dask_values
    assert default_backtests == dask_backtests
    assert default_summary["notes"][0] == dask_summary["notes"][0]  # same run id: same inputs
