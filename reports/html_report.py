"""The HTML report: one self-contained file (inline CSS and SVG, nothing fetched).

`render_html` reads marts.* and forecast.* for one forecast run and returns the investor report:
cover with the data vintage, executive summary, warnings, one section per forecast family,
scenarios, claims, forecast accuracy, methodology and sources. A section whose tables are empty
for the run says "not available for this run: <reason>" instead of failing.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import jinja2
from markupsafe import Markup

from reports import formatting
from reports.context import NOT_AVAILABLE, ReportContext, feed_infos, load_run
from reports.sections import SECTIONS
from reports.sections.base import Chart, Section
from reports.sections.quality import warning_count
from warehouse.sqlfiles import read_sql

TEMPLATES = Path(__file__).parent / "templates"
TITLE = "Inference economics: token prices, compute, demand and reasoning adoption"


def _not_available(reason: str | None) -> Markup:
    return Markup('<p class="na">{}: {}.</p>').format(NOT_AVAILABLE, (reason or "no data").rstrip("."))


def _chart(chart: Chart) -> Markup:
    return Markup('<figure class="chart" aria-label="{}">{}</figure>\n<p class="source">{}</p>').format(
        chart.description, Markup(chart.svg), chart.source
    )


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(formatting.FILTERS)
    environment.globals.update(na=_not_available, chart=_chart, factor_ci=formatting.factor_range)
    return environment


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.sql(read_sql("latest_successful_run")).fetchall()
    return str(row[0][0]) if row else None


def build_sections(ctx: ReportContext) -> list[Section]:
    """Every section of the report; a section that fails to build becomes a visible placeholder."""
    sections: list[Section] = []
    problems: list[str] = []
    for section_id, title, builder in SECTIONS:
        try:
            sections.append(builder(ctx))
        except Exception as error:  # a broken section must not take the whole report down
            detail = f"{type(error).__name__}: {error}"
            problems.append(f"{title}: {detail}")
            placeholder = Section(section_id, title, "sections/placeholder.html.j2")
            placeholder.note("section", f"the section could not be built ({detail})")
            placeholder.data["traceback"] = traceback.format_exception_only(error)[-1].strip()
            sections.append(placeholder)
    by_id = {section.id: section for section in sections}
    quality = by_id.get("warnings")
    if quality is not None and "render_problems" in quality.data:
        quality.data["render_problems"] = problems
        if "executive-summary" in by_id:
            by_id["executive-summary"].data["warnings"] = warning_count(quality)
    return sections


def render_html(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    feeds: Sequence[Mapping[str, Any]] | None = None,
    generated_at: dt.datetime | None = None,
    citation: str | None = None,
    licence: str | None = None,
) -> str:
    """The report for forecast run `run_id`.

    `feeds` lists {feed, citation, licence, family} for every feed the pipeline knows (see
    sources.registry.FEEDS). `citation`/`licence` are the older single-feed form (credited to
    epoch_prices) and are used only when `feeds` is not given.
    """
    if feeds is None:
        feeds = [
            {"feed": "epoch_prices", "citation": citation or "", "licence": licence or "", "family": "token prices"}
        ]
    generated = generated_at or dt.datetime.now(dt.UTC)
    ctx = ReportContext(con=con, run=load_run(con, run_id), feeds=feed_infos(feeds), generated_at=generated)
    sections = build_sections(ctx)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=TITLE,
            run=ctx.run,
            generated_line=f"generated at {generated:%Y-%m-%d %H:%M} UTC",
            sections=sections,
            citation=ctx.citation,
        )
    )


def write_html(path: Path, html: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".html.tmp")
    temp.write_text(html, encoding="utf-8")
    temp.replace(path)
    return path


__all__ = ["TITLE", "build_sections", "latest_run_id", "render_html", "write_html"]
