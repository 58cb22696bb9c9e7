"""The HTML report: one self-contained file (inline CSS and SVG, nothing fetched).

`render_html` reads marts.* and forecast.* for one forecast run and returns the investor report:
cover with the data vintage, executive summary, warnings, one section per forecast family,
scenarios, claims, forecast accuracy, methodology and sources. A section whose tables are empty
for the run says "not available for this run: <reason>" instead of failing.

`build_report` does the work once and renders it for either medium: "screen" (the HTML file) or
"print" (the input of the PDF: the same document, with each chart an SVG image whose text is
text; see reports.charts.Drawing).
"""

from __future__ import annotations

import base64
import datetime as dt
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

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


Media = Literal["screen", "print"]


def _chart(chart: Chart) -> Markup:
    return Markup('<figure class="chart" aria-label="{}">{}</figure>\n<p class="source">{}</p>').format(
        chart.description, Markup(chart.drawing.svg("paths")), chart.source
    )


def _print_chart(chart: Chart) -> Markup:
    # An <img>, not inline SVG: WeasyPrint would otherwise run the page's CSS cascade over every
    # SVG node as if it were HTML (slow, and a warning per SVG style attribute it does not know).
    data = base64.b64encode(chart.drawing.svg("text").encode("utf-8")).decode("ascii")
    return Markup(
        '<figure class="chart"><img src="data:image/svg+xml;base64,{}" alt="{}"></figure>\n<p class="source">{}</p>'
    ).format(data, chart.description, chart.source)


CHART_MARKUP = {"screen": _chart, "print": _print_chart}


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


def _charts(sections: Sequence[Section]) -> list[Chart]:
    """Every chart a section holds, alone or in a list (the price index has one per benchmark)."""
    found: list[Chart] = []
    for section in sections:
        for value in section.data.values():
            items = value if isinstance(value, list) else [value]
            found += [item for item in items if isinstance(item, Chart)]
    return found


class Report:
    """A run's report, built once (queries run, charts drawn) and rendered per medium.

    Chart figures stay open until `close()` (or the end of a `with` block), so each medium's SVG
    is made only when that medium is rendered.
    """

    def __init__(self, ctx: ReportContext, sections: list[Section]) -> None:
        self.ctx = ctx
        self.sections = sections

    def html(self, media: Media = "screen") -> str:
        return (
            _environment()
            .get_template("report.html.j2")
            .render(
                title=TITLE,
                run=self.ctx.run,
                generated_line=f"generated at {self.ctx.generated_at:%Y-%m-%d %H:%M} UTC",
                sections=self.sections,
                citation=self.ctx.citation,
                chart=CHART_MARKUP[media],
            )
        )

    def close(self) -> None:
        for chart in _charts(self.sections):
            chart.drawing.close()

    def __enter__(self) -> Report:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def build_report(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    feeds: Sequence[Mapping[str, Any]] | None = None,
    generated_at: dt.datetime | None = None,
    citation: str | None = None,
    licence: str | None = None,
) -> Report:
    """The report for forecast run `run_id`, ready to render; close it (or use `with`) when done.

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
    return Report(ctx, sections)


def render_html(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    feeds: Sequence[Mapping[str, Any]] | None = None,
    generated_at: dt.datetime | None = None,
    citation: str | None = None,
    licence: str | None = None,
    media: Media = "screen",
) -> str:
    """The report for forecast run `run_id` as HTML for `media` (see `build_report`)."""
    with build_report(
        con, run_id, feeds=feeds, generated_at=generated_at, citation=citation, licence=licence
    ) as report:
        return report.html(media)


def write_html(path: Path, html: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".html.tmp")
    temp.write_text(html, encoding="utf-8")
    temp.replace(path)
    return path


__all__ = ["TITLE", "Report", "build_report", "build_sections", "latest_run_id", "render_html", "write_html"]
