"""The Prefect flows.

`refresh`: ingest every feed -> marts -> forecasts -> report -> publish. A past `as_of` writes
its report to exports/as-of-DATE/ and publishes the current marts (flows/backdated.py).
`prices-daily`: ingest the price and model feeds (live by default) -> marts -> publish, so
point-in-time price history accumulates between weekly refreshes.

Each stage is a task that opens the working database itself, so a task can run on any
worker. The flow holds the writer lock throughout; the published copy is replaced only
after every stage has succeeded. A feed that fails is reported stale and the run goes on
with that feed's last good data, ending in a Completed state named "PartialSuccess".
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, State

from flows import stages
from flows.backdated import render_leaving_current_state
from flows.forecast_stage import Prepared, finish, prepare
from flows.inputs import check_data_known
from flows.progress import report
from forecasts.engine import EngineJob, TargetForecast, run_job
from sources.errors import FeedError
from warehouse.connection import open_work
from warehouse.lock import WriterLock
from warehouse.publish import publish
from warehouse.run_log import finish_run, mark_crashed_runs, start_run
from warehouse.settings import Settings

PRICE_AND_MODEL_FEEDS = ("litellm", "openrouter", "epoch_models")


@task(
    name="ingest",
    task_run_name="ingest-{feed_id}-{mode}",
    cache_policy=NO_CACHE,
    timeout_seconds=900,
)
def ingest_task(home: str, feed_id: str, mode: str = "bundled") -> dict[str, Any]:
    settings = Settings.from_env(home)
    con = open_work(settings)
    try:
        outcome = stages.ingest_feed(con, settings, feed_id, live=(mode == "live"))
    except FeedError as error:
        return {"feed": feed_id, "status": "failed", "message": str(error), "rows_loaded": 0}
    finally:
        con.close()
    return outcome


@task(name="build-marts", task_run_name="build-marts-as-of-{as_of}", cache_policy=NO_CACHE)
def build_marts_task(home: str, as_of: dt.date | None = None) -> dict[str, Any]:
    con = open_work(Settings.from_env(home))
    try:
        return stages.build_marts(con, as_of).__dict__
    finally:
        con.close()


@task(name="prepare-forecasts", task_run_name="prepare-forecasts-as-of-{as_of}", cache_policy=NO_CACHE)
def prepare_forecasts_task(home: str, as_of: dt.date) -> Prepared:
    con = open_work(Settings.from_env(home))
    try:
        return prepare(con, as_of)
    finally:
        con.close()


@task(name="forecast-series", task_run_name="forecast-{job.target}-{job.horizon}", cache_policy=NO_CACHE)
def forecast_job_task(job: EngineJob) -> TargetForecast:
    # Pure computation on plain data: runs on whichever worker the task runner picks.
    return run_job(job)


@task(name="write-forecasts", task_run_name="write-forecasts-{prepared.run_id}", cache_policy=NO_CACHE)
def finish_forecasts_task(home: str, prepared: Prepared, results: list[TargetForecast]) -> dict[str, Any]:
    con = open_work(Settings.from_env(home))
    try:
        return finish(con, prepared, results).__dict__
    finally:
        con.close()


def _fit_forecasts(home: str, as_of: dt.date) -> dict[str, Any]:
    """Prepare, map the engine jobs over the flow's task runner, then write."""
    prepared = prepare_forecasts_task(home, as_of)
    if prepared.reused:
        return {"stage": "forecasts", "rows": {}, "notes": [prepared.run_id, "inputs unchanged since this run; reused"]}
    futures = forecast_job_task.map(prepared.jobs)
    results = [future.result() for future in futures]
    return finish_forecasts_task(home, prepared, results)


@task(name="render-report", task_run_name="render-report-{run_id}", cache_policy=NO_CACHE)
def render_report_task(home: str, run_id: str, as_of: dt.date) -> str:
    """A past as-of writes to exports/as-of-DATE/ and restores the current marts (flows/backdated.py)."""
    settings = Settings.from_env(home)
    con = open_work(settings)
    try:
        today = dt.datetime.now(dt.UTC).date()
        return str(render_leaving_current_state(con, settings, run_id, as_of, today))
    finally:
        con.close()


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(home: str) -> str:
    report("publish")
    return str(publish(Settings.from_env(home)))


def _begin(settings: Settings, flow_name: str, parameters: dict[str, Any]) -> str:
    run_id = f"{flow_name}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    con = open_work(settings)
    try:
        mark_crashed_runs(con, settings.published_db)
        prefect_id = flow_run.get_id()
        start_run(con, run_id, flow_name, parameters, str(prefect_id) if prefect_id else None)
    finally:
        con.close()
    return run_id


def _end(settings: Settings, run_id: str, status: str, rows: dict[str, Any], warnings: list[str]) -> None:
    con = open_work(settings)
    try:
        finish_run(con, run_id, status, rows, warnings)
    finally:
        con.close()


def _check_data_known(settings: Settings, as_of: dt.date) -> None:
    """Stop before the marts when nothing is known by `as_of` (no empty report is published)."""
    con = open_work(settings)
    try:
        check_data_known(con, as_of)
    finally:
        con.close()


