"""The pipeline's stages as plain functions (connection in, summary out).

Prefect tasks in flows.refresh wrap these; tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows.progress import report
from sources.registry import FEEDS, get_feed
from transforms.price_index import build_price_index
from transforms.tiers import DEFAULT_TIERS_FILE, read_tiers, resolve_thresholds
from warehouse.db import fetch_first
from warehouse.ingest import ingest_bundled, ingest_file, ingest_live
from warehouse.load import BatchResult
from warehouse.settings import Settings
from warehouse.sqlfiles import read_sql

PRICE_FORECAST_HORIZON_MONTHS = 24
# Bump when a change to models or transforms should make identical data give a new run.
METHOD_VERSION = "2"


@dataclass
class StageSummary:
    stage: str
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def ingest_feed(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    feed_id: str,
    *,
    file: Path | None = None,
    live: bool = False,
) -> dict[str, Any]:
    """Load a feed: a file in its live format, or its bundled history (plus a live fetch if asked).

    A live fetch that still fails after its retries leaves the feed's earlier data in place
    and is reported as a warning (the feed is stale); FeedError is raised for a payload that
    cannot be used at all.
    """
    feed = get_feed(feed_id)
    report(f"ingest {feed_id}")
    warnings: list[str] = []
    if file is not None:
        batches = [ingest_file(con, settings, feed, file)]
    else:
        batches = ingest_bundled(con, settings, feed)
        if live and feed.endpoints:
            outcome = ingest_live(con, settings, feed)
            batches += outcome.batches
            warnings += outcome.stale
    return summarize_batches(feed_id, batches, warnings)


def summarize_batches(feed_id: str, batches: list[BatchResult], warnings: list[str]) -> dict[str, Any]:
    return {
        "feed": feed_id,
        "status": "ok" if not warnings else "stale",
        "message": "; ".join(warnings),
        "warnings": [f"feed {feed_id} is stale: {w}" for w in warnings],
        "batches": [b.batch_id for b in batches],
        "rows_in": sum(b.rows_in for b in batches),
        "rows_loaded": sum(b.rows_loaded for b in batches),
        "rows_quarantined": sum(b.rows_quarantined for b in batches),
        "unchanged": all(b.status == "unchanged" for b in batches),
    }


def default_feeds() -> list[str]:
    return list(FEEDS)


def _replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("replacement_rows", frame)
    try:
        con.execute(f"delete from {table}")
        con.execute(f"insert into {table} by name select * from replacement_rows")
    finally:
        con.unregister("replacement_rows")


def build_marts(con: duckdb.DuckDBPyConnection, tiers_path: Path = DEFAULT_TIERS_FILE) -> StageSummary:
    """Rebuild marts.* from staging.* in one transaction."""
    report("build marts")
    prices = con.sql("select * from staging.token_prices").pl()
    capabilities = con.sql("select * from staging.model_capabilities").pl()
    tiers = resolve_thresholds(read_tiers(tiers_path), capabilities)
    last_observation = prices["observed_on"].max() if prices.height else None
    if last_observation is None:
        index = pl.DataFrame()
    else:
        end_month = dt.date(last_observation.year, last_observation.month, 1)
        index = build_price_index(prices, capabilities, tiers, end_month)
    con.execute("begin transaction")
    try:
        _replace_table(con, "marts.capability_tiers", tiers)
        if index.height:
            _replace_table(con, "marts.price_index", index)
        else:
            con.execute("delete from marts.price_index")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return StageSummary("marts", rows={"marts.price_index": index.height, "marts.capability_tiers": tiers.height})


def data_vintage(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return con.sql(read_sql("data_vintage")).pl().to_dicts()


def run_id_for(as_of: dt.date, vintage: list[dict[str, Any]], tiers_path: Path) -> str:
    fingerprint = json.dumps(
        {
            "as_of": as_of.isoformat(),
            "payloads": sorted(v["sha256"] for v in vintage),
            "tiers": hashlib.sha256(tiers_path.read_bytes()).hexdigest(),
            "method": METHOD_VERSION,
        },
        sort_keys=True,
    )
    return f"run-{as_of:%Y%m%d}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:10]}"


def fit_forecasts(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    tiers_path: Path = DEFAULT_TIERS_FILE,
) -> StageSummary:
    """Fit price forecasts and decline factors; a run on identical inputs is not repeated."""
    from forecasts.price_decline import forecast_price_index

    report("fit forecasts")
    vintage = data_vintage(con)
    run_id = run_id_for(as_of, vintage, tiers_path)
    summary = StageSummary("forecasts", notes=[run_id])
    done = fetch_first(con, "select count(*) from forecast.runs where run_id = ? and status = 'success'", [run_id])
    if done and done[0]:
        summary.notes.append("inputs unchanged since this run; reused")
        return summary
    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    index = con.sql("select * from marts.price_index").pl()
    result = forecast_price_index(index, PRICE_FORECAST_HORIZON_MONTHS)
    con.execute("begin transaction")
    try:
        con.execute("delete from forecast.values where run_id = ?", [run_id])
        con.execute("delete from forecast.decline_rates where run_id = ?", [run_id])
        con.execute("delete from forecast.runs where run_id = ?", [run_id])
        for table, frame in (
            ("forecast.values", result.values),
            ("forecast.decline_rates", result.declines),
        ):
            con.register("forecast_rows", frame.with_columns(run_id=pl.lit(run_id)))
            try:
                con.execute(f"insert into {table} by name select * from forecast_rows")
            finally:
                con.unregister("forecast_rows")
        message = "; ".join(f"{k}: {v}" for k, v in result.skipped.items())
        con.execute(
            "insert into forecast.runs (run_id, as_of, started_at, finished_at, data_vintage, "
            "status, message) values (?, ?, ?, ?, ?, 'success', ?)",
            [
                run_id,
                as_of,
                started_at,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                json.dumps(vintage, default=str),
                message or None,
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    summary.rows = {
        "forecast.values": result.values.height,
        "forecast.decline_rates": result.declines.height,
    }
    return summary


def render_reports(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> Path:
    from reports.html_report import render_html, write_html

    report("render report")
    feed = FEEDS["epoch_prices"]
    html = render_html(con, run_id, citation=feed.citation, licence=feed.licence)
    return write_html(settings.exports_dir / "infercast_report.html", html)
