"""The `refresh` Prefect flow: ingest -> marts -> forecasts -> report -> publish.

Each stage is a task that opens the working database itself, so a task can run in any
worker; the whole flow holds the writer lock, and the published copy is replaced only
after every stage has succeeded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import stages
from flows.progress import report
from sources.errors import FeedError
from warehouse.connection import open_work
from warehouse.lock import WriterLock
from warehouse.publish import publish
from warehouse.settings import Settings


@task(name="ingest", task_run_name="ingest-{feed_id}", cache_policy=NO_CACHE)
def ingest_task(home: str, feed_id: str) -> dict[str, Any]:
    settings = Settings.from_env(home)
    con = open_work(settings)
    try:
        batches = stages.ingest_feed(con, settings, feed_id)
    except FeedError as error:
        return {"feed": feed_id, "status": "failed", "message": str(error), "rows_loaded": 0}
    finally:
        con.close()
    return {
        "feed": feed_id,
        "status": "ok",
        "batches": [b.batch_id for b in batches],
        "rows_loaded": sum(b.rows_loaded for b in batches),
        "rows_quarantined": sum(b.rows_quarantined for b in batches),
        "unchanged": all(b.status == "unchanged" for b in batches),
    }


@task(name="build-marts", cache_policy=NO_CACHE)
def build_marts_task(home: str) -> dict[str, Any]:
    con = open_work(Settings.from_env(home))
    try:
        return stages.build_marts(con).__dict__
    finally:
        con.close()


@task(name="fit-forecasts", task_run_name="fit-forecasts-as-of-{as_of}", cache_policy=NO_CACHE)
def fit_forecasts_task(home: str, as_of: dt.date) -> dict[str, Any]:
    con = open_work(Settings.from_env(home))
    try:
        return stages.fit_forecasts(con, as_of).__dict__
    finally:
        con.close()


@task(name="render-report", cache_policy=NO_CACHE)
def render_report_task(home: str, run_id: str) -> str:
    settings = Settings.from_env(home)
    con = open_work(settings)
    try:
        return str(stages.render_reports(con, settings, run_id))
    finally:
        con.close()


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(home: str) -> str:
    report("publish")
    return str(publish(Settings.from_env(home)))


@flow(name="refresh", flow_run_name="refresh-as-of-{as_of}")
def refresh_flow(
    home: str,
    as_of: dt.date | None = None,
    feeds: list[str] | None = None,
    lock_timeout_s: float = 600.0,
) -> dict[str, Any]:
    settings = Settings.from_env(home)
    settings.ensure()
    effective_as_of = as_of or dt.datetime.now(dt.UTC).date()
    with WriterLock(settings.lock_path, timeout_s=lock_timeout_s):
        ingested = [ingest_task(home, feed_id) for feed_id in feeds or stages.default_feeds()]
        marts = build_marts_task(home)
        forecasts = fit_forecasts_task(home, effective_as_of)
        run_id = forecasts["notes"][0]
        report_path = render_report_task(home, run_id)
        published = publish_task(home)
    failed = [i for i in ingested if i["status"] != "ok"]
    return {
        "status": "partial" if failed else "success",
        "as_of": effective_as_of.isoformat(),
        "ingested": ingested,
        "marts": marts,
        "forecasts": forecasts,
        "run_id": run_id,
        "report": report_path,
        "published": published,
    }


def run_refresh(settings: Settings, as_of: dt.date | None = None) -> dict[str, Any]:
    effective_as_of = as_of or dt.datetime.now(dt.UTC).date()
    return refresh_flow(home=str(settings.home), as_of=effective_as_of)
