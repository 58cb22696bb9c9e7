"""The per-series forecast map on a local Dask cluster gives the same forecasts as the default runner.

Each runner runs in a fresh process, as `infercast refresh --task-runner ...` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import datetime as dt, json, sys
from prefect import flow
from flows import stages
from flows.refresh import _fit_forecasts, task_runner
from warehouse.connection import open_work
from warehouse.settings import Settings

home, runner_name, out = sys.argv[1], sys.argv[2], sys.argv[3]
settings = Settings.from_env(home)
con = open_work(settings)
for feed_id in ("epoch_prices", "epoch_chips", "nvidia_revenue"):
    stages.ingest_feed(con, settings, feed_id)
stages.build_marts(con, dt.date(2025, 12, 31))
con.close()
chosen = task_runner(runner_name)

@flow(name=f"forecast-map-{runner_name}")
def forecast_only() -> dict:
    return _fit_forecasts(home, dt.date(2025, 12, 31))

runnable = forecast_only.with_options(task_runner=chosen) if chosen is not None else forecast_only
summary = runnable()
con = open_work(settings)
values = con.sql(
    "select target, series_id, model, ds, median, lo_80, hi_80, lo_95, hi_95 from forecast.values order by all"
).fetchall()
backtests = con.sql("select * exclude (run_id) from forecast.backtests order by all").fetchall()
con.close()
json.dump({"run_id": summary["notes"][0], "values": values, "backtests": backtests}, open(out, "w"), default=str)
"""


def _run(tmp_path: Path, runner_name: str) -> dict:
    out = tmp_path / f"{runner_name}.json"
    subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / runner_name), runner_name, str(out)],
        check=True,
        env={**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )
    return json.loads(out.read_text())


@pytest.mark.integration
def test_dask_map_matches_the_default_runner(tmp_path):
    default = _run(tmp_path, "default")
    dask = _run(tmp_path, "dask")
    assert default["values"] and default["values"] == dask["values"]
    assert default["backtests"] == dask["backtests"]
    assert default["run_id"] == dask["run_id"]  # same inputs, same run
