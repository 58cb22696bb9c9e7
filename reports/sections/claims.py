"""The claims check: published quantitative claims against this run's estimates."""

from __future__ import annotations

from collections import Counter

from reports.context import ReportContext, empty_note
from reports.sections.base import Section

VERDICT_CLASSES = {
    "supported": "ok",
    "contradicted": "bad",
    "inconclusive": "meh",
}


def build(ctx: ReportContext) -> Section:
    section = Section("claims-check", "Claims check", "sections/claims.html.j2")
    rows = ctx.frame("claims", ctx.run_id).to_dicts()
    for row in rows:
        row["verdict_class"] = VERDICT_CLASSES.get(str(row["verdict"]).lower(), "na")
    section.data["rows"] = rows
    section.data["tally"] = sorted(Counter(str(row["verdict"]) for row in rows).items())
    if not rows:
        section.note("rows", empty_note("forecast.claims", ctx.run_id))
    return section
