"""Token demand: reported tokens per day by company (sparse points), projections and growth."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from matplotlib.lines import Line2D

from forecasts.usage_family import MIN_REPORTS, POOLED_SERIES_ID, demand_histories
from reports import charts
from reports import formatting as fmt
from reports.context import ReportContext, empty_note
from reports.sections.base import Chart, Headline, Section
from reports.sections.compute import growth_rows

TARGET = "token_demand"


def demand_chart(reports: pl.DataFrame, values: pl.DataFrame, as_of: dt.date) -> charts.Drawing:
    """One panel per company on a shared log scale: its reports (points) and its projection (fan)."""
    companies = reports["company"].unique(maintain_order=True).to_list()
    fig, axes = charts.panels(max(1, len(companies)))
    for number, (company, axis) in enumerate(zip(companies, axes, strict=False)):
        points = reports.filter(pl.col("company") == company).sort("observed_on")
        colour = charts.colour(number)
        axis.scatter(points["observed_on"].to_list(), points["tokens_per_day"].to_list(), color=colour, s=22, zorder=3)
        charts.draw_fan(axis, values.filter(pl.col("series_id") == company), colour)
        products = points["product"].n_unique()
        charts.log_time_panel(
            axis,
            ylabel="tokens per day (log)",
            heading=f"{company} ({reports_of(points.height)}" + (f", {products} products)" if products > 1 else ")"),
            date_label="date of the report",
            as_of=as_of,
            si=True,
        )
    charts.panel_legend(
        fig, [Line2D([], [], color="#555555", marker="o", linestyle="none", label="reported tokens per day")]
    )
    return charts.drawing(fig, tight=False)


def reports_of(n: int) -> str:
    return f"{n} report{'' if n == 1 else 's'}"


def sparsity(reports: pl.DataFrame, growth: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """How few reports there are, per company: all of them enter the pooled fit and the projections,
    but a company's own growth fit (forecasts.usage_family) takes one product's, its most-reported."""
    per_company = reports.group_by("company").len().sort("len", "company", descending=[True, False])
    histories = demand_histories(reports)
    fitted = {row["series_id"] for row in growth or [] if row["series_id"] != POOLED_SERIES_ID}
    companies = []
    for company, n in per_company.rows():
        products = reports.filter(pl.col("company") == company)["product"].n_unique()
        companies.append(
            {
                "company": company,
                "reports": n,
                "products": products,
                "of_one_product": histories[company].height,
                "own_fit": company in fitted,
            }
        )
    return {
        "reports": reports.height,
        "companies": per_company.height,
        "first": reports["observed_on"].min(),
        "last": reports["observed_on"].max(),
        "per_company": per_company.rows(),
        "by_company": companies,
        "own_fits": [row["company"] for row in companies if row["own_fit"]],
        "no_own_fit": [row for row in companies if not row["own_fit"]],
        "min_reports": MIN_REPORTS,
    }


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def own_fit_text(facts: dict[str, Any]) -> str:
    """Which companies have a growth fit of their own, in words: it needs MIN_REPORTS reports of one product."""
    fitted, unfitted = facts["own_fits"], facts["no_own_fit"]
    need = f"{facts['min_reports']} or more reports of one product"
    if not fitted:
        return f"no company has {need}, so none has a growth fit of its own"
    one = len(fitted) == 1
    text = f"{len(fitted)} compan{'y' if one else 'ies'} ({', '.join(fitted)}) ha{'s' if one else 've'} {need}, "
    text += f"so a growth fit of {'its' if one else 'their'} own"
    if unfitted:
        most = max(row["of_one_product"] for row in unfitted)
        text += (
            f"; {_names([row['company'] for row in unfitted])} ha{'s' if len(unfitted) == 1 else 've'} "
            f"at most {reports_of(most)} of any one product, so none"
        )
    return text


def headline(ctx: ReportContext) -> Headline:
    topic = "Token demand growth"
    reports = ctx.frame("token_demand")
    growth = growth_rows(ctx, TARGET)
    if not growth:
        reason = empty_note("forecast.growth_rates", ctx.run_id, "for target token_demand")
        if reports.height:
            reason += f" ({reports.height} reports in marts.token_demand)"
        return Headline(topic, "token-demand", reason=reason)
    best = sorted(growth, key=lambda row: (-row["n"], -row["factor_per_year"], row["series_id"]))[0]
    facts = sparsity(reports, growth) if reports.height else None
    sparse = (
        f"only {facts['reports']} reports from {facts['companies']} companies ({fmt.month(facts['first'])} to "
        f"{fmt.month(facts['last'])}); {own_fit_text(facts)}"
        if facts
        else "marts.token_demand is empty"
    )
    others = [
        f"{row['series_id']} {fmt.factor(row['factor_per_year'])} (n = {row['n']})" for row in growth if row is not best
    ]
    return Headline(
        topic,
        "token-demand",
        value=f"{best['series_id']}: {fmt.factor(best['factor_per_year'])} per year",
        uncertainty=(
            f"90% CI {fmt.factor_range(best['ci90_low'], best['ci90_high'])}"
            + (f"; other companies: {', '.join(others)}" if others else "")
        ),
        basis=(f"n = {best['n']} reports, {fmt.day(best['start_date'])} to {fmt.day(best['end_date'])}; {sparse}"),
        meaning=(
            f"Reported token volumes grow roughly {fmt.factor(best['factor_per_year'])} a year, but from a handful "
            "of self-reported figures, so treat this as indicative rather than measured."
        ),
        source=f"marts.token_demand; forecast.growth_rates (target token_demand), run {ctx.run_id}",
    )


def build(ctx: ReportContext) -> Section:
    section = Section("token-demand", "Token demand", "sections/demand.html.j2")
    reports = ctx.frame("token_demand")
    values = ctx.values(TARGET)
    if reports.height:
        section.data["chart"] = Chart(
            demand_chart(reports, values, ctx.run.as_of),
            ctx.citation("epoch_usage") + " Tables: marts.token_demand, forecast.values (target token_demand).",
            "Reported tokens per day by company",
        )
        section.data["reports"] = reports.sort("observed_on", "company").to_dicts()
    else:
        section.note("chart", "marts.token_demand has no rows")
    if values.height == 0:
        section.note("forecast", empty_note("forecast.values", ctx.run_id, "for target token_demand"))
    section.data["growth"] = growth_rows(ctx, TARGET)
    if reports.height:
        section.data["sparsity"] = facts = sparsity(reports, section.data["growth"])
        section.data["own_fit_text"] = own_fit_text(facts)
    if not section.data["growth"]:
        section.note("growth", empty_note("forecast.growth_rates", ctx.run_id, "for target token_demand"))
    return section
