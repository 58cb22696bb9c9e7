"""Price decline factors per capability tier (both methods), their sensitivity, and the headline."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

import polars as pl

from reports import formatting as fmt
from reports.charts import BENCHMARK_LABELS
from reports.context import ReportContext, empty_note
from reports.sections.base import Headline, Section

PUBLISHED_METHOD = "frontier_lows_ols"
INDEX_METHOD = "monthly_index_loglinear_ols_hac"
POOLED_METHOD = "step_decline_pooled"
METHOD_LABELS = {
    PUBLISHED_METHOD: "new price lows among qualifying models (published method)",
    INDEX_METHOD: "log-linear trend of the monthly price index (HAC)",
    POOLED_METHOD: "new lows of the monthly index, tiers pooled (the step-decline price model's rates)",
}


def declines(ctx: ReportContext) -> pl.DataFrame:
    return ctx.frame("decline_rates", ctx.run_id)


def _method_cells(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: row[k] for k in ("factor_per_year", "ci90_low", "ci90_high", "n", "start_date", "end_date", "r_squared")}


def decline_table(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """One row per tier with the published method's and the index trend's factor side by side."""
    rows: dict[str, dict[str, Any]] = {}
    for row in frame.to_dicts():
        tier = rows.setdefault(
            row["tier_id"],
            {
                "tier_id": row["tier_id"],
                "label": row["label"],
                "benchmark": BENCHMARK_LABELS.get(row["benchmark"], row["benchmark"]),
                "threshold_model": row["threshold_model"],
                "threshold_score": row["threshold_score"],
                "published": None,
                "index": None,
                "pooled": None,
                "other": [],
            },
        )
        if row["method"] == PUBLISHED_METHOD:
            tier["published"] = _method_cells(row)
        elif row["method"] == INDEX_METHOD:
            tier["index"] = _method_cells(row)
        elif row["method"] == POOLED_METHOD:
            tier["pooled"] = _method_cells(row)
        else:
            tier["other"].append(
                f"{row['method']}: {fmt.factor(row['factor_per_year'])} "
                f"{fmt.factor_range(row['ci90_low'], row['ci90_high'])}"
            )
    return list(rows.values())


@dataclass(frozen=True)
class ForecastImplied:
    """What the price forecasts themselves say over the 12 months after each tier's latest price."""

    factor_median: float  # median over tiers of latest price / forecast median 12 months on
    n_tiers: int
    latest_month: dt.date
    models: str  # the forecast models behind it, with how many tiers each ("drift_rw for 21")


def forecast_implied(ctx: ReportContext, tier_ids: list[str]) -> ForecastImplied | None:
    """The decline the published price forecasts imply for `tier_ids`: each series' champion model,
    chosen by backtest, which need not be the pooled step model whose rate the headline states."""
    history = ctx.frame("price_index_history").filter(pl.col("tier_id").is_in(tier_ids))
    latest = (
        history.sort("month")
        .group_by("tier_id")
        .agg(
            pl.col("month").last().alias("latest_month"), pl.col("cheapest_blended_usd_per_mtok").last().alias("latest")
        )
    )
    ahead = latest.with_columns(ds=pl.col("latest_month").dt.offset_by("12mo")).join(
        ctx.values("price_index"), left_on=["tier_id", "ds"], right_on=["series_id", "ds"], how="inner"
    )
    ahead = ahead.filter(pl.col("median") > 0)
    if ahead.height == 0:
        return None
    counts = ahead.group_by("model").len().sort(["len", "model"], descending=[True, False])
    return ForecastImplied(
        factor_median=statistics.median((ahead["latest"] / ahead["median"]).to_list()),
        n_tiers=ahead.height,
        latest_month=max(ahead["latest_month"].to_list()),
        models=", ".join(f"{model} for {fmt.count(n)}" for model, n in counts.iter_rows()),
    )


def _forecast_sentence(implied: ForecastImplied | None, measured: float) -> str:
    if implied is None:
        return "; this run has no price forecast 12 months after the latest price to compare with."
    ratio = implied.factor_median / measured
    pace = "a slower decline" if ratio < 0.9 else "a faster decline" if ratio > 1.1 else "about the same pace"
    return (
        f"; the price forecasts, each tier's model chosen by backtest ({implied.models} of {implied.n_tiers} tiers),"
        f" imply {pace}: a median {fmt.factor(implied.factor_median)} over the 12 months after the latest price"
        f" ({fmt.month(implied.latest_month)}), so $1 then becomes about {fmt.price(1 / implied.factor_median)}."
    )