def _ingest_all(home: str, feeds: list[str], mode: str) -> tuple[list[dict[str, Any]], list[str]]:
    ingested = [ingest_task(home, feed_id, mode) for feed_id in feeds]
    warnings = [f"feed {i['feed']} failed: {i['message']}" for i in ingested if i["status"] == "failed"]
    warnings += [w for i in ingested for w in i.get("warnings", [])]
    return ingested, warnings


def _final_state(summary: dict[str, Any], warnings: list[str]) -> State[Any]:
    if warnings:
        return Completed(name="PartialSuccess", message="; ".join(warnings), data=summary)
    return Completed(message="all stages succeeded", data=summary)


def _refresh_run_name() -> str:
    parameters = flow_run.parameters
    as_of = parameters.get("as_of") or dt.datetime.now(dt.UTC).date()
    return f"refresh-as-of-{as_of}-{parameters.get('mode', 'bundled')}"


@flow(name="refresh", flow_run_name=_refresh_run_name)
def refresh_flow(
    home: str,
    as_of: dt.date | None = None,
    feeds: list[str] | None = None,
    mode: str = "bundled",
    lock_timeout_s: float = 600.0,
) -> State[Any]:
    settings = Settings.from_env(home)
    settings.ensure()
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    feed_ids = feeds or stages.default_feeds()
    parameters = {"as_of": as_of, "feeds": feed_ids, "mode": mode}
    with WriterLock(settings.lock_path, timeout_s=lock_timeout_s):
        log_id = _begin(settings, "refresh", parameters)
        status = "failed"
        warnings: list[str] = []
        rows: dict[str, Any] = {}
        try:
            ingested, warnings = _ingest_all(home, feed_ids, mode)
            rows["ingest"] = {i["feed"]: i.get("rows_loaded", 0) for i in ingested}
            _check_data_known(settings, as_of)
            marts = build_marts_task(home, as_of)
            rows["marts"] = marts["rows"]
            forecasts = _fit_forecasts(home, as_of)
            rows["forecasts"] = forecasts["rows"]
            run_id = forecasts["notes"][0]
            report_path = render_report_task(home, run_id, as_of)
            status = "partial" if warnings else "success"
            _end(settings, log_id, status, rows, warnings)
            published = publish_task(home)
        except BaseException as error:
            _end(settings, log_id, "failed", rows, [*warnings, f"{type(error).__name__}: {error}"])
            raise
    summary = {
        "status": status,
        "as_of": as_of.isoformat(),
        "ingested": ingested,
        "marts": marts,
        "forecasts": forecasts,
        "run_id": run_id,
        "report": report_path,
        "published": published,
        "warnings": warnings,
        "flow_run_log_id": log_id,
    }
    return _final_state(summary, warnings)


@flow(name="prices-daily", flow_run_name="prices-daily-{mode}")
def prices_daily_flow(
    home: str,
    feeds: list[str] | None = None,
    mode: str = "live",
    lock_timeout_s: float = 600.0,
) -> State[Any]:
    settings = Settings.from_env(home)
    settings.ensure()
    feed_ids = feeds or list(PRICE_AND_MODEL_FEEDS)
    with WriterLock(settings.lock_path, timeout_s=lock_timeout_s):
        log_id = _begin(settings, "prices-daily", {"feeds": feed_ids, "mode": mode})
        warnings: list[str] = []
        rows: dict[str, Any] = {}
        try:
            ingested, warnings = _ingest_all(home, feed_ids, mode)
            rows["ingest"] = {i["feed"]: i.get("rows_loaded", 0) for i in ingested}
            rows["marts"] = build_marts_task(home)["rows"]
            status = "partial" if warnings else "success"
            _end(settings, log_id, status, rows, warnings)
            published = publish_task(home)
        except BaseException as error:
            _end(settings, log_id, "failed", rows, [*warnings, f"{type(error).__name__}: {error}"])
            raise
    summary = {"status": status, "ingested": ingested, "published": published, "warnings": warnings}
    return _final_state(summary, warnings)


def task_runner(name: str) -> Any:
    """The task runner for the per-series forecast map: threads (default) or Dask.

    For Dask, INFERCAST_DASK_ADDRESS points at a running scheduler (tcp://host:8786);
    without it a local cluster is started for the run.
    """
    if name == "default":
        return None
    if name != "dask":
        raise ValueError(f"unknown task runner {name!r}; use default or dask")
    import os

    from prefect_dask import DaskTaskRunner

    address = os.environ.get("INFERCAST_DASK_ADDRESS")
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "dashboard_address": None})


def run_refresh(
    settings: Settings,
    as_of: dt.date | None = None,
    mode: str = "bundled",
    lock_timeout_s: float = 600.0,
    runner: str = "default",
) -> dict[str, Any]:
    effective_as_of = as_of or dt.datetime.now(dt.UTC).date()
    chosen = task_runner(runner)
    flow_to_run = refresh_flow.with_options(task_runner=chosen) if chosen is not None else refresh_flow
    state = flow_to_run(
        home=str(settings.home),
        as_of=effective_as_of,
        mode=mode,
        lock_timeout_s=lock_timeout_s,
        return_state=True,
    )
    result: dict[str, Any] = state.result()  # type: ignore[assignment]
    return result
