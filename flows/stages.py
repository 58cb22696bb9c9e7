"""The pipeline's stages as plain functions (connection in, summary out).

Prefect tasks in flows.refresh wrap these; tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows.progress import report
from sources.errors import FeedError
from sources.registry import FEEDS, get_feed
from transforms.price_plausibility import DEFAULT_RULES_FILE
from transforms.tiers import DEFAULT_TIERS_FILE
from warehouse.db import insert_frame
from warehouse.ingest import expand_paths, ingest_bundled, ingest_file, ingest_files, ingest_live
from warehouse.load import BatchResult
from warehouse.settings import Settings
from warehouse.sqlfiles import read_sql

# Bump when a change to models or transforms should make identical data give a new run
# (method_fingerprint also changes with their source, so an upgrade never reuses old fits).
METHOD_VERSION = "4"
METHOD_PACKAGES = ("forecasts", "transforms")
ALL_FORMATS = ("html", "pdf", "xlsx", "csv", "parquet")


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
    files: Sequence[Path] = (),
    live: bool = False,
    follow_symlinks: bool = False,
) -> dict[str, Any]:
    """Load a feed: files in its live format, or its bundled history (plus a live fetch if asked).

    `file` and `files` name files or directories (a directory stands for the files in it);
    several files load in one transaction, one batch each (warehouse.ingest.ingest_files).
    A live fetch that still fails after its retries leaves the feed's earlier data in place
    and is reported as a warning (the feed is stale); FeedError is raised for a payload that
    cannot be used at all.
    """
    feed = get_feed(feed_id)
    report(f"ingest {feed_id}")
    warnings: list[str] = []
    named = [*([file] if file is not None else []), *files]
    if named:
        try:
            paths = expand_paths(named, follow_symlinks=follow_symlinks)
        except FeedError as error:
            raise error.with_context(feed=feed_id) from None
        if not paths:
            raise FeedError("no files to load (the directory is empty)", feed=feed_id, source=str(named[0]))
        if len(paths) == 1:
            batches = [ingest_file(con, settings, feed, paths[0])]
        else:
            batches = ingest_files(con, settings, feed, paths)
    else:
        batches = ingest_bundled(con, settings, feed)
        if live and feed.endpoints:
            outcome = ingest_live(con, settings, feed)
            batches += outcome.batches
            warnings += outcome.stale
    summary = summarize_batches(feed_id, batches, warnings)
    if named:
        summary.update(count_files(batches))
    return summary


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


def count_files(batches: list[BatchResult]) -> dict[str, int]:
    """How many files a load of named files took, and how many of them were unchanged."""
    return {"files": len(batches), "files_unchanged": sum(b.status == "unchanged" for b in batches)}


def default_feeds() -> list[str]:
    return list(FEEDS)


def replace_tables(
    con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame], clear: list[str] | None = None
) -> None:
    """Replace the contents of several tables in one transaction (all or nothing)."""
    con.execute("begin transaction")
    try:
        for table in clear or []:
            con.execute(f"delete from {table}").fetchall()
        for table, frame in tables.items():
            con.execute(f"delete from {table}").fetchall()
            insert_frame(con, table, frame)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def data_vintage(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return con.sql(read_sql("data_vintage")).pl().to_dicts()


@functools.cache
def method_fingerprint() -> str:
    """sha256 over the source and data files of the packages that compute marts and forecasts."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in METHOD_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".sql", ".toml", ".csv", ".json"}:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def run_id_for(as_of: dt.date, vintage: list[dict[str, Any]], tiers_path: Path) -> str:
    fingerprint = json.dumps(
        {
            "as_of": as_of.isoformat(),
            "payloads": sorted(v["sha256"] for v in vintage),
            "tiers": hashlib.sha256(tiers_path.read_bytes()).hexdigest(),
            "method": METHOD_VERSION,
            "method_source": method_fingerprint(),
            # Other thresholds change which listings the declines rest on: a new run, not a reuse.
            "plausibility": hashlib.sha256(DEFAULT_RULES_FILE.read_bytes()).hexdigest(),
        },
        sort_keys=True,
    )
    return f"run-{as_of:%Y%m%d}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:10]}"


def fit_forecasts(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, tiers_path: Path = DEFAULT_TIERS_FILE
) -> StageSummary:
    """All forecast families for `as_of` (see flows.forecast_stage); reused when inputs are unchanged."""
    from flows.forecast_stage import fit_forecasts as fit_all

    return fit_all(con, as_of, tiers_path=tiers_path)


def build_marts(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> StageSummary:
    from flows.marts_stage import build_marts as build_all

    return build_all(con, as_of)


def feeds_provenance() -> list[dict[str, str]]:
    return [
        {"feed": f.feed_id, "citation": f.citation, "licence": f.licence, "family": f.family} for f in FEEDS.values()
    ]


def render_reports(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str,
    formats: tuple[str, ...] = ALL_FORMATS,
    out_dir: Path | None = None,
) -> Path:
    """Write the report and exports of a run; returns the HTML path (or the first file written)."""
    from reports.exports import write_all_exports

    report("render report and exports")
    written = write_all_exports(con, out_dir or settings.exports_dir, run_id, feeds_provenance(), formats=formats)
    if written.get("html"):
        return written["html"][0]
    return next(path for paths in written.values() for path in paths)
