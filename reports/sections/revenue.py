"""NVIDIA data-center revenue: quarterly history, forecast fan, growth and the unit reconciliation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from reports import charts
from reports import formatting as fmt
from reports.context import ReportContext, empty_note
from reports.sections.base import Chart, Headline, Section
from reports.sections.compute import growth_rows
from transforms.revenue import RECONCILIATION_TOLERANCE

TARGET = "nvidia_datacenter_revenue"
COLOUR = "#4d9221"


def revenue_chart(history: pl.DataFrame, values: pl.DataFrame, as_of: dt.date) -> charts.Drawing:
    fig, axis = charts.figure(10, 3.8)
    series = history.filter(pl.col("datacenter_revenue_usd").is_not_null()).sort("calendar_quarter")
    days, revenue = series["calendar_quarter"].to_list(), series["datacenter_revenue_usd"].to_list()
    axis.plot(
        days, revenue, color=COLOUR, marker="o", markersize=3, linewidth=1.6, label="reported data-center revenue"
    )
    charts.draw_fan(
        axis, values.filter(pl.col("series_id") == "Nvidia"), COLOUR, anchor=charts.last_point(days, revenue)
    )
    axis.set_yscale("log")
    charts.si_axis(axis, "$")
    axis.set_ylabel("USD per quarter (log scale)")
    charts.title(axis, "NVIDIA data-center revenue per quarter, with forecast fan")
    charts.date_axis(axis, "calendar quarter of the fiscal quarter's midpoint")
    charts.vertical_marker(axis, as_of, f"as of {as_of}")
    charts.legend_below(axis)
    return charts.drawing(fig)


def _latest_year_clause(history: pl.DataFrame, growth: dict[str, Any]) -> str:
    """The latest year-on-year growth beside the fitted rate: a trend fitted over the 2023 step
    (2.4x) read as if it were this year's pace, which the last four quarters (1.7x) are not."""
    if history.height < 5:
        return ""
    last, year_before = history.row(-1, named=True), history.row(-5, named=True)
    if str(last["fiscal_quarter"])[-2:] != str(year_before["fiscal_quarter"])[-2:]:
        return ""  # a gap in the quarters: the row four back is not the same quarter a year earlier
    latest = last["datacenter_revenue_usd"] / year_before["datacenter_revenue_usd"]
    clause = (
        f"; the latest year grew {fmt.factor(latest)} ({fmt.usd(year_before['datacenter_revenue_usd'])} in "
        f"{year_before['fiscal_quarter']} to {fmt.usd(last['datacenter_revenue_usd'])} in {last['fiscal_quarter']})"
    )
    if latest < growth["ci90_low"]:
        clause += (
            ", below the fitted rate's 90% CI: the fit spans earlier, faster years, so it overstates the latest pace"
        )
    elif latest > growth["ci90_high"]:
        clause += ", above the fitted rate's 90% CI"
    return clause


def headline(ctx: ReportContext) -> Headline:
    topic = "NVIDIA data-center revenue"
    history = ctx.frame("revenue_history").filter(pl.col("datacenter_revenue_usd").is_not_null())
    if history.height == 0:
        return Headline(topic, "nvidia-revenue", reason="marts.revenue_reconciliation has no data-center revenue")
    last = history.row(-1, named=True)
    growth = next((row for row in growth_rows(ctx, TARGET) if row["series_id"] == "Nvidia"), None)
    if growth is None:
        uncertainty = empty_note("forecast.growth_rates", ctx.run_id, f"for {TARGET}")
        meaning = "Reported revenue is shown without a growth estimate in this run."
        basis = f"{history.height} fiscal quarters reported"
    else:
        uncertainty = (
            f"growth {fmt.factor(growth['factor_per_year'])} per year "
            f"(90% CI {fmt.factor_range(growth['ci90_low'], growth['ci90_high'])})"
        )
        basis = f"n = {growth['n']} quarters, {fmt.month(growth['start_date'])} to {fmt.month(growth['end_date'])}"
        meaning = (
            f"Spending on NVIDIA data-center hardware multiplies by about {fmt.factor(growth['factor_per_year'])} "
            "a year, the money side of the installed-compute growth" + _latest_year_clause(history, growth) + "."
        )
    return Headline(
        topic,
        "nvidia-revenue",
        value=f"{fmt.usd(last['datacenter_revenue_usd'])} in fiscal {last['fiscal_quarter']} (to {last['period_end']})",
        uncertainty=uncertainty,
        basis=basis,
        meaning=meaning,
        source=f"marts.revenue_reconciliation; forecast.growth_rates (target {TARGET}), run {ctx.run_id}",
    )


def build(ctx: ReportContext) -> Section:
    section = Section("nvidia-revenue", "NVIDIA data-center revenue", "sections/revenue.html.j2")
    history = ctx.frame("revenue_history")
    values = ctx.values(TARGET)
    if history.filter(pl.col("datacenter_revenue_usd").is_not_null()).height:
        section.data["chart"] = Chart(
            revenue_chart(history, values, ctx.run.as_of),
            ctx.citation("nvidia_revenue")
            + f" Tables: marts.revenue_reconciliation, forecast.values (target {TARGET}).",
            "NVIDIA data-center revenue per quarter",
        )
        section.data["reconciliation"] = history.to_dicts()
        section.data["tolerance"] = RECONCILIATION_TOLERANCE
    else:
        section.note("chart", "marts.revenue_reconciliation has no data-center revenue")
    if values.height == 0:
        section.note("forecast", empty_note("forecast.values", ctx.run_id, f"for target {TARGET}"))
    section.data["growth"] = growth_rows(ctx, TARGET)
    if not section.data["growth"]:
        section.note("growth", empty_note("forecast.growth_rates", ctx.run_id, f"for target {TARGET}"))
    return section
