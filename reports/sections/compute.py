"""Installed AI compute: history with its p5-p95 band, the forecast fan, and growth against anchors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from reports import charts
from reports import formatting as fmt
from reports.context import ReportContext, empty_note
from reports.sections.base import Chart, Headline, Section

TARGET = "installed_h100e"
VENDOR_COLOURS = {"all": "#1d1d1f", "Nvidia": "#4d9221", "Google": "#1f77b4", "AMD": "#d62728", "Amazon": "#ff7f0e"}
FEEDS = ("epoch_chips",)


def vendor_colour(vendor: str, number: int) -> str:
    return VENDOR_COLOURS.get(vendor, charts.colour(number + 4))


def installed_chart(history: pl.DataFrame, values: pl.DataFrame, as_of: dt.date) -> charts.Drawing:
    """One panel per vendor (all vendors first) on a shared log scale: one fan per panel."""
    groups = list(history.group_by("vendor", maintain_order=True))
    fig, axes = charts.panels(max(1, len(groups)))
    for number, (((vendor,), series), axis) in enumerate(zip(groups, axes, strict=False)):
        series = series.sort("quarter")
        colour = vendor_colour(str(vendor), number)
        days = series["quarter"].to_list()
        p50 = series["installed_h100e_p50"].to_list()
        axis.fill_between(
            days,
            series["installed_h100e_p5"].to_list(),
            series["installed_h100e_p95"].to_list(),
            color=colour,
            alpha=0.15,
            linewidth=0,
        )
        axis.plot(days, p50, color=colour, linewidth=1.6, marker="o", markersize=2.5)
        charts.draw_fan(axis, values.filter(pl.col("series_id") == vendor), colour, anchor=charts.last_point(days, p50))
        charts.log_time_panel(
            axis,
            ylabel="installed H100-equivalents (log)",
            heading="All vendors" if vendor == "all" else str(vendor),
            date_label="quarter (end-of-quarter stock)",
            as_of=as_of,
            si=True,
        )
    history_handles = [
        Line2D([], [], color="#555555", linewidth=1.6, marker="o", markersize=2.5, label="median (history)"),
        Patch(facecolor="#555555", alpha=0.15, label="p5–p95 (history)"),
    ]
    charts.panel_legend(fig, history_handles)
    return charts.drawing(fig, tight=False)


def latest_by_vendor(history: pl.DataFrame) -> list[dict[str, Any]]:
    latest = history.sort("quarter").group_by("vendor", maintain_order=True).last()
    return latest.sort(pl.col("vendor") != "all", "vendor").to_dicts()


def growth_rows(ctx: ReportContext, target: str = TARGET) -> list[dict[str, Any]]:
    rows = ctx.frame("growth_rates", ctx.run_id, target).to_dicts()
    for row in rows:
        anchor = row["anchor_factor_per_year"]
        row["anchor_outside_ci"] = anchor is not None and not row["ci90_low"] <= anchor <= row["ci90_high"]
        if anchor is None:
            row["versus_anchor"] = ""
        elif not row["anchor_outside_ci"]:
            row["versus_anchor"] = "consistent (anchor inside the 90% CI)"
        elif anchor < row["ci90_low"]:
            row["versus_anchor"] = "faster than the anchor"
        else:
            row["versus_anchor"] = "slower than the anchor"
    return rows


def headline(ctx: ReportContext) -> Headline:
    topic = "Installed AI compute (all vendors)"
    history = ctx.frame("installed_history")
    total = history.filter(pl.col("vendor") == "all").sort("quarter")
    if total.height == 0:
        return Headline(topic, "installed-compute", reason="marts.installed_compute has no rows for vendor 'all'")
    last = total.row(-1, named=True)
    growth = {row["series_id"]: row for row in growth_rows(ctx)}
    overall = growth.get("all")
    value = (
        f"{fmt.si(last['installed_h100e_p50'])} H100e at the end of {fmt.quarter(last['quarter'])} "
        f"(p5–p95 {fmt.si_range(last['installed_h100e_p5'], last['installed_h100e_p95'])})"
    )
    if overall is None:
        return Headline(
            topic,
            "installed-compute",
            value=value,
            uncertainty=f"growth factor {empty_note('forecast.growth_rates', ctx.run_id, 'for installed_h100e/all')}",
            basis=f"{total.height} quarters of Monte Carlo stock estimates",
            meaning="The installed base is shown without a growth estimate in this run.",
            source="marts.installed_compute",
        )
    anchors = []
    for series_id in ("all", "Nvidia"):
        row = growth.get(series_id)
        if row and row["anchor_factor_per_year"] is not None:
            anchors.append(
                f"{'all vendors' if series_id == 'all' else series_id} {fmt.factor(row['factor_per_year'])} "
                f"(90% CI {fmt.factor_range(row['ci90_low'], row['ci90_high'])}) vs published "
                f"{fmt.factor(row['anchor_factor_per_year'])}"
            )
    comparison = "; ".join(anchors) if anchors else "no published anchor recorded with this run's growth rates"
    verdict = overall["versus_anchor"] or "not compared with a published anchor"
    # A vendor that disagrees with its own published anchor is said in the same sentence, so the
    # all-vendor "consistent" is not read as covering it.
    departures = [
        f"{series_id} alone grows {fmt.factor(row['factor_per_year'])}, {row['versus_anchor']} "
        f"(published {fmt.factor(row['anchor_factor_per_year'])}, outside the 90% CI)"
        for series_id, row in growth.items()
        if series_id != "all" and row["anchor_outside_ci"]
    ]
    return Headline(
        topic,
        "installed-compute",
        value=value,
        uncertainty=(
            f"growth {fmt.factor(overall['factor_per_year'])} per year "
            f"(90% CI {fmt.factor_range(overall['ci90_low'], overall['ci90_high'])}); {comparison}"
        ),
        basis=(
            f"n = {overall['n']} quarters, {fmt.month(overall['start_date'])} to {fmt.month(overall['end_date'])}; "
            "stock of shipments over a service life, Monte Carlo over shipment uncertainty"
        ),
        meaning=(
            f"The installed base of AI accelerators multiplies by about {fmt.factor(overall['factor_per_year'])} "
            f"a year, {verdict}" + "".join(f"; {departure}" for departure in departures) + "."
        ),
        source=f"marts.installed_compute; forecast.growth_rates (target installed_h100e), run {ctx.run_id}",
    )


def build(ctx: ReportContext) -> Section:
    section = Section("installed-compute", "Installed AI compute", "sections/compute.html.j2")
    history = ctx.frame("installed_history")
    values = ctx.values(TARGET)
    if history.height:
        section.data["chart"] = Chart(
            installed_chart(history, values, ctx.run.as_of),
            ctx.citation(*FEEDS) + " Tables: marts.installed_compute, forecast.values (target installed_h100e).",
            "Installed H100-equivalents by vendor",
        )
        section.data["latest"] = latest_by_vendor(history)
        section.data["service_life"] = history["service_life_years"].drop_nulls().unique().sort().to_list()
    else:
        section.note("chart", "marts.installed_compute has no rows")
    if values.height == 0:
        section.note("forecast", empty_note("forecast.values", ctx.run_id, "for target installed_h100e"))
    section.data["growth"] = growth_rows(ctx)
    if not section.data["growth"]:
        section.note("growth", empty_note("forecast.growth_rates", ctx.run_id, "for target installed_h100e"))
    return section
