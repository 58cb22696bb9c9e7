"""The published decline table, reproduced on the published method's own inputs.

Epoch AI's "LLM inference prices have fallen rapidly but unequally" (2025-03) fits the
frontier-lows trend to its own price-vs-benchmark points: one point per model (release date,
blended 3:1 price, benchmark score), reasoning models left out. Method `epoch_published_inputs`
runs `forecasts.decline.frontier_decline` on exactly those rows — the `epoch_price_benchmarks`
source of staging, where each table row is one price and its scores — with each tier's
threshold (the published `performance_range` lower bounds), so a difference from the published
figure is a method error, not a data difference. The published figures are in
`forecasts/data/epoch_published_declines_2025-03.csv` (our schema, cited per row).

Infercast's own frontier-lows estimate uses every source. Where it differs from the published
figure by more than 2×, `explain` says why from the data: which of its lows are provider listings
rather than published points (source and provider), how many come after the published window
(later price cuts), where each fit starts, and the lowest price each reaches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from forecasts.decline import frontier_decline
from transforms.price_observations import with_model_id

METHOD = "epoch_published_inputs"
PUBLISHED_SOURCE = "epoch_price_benchmarks"
PUBLISHED_FILE = Path(__file__).parent / "data" / "epoch_published_declines_2025-03.csv"
WITHIN_FACTOR = 1.5
EXPLAIN_ABOVE_FACTOR = 2.0

REPRODUCTION_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "benchmark": pl.String(),
    "threshold_score": pl.Float64(),
    "n": pl.Int64(),
    "start_date": pl.Date(),
    "end_date": pl.Date(),
    "factor_per_year": pl.Float64(),
    "ci90_low": pl.Float64(),
    "ci90_high": pl.Float64(),
    "r_squared": pl.Float64(),
    "published_n": pl.Int64(),
    "published_end_date": pl.Date(),
    "published_factor_per_year": pl.Float64(),
    "published_ci90_low": pl.Float64(),
    "published_ci90_high": pl.Float64(),
    "ratio_to_published": pl.Float64(),
    "within_1_5x": pl.Boolean(),
    "infercast_n": pl.Int64(),
    "infercast_factor_per_year": pl.Float64(),
    "infercast_to_published": pl.Float64(),
    "explanation": pl.String(),
    "method": pl.String(),
}


def read_published(path: Path = PUBLISHED_FILE) -> pl.DataFrame:
    return pl.read_csv(path, try_parse_dates=True)


def epoch_reasoning_ids(models: pl.DataFrame) -> list[str]:
    """Model ids Epoch AI's own lists flag as reasoning. The published method's inputs come with
    Epoch's classification; a listing source's flag can land on a whole canonical id (a later
    hybrid "deepseek-v3" listing flags DeepSeek-V3 of 2024-12), which the published table keeps."""
    epoch = models.filter(pl.col("source").str.starts_with("epoch_") & pl.col("is_reasoning").fill_null(False))
    return epoch["model_id"].unique().sort().to_list()


def published_points(prices: pl.DataFrame, capabilities: pl.DataFrame, reasoning_ids: list[str]) -> pl.DataFrame:
    """[model, model_id, observed_on, blended_usd_per_mtok, benchmark, score]: one point per row of
    Epoch's price-vs-benchmark tables and benchmark, reasoning models left out."""
    table_prices = prices.filter(pl.col("source") == PUBLISHED_SOURCE).select(
        "model", "observed_on", "blended_usd_per_mtok"
    )
    scores = capabilities.filter(pl.col("source") == PUBLISHED_SOURCE).select(
        "model", "observed_on", "benchmark", "score"
    )
    points = table_prices.join(scores, on=["model", "observed_on"], how="inner")
    return with_model_id(points).filter(~pl.col("model_id").is_in(reasoning_ids)).sort("benchmark", "observed_on")


