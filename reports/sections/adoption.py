"""Reasoning (test-time compute) adoption: quarterly shares, the logistic S-curve and its forecast,
adoption-model parameters, and the reasoning token multiplier."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import polars as pl

from reports import charts
from reports import formatting as fmt
from reports.context import ReportContext, empty_note
from reports.sections.base import Chart, Headline, Section

TARGET = "reasoning_share"
COLOUR = "#9467bd"
# Quarterly shares describe releases spread over the quarter: they are drawn at its middle.
MID_QUARTER = dt.timedelta(days=45)
# Quarters shown before the first one with a reasoning release.
LEAD_QUARTERS = 8
# A headline share from fewer releases than this says so in the same sentence.
SMALL_SAMPLE = 20
DAYS_PER_YEAR = 365.25


def shown_quarters(quarters: pl.DataFrame) -> pl.DataFrame:
    """The quarters worth showing: from two years before the first reasoning release on."""
    known = quarters.filter(pl.col("n_flag_known") > 0)
    first = known.filter(pl.col("n_reasoning") > 0)["period"].min()
    if first is None:
        return known.tail(12)
    assert isinstance(first, dt.date)
    index = first.year * 12 + first.month - 1 - 3 * LEAD_QUARTERS
    start = dt.date(index // 12, index % 12 + 1, 1)
    return known.filter(pl.col("period") >= start)


def fit_parameters(ctx: ReportContext) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["model"], row["parameter"]): row for row in ctx.frame("adoption_fits", ctx.run_id).to_dicts()}


def logistic_curve(midpoint: dt.date, slope_per_year: float, start: dt.date, end: dt.date) -> tuple[list, list]:
    days = [start + dt.timedelta(days=int(d)) for d in np.linspace(0, (end - start).days, 120)]
    years = np.array([(day - midpoint).days / DAYS_PER_YEAR for day in days])
    return days, list(1.0 / (1.0 + np.exp(-slope_per_year * years)))


def adoption_chart(
    quarters: pl.DataFrame, values: pl.DataFrame, fits: dict[tuple[str, str], dict[str, Any]], as_of: dt.date
) -> charts.Drawing:
    fig, axis = charts.figure(10, 4.2)
    shown = quarters.filter(pl.col("share").is_not_null())
    days = [day + MID_QUARTER for day in shown["period"].to_list()]
    shares = shown["share"].to_list()
    low = [s - lo for s, lo in zip(shares, shown["share_min"].to_list(), strict=True)]
    high = [hi - s for s, hi in zip(shares, shown["share_max"].to_list(), strict=True)]
    sizes = [12 + 6 * math.sqrt(n) for n in shown["n_flag_known"].to_list()]
    axis.errorbar(days, shares, yerr=[low, high], fmt="none", ecolor="#999999", elinewidth=0.8, capsize=2, zorder=2)
    axis.scatter(days, shares, s=sizes, color=COLOUR, zorder=3, label="share of new releases that reason (size ∝ √n)")
    for day, share, n in zip(days, shares, shown["n_flag_known"].to_list(), strict=True):
        axis.annotate(f"n={n}", (day, share), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=6)
    fan = values.filter(pl.col("series_id") == "all").with_columns(pl.col("ds") + MID_QUARTER)
    charts.draw_fan(axis, fan, COLOUR)
    midpoint = fits.get(("logistic", "midpoint"))
    slope = fits.get(("logistic", "slope_per_year"))
    if midpoint and slope and midpoint["estimate_date"] and slope["estimate"] and days:
        # Over the observed quarters only: beyond them the curve runs to 100% above the forecast's
        # band, and the forecast is the band.
        curve_days, curve = logistic_curve(midpoint["estimate_date"], slope["estimate"], days[0], days[-1])
        axis.plot(curve_days, curve, color=COLOUR, linewidth=1.2, label="logistic fit (observed quarters)")
    if midpoint and midpoint["estimate_date"]:
        if midpoint["ci90_low_date"] and midpoint["ci90_high_date"]:
            axis.axvspan(
                midpoint["ci90_low_date"], midpoint["ci90_high_date"], color="#cccccc", alpha=0.35, linewidth=0
            )
        charts.vertical_marker(axis, midpoint["estimate_date"], f"50% midpoint {fmt.month(midpoint['estimate_date'])}")
    axis.axvline(as_of, color="#777777", linewidth=0.8, linestyle=":")  # type: ignore[arg-type]
    axis.axhline(0.5, color="#bbbbbb", linewidth=0.6)
    # Headroom above 100%: the n= labels of full quarters stay clear of the marker label at the top.
    axis.set_ylim(-0.03, 1.2)
    axis.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    axis.yaxis.set_major_formatter(lambda v, _p: f"{v * 100:.0f}%")
    axis.set_ylabel("share of new model releases (%)")
    charts.title(axis, "Reasoning models' share of new releases per quarter, logistic S-curve and forecast")
    charts.date_axis(axis, "date (quarterly shares drawn mid-quarter)")
    charts.legend_below(axis)
    return charts.drawing(fig)


def headline(ctx: ReportContext) -> Headline:
    topic = "Reasoning-model adoption"
    quarters = shown_quarters(ctx.frame("reasoning_quarters")).filter(pl.col("share").is_not_null())
    fits = fit_parameters(ctx)
    midpoint = fits.get(("logistic", "midpoint"))
    if quarters.height == 0 and midpoint is None:
        return Headline(
            topic, "reasoning-adoption", reason="marts.reasoning_adoption and forecast.adoption_fits are empty"
        )
    parts = []
    recent = fits.get(("recent_share", "share_recent_quarters"))
    if recent and recent["estimate"] is not None:
        # The headline is the pooled recent share, not the last quarter, which may hold 2 releases.
        parts.append(f"forecast share of new releases that reason: {recent['note'].removeprefix('the forecast: ')}")
    if quarters.height:
        last = quarters.row(-1, named=True)
        parts.append(
            "last quarter "
            f"{fmt.share(last['share'])} of new releases in {fmt.quarter(last['period'])} "
            f"({last['n_reasoning']} of {last['n_flag_known']} with a known flag"
            + (", fewer than 20 releases: a small sample)" if last["n_flag_known"] < SMALL_SAMPLE else ")")
        )
    if midpoint and midpoint["estimate_date"]:
        value_mid = (
            f"logistic 50% midpoint {fmt.month(midpoint['estimate_date'])} (90% CI "
            f"{fmt.month(midpoint['ci90_low_date'])} to {fmt.month(midpoint['ci90_high_date'])})"
        )
    else:
        value_mid = f"no logistic midpoint: {empty_note('forecast.adoption_fits', ctx.run_id)}"
    # The logistic curve's share extrapolated to the as-of date (100%, CI 99.9-100%) is left out: a
    # binomial CI on a dozen quarters, beyond the data, that contradicted the forecast beside it.
    uncertainty = [*parts[1:], value_mid]
    if quarters.height:
        last = quarters.row(-1, named=True)
        if last["n_unknown"]:
            uncertainty.append(
                f"{last['n_unknown']} releases with an unknown flag bound the quarter's share to "
                f"{fmt.share_range(last['share_min'], last['share_max'])}"
            )
    if midpoint and midpoint["estimate_date"]:
        crossed = midpoint["estimate_date"] <= ctx.run.as_of
    else:
        crossed = bool(quarters.height) and (quarters.row(-1, named=True)["share"] or 0) > 0.5
    meaning = (
        "Reasoning models are already the majority of new releases: test-time compute is becoming the default."
        if crossed
        else "Reasoning models are not yet the majority of new releases; the midpoint is when they are expected to be."
    )
    return Headline(
        topic,
        "reasoning-adoption",
        value=parts[0] if parts else value_mid,
        uncertainty="; ".join(uncertainty),
        basis=(
            f"{quarters['n_flag_known'].sum()} releases with a known flag over {quarters.height} quarters "
            f"({quarters['n_unknown'].sum()} more unknown); logistic = binomial GLM on the quarterly counts"
        ),
        meaning=meaning,
        source=f"marts.reasoning_adoption; forecast.adoption_fits, run {ctx.run_id}",
    )


def build(ctx: ReportContext) -> Section:
    section = Section("reasoning-adoption", "Reasoning adoption", "sections/adoption.html.j2")
    quarters = shown_quarters(ctx.frame("reasoning_quarters"))
    values = ctx.values(TARGET)
    fits = fit_parameters(ctx)
    source = ctx.citation(*[f for f in ("epoch_models", "litellm", "openrouter") if ctx.feed(f)] or ["epoch_models"])
    if quarters.height:
        section.data["chart"] = Chart(
            adoption_chart(quarters, values, fits, ctx.run.as_of),
            source
            + " Tables: marts.reasoning_adoption, forecast.adoption_fits, forecast.values (target reasoning_share).",
            "Share of new releases that are reasoning models, with logistic fit",
        )
        section.data["quarters"] = quarters.to_dicts()
    else:
        section.note("chart", "marts.reasoning_adoption has no quarterly rows with releases")
    if values.height == 0:
        section.note("forecast", empty_note("forecast.values", ctx.run_id, "for target reasoning_share"))
    section.data["fits"] = list(fits.values())
    if not fits:
        section.note("fits", empty_note("forecast.adoption_fits", ctx.run_id))
    section.data["multiplier"] = ctx.frame("token_multiplier", ctx.run_id).to_dicts()
    if not section.data["multiplier"]:
        section.note("multiplier", empty_note("forecast.token_multiplier", ctx.run_id))
    return section