def headline(ctx: ReportContext) -> Headline:
    topic = "Price decline at constant capability"
    frame = declines(ctx)
    # The headline is the rate the price forecast is built from, so the two cannot disagree.
    method = POOLED_METHOD
    chosen = frame.filter(pl.col("method") == POOLED_METHOD)
    caveat = ""
    if chosen.height == 0:
        method = PUBLISHED_METHOD
        chosen = frame.filter(pl.col("method") == PUBLISHED_METHOD)
        caveat = "; the pooled step-decline rates have no result in this run, so this is the published method"
    if chosen.height == 0:
        chosen = frame.filter(pl.col("method") == INDEX_METHOD)
        method = INDEX_METHOD
        caveat = "; the published frontier-lows method has no result in this run, so this is the index trend"
    if chosen.height == 0:
        return Headline(topic, "decline-factors", reason=empty_note("forecast.decline_rates", ctx.run_id))
    # The headline stays on the published table's tiers, so it compares with the published median;
    # the tiers added since (o1 level, ECI, Artificial Analysis) are in the section's table.
    reproduced = ctx.frame("published_reproduction", ctx.run_id)
    published_tiers = chosen.filter(pl.col("tier_id").is_in(reproduced["tier_id"].to_list()))
    others = chosen.height - published_tiers.height
    if published_tiers.height and others:
        named = chosen.filter(~pl.col("tier_id").is_in(published_tiers["tier_id"].to_list()))["label"].to_list()
        chosen = published_tiers
        caveat += f"; the {others} other tier(s) with a result ({', '.join(sorted(named))}) are in the table"
    factors = chosen["factor_per_year"].to_list()
    median = statistics.median(factors)
    low_tier = chosen.sort("factor_per_year").row(0, named=True)
    high_tier = chosen.sort("factor_per_year").row(-1, named=True)
    typical_low = statistics.median(chosen["ci90_low"].to_list())
    typical_high = statistics.median(chosen["ci90_high"].to_list())
    return Headline(
        topic,
        "decline-factors",
        value=f"{fmt.factor(median)} per year (median of {chosen.height} tiers)",
        uncertainty=(
            f"typical 90% CI {fmt.factor_range(typical_low, typical_high)} (medians of the tiers' bounds); "
            f"range across tiers {fmt.factor(low_tier['factor_per_year'])} ({low_tier['label']}, 90% CI "
            f"{fmt.factor_range(low_tier['ci90_low'], low_tier['ci90_high'])}) to "
            f"{fmt.factor(high_tier['factor_per_year'])} ({high_tier['label']}, 90% CI "
            f"{fmt.factor_range(high_tier['ci90_low'], high_tier['ci90_high'])})"
        ),
        basis=(
            f"{METHOD_LABELS[method]}; n = {fmt.count(min(chosen['n']))}–{fmt.count(max(chosen['n']))} "
            f"observations per tier, {fmt.month(min(chosen['start_date']))} to {fmt.month(max(chosen['end_date']))}"
            f"{caveat}"
        ),
        meaning=(
            f"At fixed capability the cheapest token price has divided by about {fmt.factor(median)} a year "
            f"(at that rate a task costing $1 would cost about {fmt.price(1 / median)} a year later)"
            + _forecast_sentence(forecast_implied(ctx, chosen["tier_id"].to_list()), median)
        ),
        source=f"forecast.decline_rates (method {method}), run {ctx.run_id}",
    )


def build(ctx: ReportContext) -> Section:
    section = Section(
        "decline-factors", "Price decline factors: how many times cheaper per year", "sections/declines.html.j2"
    )
    frame = declines(ctx)
    section.data["rows"] = decline_table(frame)
    section.data["methods"] = METHOD_LABELS
    section.data["source"] = ctx.citation("epoch_prices", "litellm")
    _add_reproduction(ctx, section)
    if frame.height == 0:
        section.note("rows", empty_note("forecast.decline_rates", ctx.run_id))
    else:
        if frame.filter(pl.col("method") == PUBLISHED_METHOD).height == 0:
            section.note("published", f"no tier has a {PUBLISHED_METHOD} result in forecast.decline_rates")
        if frame.filter(pl.col("method") == INDEX_METHOD).height == 0:
            section.note("index", f"no tier has a {INDEX_METHOD} result in forecast.decline_rates")
    return section


def _add_reproduction(ctx: ReportContext, section: Section) -> None:
    """The published table reproduced on its own inputs, next to infercast's own estimate."""
    frame = ctx.frame("published_reproduction", ctx.run_id)
    if frame.height == 0:
        section.note("reproduction", empty_note("forecast.published_reproduction", ctx.run_id))
        return
    within = int(frame["within_1_5x"].fill_null(False).sum())
    explained = frame.filter(pl.col("explanation").is_not_null())
    section.data["reproduction"] = frame.to_dicts()
    section.data["reproduction_summary"] = (
        f"On the published method's own inputs (Epoch AI's price-vs-benchmark points, 3:1 blend, models Epoch "
        f"lists as reasoning left out) {within} of {frame.height} tiers are within 1.5× of the published factor, "
        f"so the method is reproduced; {explained.height} of {frame.height} tiers differ by more than 2× between "
        "infercast's own estimate (every price source, through the latest data) and the published figure, "
        "each explained below from the lows the fit uses."
    )


# Column headings of the sensitivity table (flows.forecast_stage names the variants).
VARIANT_LABELS = {
    "blend_3to1": "3:1 input:output blend (published)",
    "blend_1to1": "1:1 blend",
    "first_party_prices": "developers' own prices only",
    "third_party_prices": "resellers' prices only",
    "with_flagged_listings": "flagged listings kept",
    "without_reasoning_models": "reasoning models left out",
}


def build_sensitivity(ctx: ReportContext) -> Section:
    section = Section("decline-sensitivity", "Decline sensitivity", "sections/sensitivity.html.j2")
    frame = ctx.frame("decline_sensitivity", ctx.run_id)
    variants = sorted(set(frame["variant"].to_list())) if frame.height else []
    tiers: dict[str, dict[str, Any]] = {}
    for row in frame.to_dicts():
        tier = tiers.setdefault(row["tier_id"], {"label": row["label"], "cells": {}})
        tier["cells"][row["variant"]] = row
    section.data.update(
        variants=variants,
        variant_labels={variant: VARIANT_LABELS.get(variant, variant) for variant in variants},
        tiers=list(tiers.values()),
        source=ctx.citation("epoch_prices", "litellm"),
    )
    if frame.height == 0:
        section.note("table", empty_note("forecast.decline_sensitivity", ctx.run_id))
    return section