def reproduce(
    points: pl.DataFrame, tiers: pl.DataFrame, published: pl.DataFrame, infercast_scored: pl.DataFrame
) -> pl.DataFrame:
    """One row per published tier: our reproduction, the published figure, infercast's own estimate."""
    rows = []
    published_by_tier = {row["tier_id"]: row for row in published.to_dicts()}
    for tier in tiers.filter(pl.col("tier_id").is_in(list(published_by_tier))).to_dicts():
        figure = published_by_tier[tier["tier_id"]]
        threshold = float(figure["threshold_score"])
        ours = frontier_decline(points.filter(pl.col("benchmark") == tier["benchmark"]), threshold)
        own = frontier_decline(
            infercast_scored.filter(pl.col("benchmark") == tier["benchmark"]), tier["threshold_score"]
        )
        row: dict[str, object] = {
            "tier_id": tier["tier_id"],
            "benchmark": tier["benchmark"],
            "threshold_score": threshold,
            "published_n": figure["n"],
            "published_end_date": figure["end_date"],
            "published_factor_per_year": figure["factor_per_year"],
            "published_ci90_low": figure["ci90_low"],
            "published_ci90_high": figure["ci90_high"],
            "method": METHOD,
        }
        if ours.decline is not None:
            decline = ours.decline
            ratio = decline.factor_per_year / figure["factor_per_year"]
            row.update(
                n=decline.n,
                start_date=decline.start_date,
                end_date=decline.end_date,
                factor_per_year=decline.factor_per_year,
                ci90_low=decline.ci90_low,
                ci90_high=decline.ci90_high,
                r_squared=decline.r_squared,
                ratio_to_published=ratio,
                within_1_5x=1 / WITHIN_FACTOR <= ratio <= WITHIN_FACTOR,
            )
        else:
            row["within_1_5x"] = False
        if own.decline is not None:
            own_ratio = own.decline.factor_per_year / figure["factor_per_year"]
            row.update(
                infercast_n=own.decline.n,
                infercast_factor_per_year=own.decline.factor_per_year,
                infercast_to_published=own_ratio,
            )
            if not 1 / EXPLAIN_ABOVE_FACTOR <= own_ratio <= EXPLAIN_ABOVE_FACTOR:
                row["explanation"] = explain(own.lows, ours.lows, figure["end_date"], own_ratio)
        rows.append(row)
    return pl.DataFrame([{k: r.get(k) for k in REPRODUCTION_SCHEMA} for r in rows], schema=REPRODUCTION_SCHEMA)


def explain(own_lows: pl.DataFrame, published_lows: pl.DataFrame, published_end: dt.date, ratio: float) -> str:
    """Why infercast's frontier lows give a different decline: computed from the two sets of lows."""
    # The published points are exactly the rows of Epoch's price-vs-benchmark tables.
    extra = own_lows.filter(pl.col("source") != PUBLISHED_SOURCE)
    later = own_lows.filter(pl.col("observed_on") > published_end)
    direction = "faster" if ratio > 1 else "slower"
    # Two significant digits below 1 ("0.02×", not "0.0×"), as the report prints factors.
    ratio_text = f"{ratio:.2g}" if ratio < 1 else f"{ratio:.1f}"
    parts = [f"{ratio_text}× the published factor ({direction}): infercast fits {own_lows.height} lows"]
    if extra.height:
        by_source = extra.group_by("source").agg(pl.len(), pl.col("provider").unique().sort()).sort("source")
        sources = ", ".join(f"{r['source']} {r['len']} at {', '.join(r['provider'])}" for r in by_source.to_dicts())
        parts.append(f"{extra.height} of them are provider listings, not published points ({sources})")
    if later.height:
        parts.append(f"{later.height} after the published window ended {published_end.isoformat()} (later price cuts)")
    first = own_lows.sort("observed_on").row(0, named=True)
    start = f"starts at {first['model']} ${first['blended_usd_per_mtok']:.3g} on {first['observed_on'].isoformat()}"
    if published_lows.height:
        published_first = published_lows.sort("observed_on").row(0, named=True)
        start += (
            f" (published: {published_first['model']} ${published_first['blended_usd_per_mtok']:.3g} "
            f"on {published_first['observed_on'].isoformat()})"
        )
    parts.append(start)
    cheapest = own_lows.sort("blended_usd_per_mtok").row(0, named=True)
    parts.append(
        f"lowest: {cheapest['model']} at {cheapest['provider']} ({cheapest['source']}), "
        f"${cheapest['blended_usd_per_mtok']:.3g}/Mtok on {cheapest['observed_on'].isoformat()}"
    )
    if published_lows.height:
        floor = float(published_lows["blended_usd_per_mtok"].min())  # type: ignore[arg-type]
        parts.append(f"the published points reach ${floor:.3g}")
    return "; ".join(parts)
