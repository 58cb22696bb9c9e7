"""The cover's data vintage: per feed, the batches the run was built on and when they were
retrieved; per data family, the newest observation ("data through") and its age at the run's
as-of date, with the feeds stale by their freshness threshold (warehouse/data/freshness_thresholds.csv)."""

from __future__ import annotations

from typing import Any

from reports.context import ReportContext
from reports.sections.base import Section
from warehouse.sqlfiles import read_sql


def retrieval_kind(source: str) -> str:
    """What a batch's timestamp means: a live download, or when a file was read (not when it was made)."""
    if source.startswith(("http://", "https://")):
        return "downloaded from the live endpoint"
    if source.startswith("bundled:"):
        return "bundled snapshot read (the data are older; see Data sources)"
    return "file given with --file read"


def vintage_by_feed(ctx: ReportContext) -> list[dict[str, Any]]:
    feeds: dict[str, dict[str, Any]] = {}
    for entry in ctx.run.vintage:
        name = str(entry.get("feed", "(unknown feed)"))
        row = feeds.setdefault(
            name, {"feed": name, "batches": 0, "rows_loaded": 0, "fetched_at": "", "sha256": [], "how": []}
        )
        row["batches"] += 1
        how = retrieval_kind(str(entry.get("source") or ""))
        if how not in row["how"]:
            row["how"].append(how)
        row["rows_loaded"] += int(entry.get("rows_loaded") or 0)
        row["fetched_at"] = max(row["fetched_at"], str(entry.get("fetched_at") or ""))
        if entry.get("sha256"):
            row["sha256"].append(str(entry["sha256"])[:12])
    for row in feeds.values():
        info = ctx.feed(row["feed"])
        row["family"] = info.family if info else ""
        row["sha256"] = sorted(row["sha256"])
    return sorted(feeds.values(), key=lambda row: row["feed"])


def data_through(ctx: ReportContext) -> list[dict[str, Any]]:
    """Per data family: data_through, age_days at the run's as-of date, newest_feed, stale_feeds."""
    return ctx.query(read_sql("data_through_by_family"), ctx.run.as_of).to_dicts()


def build(ctx: ReportContext) -> Section:
    section = Section("data-vintage", "Data vintage", "sections/vintage.html.j2")
    section.data["data_through"] = data_through(ctx)
    section.data["feeds"] = vintage_by_feed(ctx)
    listed = {row["feed"] for row in section.data["feeds"]}
    section.data["missing_feeds"] = [f.feed for f in ctx.feeds if f.feed not in listed]
    if not section.data["feeds"]:
        section.note("feeds", f"forecast.runs records no data vintage for run {ctx.run_id}")
    return section
