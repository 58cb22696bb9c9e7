"""Data sources: per feed its citation, licence and retrieval dates; per batch where it came from."""

from __future__ import annotations

from typing import Any

from reports.context import ReportContext
from reports.provenance import batch_provenance, run_info
from reports.sections.base import Section


def build(ctx: ReportContext) -> Section:
    section = Section("data-sources", "Data sources and licences", "sections/sources.html.j2")
    credits = [{"feed": f.feed, "citation": f.citation, "licence": f.licence} for f in ctx.feeds]
    batches = batch_provenance(ctx.con, credits, run_info(ctx.con, ctx.run_id))
    feeds: dict[str, dict[str, Any]] = {}
    for item in batches:
        info = ctx.feed(item.feed)
        row = feeds.setdefault(
            item.feed,
            {
                "feed": item.feed,
                "family": info.family if info else "",
                "citation": item.citation,
                "licence": item.licence,
                "sources": 0,
                "rows_loaded": 0,
                "first_fetch": None,
                "last_fetch": None,
                "used": False,
            },
        )
        if item.batch_id is None:
            continue
        row["sources"] += 1
        row["rows_loaded"] += item.rows_loaded or 0
        if item.fetched_at is not None:
            row["first_fetch"] = min(filter(None, (row["first_fetch"], item.fetched_at)))
            row["last_fetch"] = max(filter(None, (row["last_fetch"], item.fetched_at)))
        row["used"] = row["used"] or bool(item.used_by_run)
    section.data["feeds"] = list(feeds.values())
    section.data["batches"] = [b for b in batches if b.batch_id is not None]
    if not batches:
        section.note("feeds", "meta.ingest_batches has no loaded batch and no feed list was given")
    return section
