"""marts.price_index: the cheapest price of a given capability, month by month.

For a tier (benchmark, threshold score) and a month, a model qualifies when its score on
the benchmark, as known at the time of its price observation, is at or above the
threshold. Each qualifying model's price is its latest observed blended price (3 input :
1 output, USD per 1M tokens) on or before the month's last day; the index is the cheapest.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

INDEX_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "benchmark": pl.String(),
    "threshold_model": pl.String(),
    "threshold_score": pl.Float64(),
    "month": pl.Date(),
    "cheapest_blended_usd_per_mtok": pl.Float64(),
    "cheapest_model": pl.String(),
    "price_observed_on": pl.Date(),
    "qualifying_models": pl.Int64(),
}


def scored_prices(prices: pl.DataFrame, capabilities: pl.DataFrame) -> pl.DataFrame:
    """Each blended price observation with the model's score per benchmark at that time.

    The score used is the latest one observed on or before the price date; a price older
    than every score of the model takes the model's earliest score.
    """
    priced = prices.filter(pl.col("blended_usd_per_mtok").is_not_null()).select(
        "model", "observed_on", "blended_usd_per_mtok"
    )
    caps = capabilities.select("model", "benchmark", "score", pl.col("observed_on").alias("scored_on"))
    joined = priced.join(caps, on="model", how="inner").with_columns(
        known_then=pl.col("scored_on") <= pl.col("observed_on"),
        # Prefer the latest score known at price time, else the earliest score after it.
        distance=(pl.col("observed_on") - pl.col("scored_on")).dt.total_days().abs(),
    )
    return (
        joined.sort(["known_then", "distance"], descending=[True, False])
        .group_by("model", "observed_on", "blended_usd_per_mtok", "benchmark")
        .first()
        .select("model", "observed_on", "blended_usd_per_mtok", "benchmark", "score")
    )


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = dt.date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = dt.date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def build_price_index(
    prices: pl.DataFrame, capabilities: pl.DataFrame, tiers: pl.DataFrame, end_month: dt.date
) -> pl.DataFrame:
    """One row per tier per month, from the first month a model qualifies to end_month."""
    scored = scored_prices(prices, capabilities)
    parts = []
    for tier in tiers.to_dicts():
        qualifying = scored.filter(
            (pl.col("benchmark") == tier["benchmark"]) & (pl.col("score") >= tier["threshold_score"])
        )
        if qualifying.height == 0:
            continue
        months = pl.DataFrame(
            {"month": month_starts(qualifying["observed_on"].min(), end_month)},  # type: ignore[arg-type]
            schema={"month": pl.Date()},
        ).with_columns(month_end=pl.col("month").dt.month_end())
        current = (
            months.join(qualifying, how="cross")
            .filter(pl.col("observed_on") <= pl.col("month_end"))
            .sort("observed_on")
            .group_by("month", "model", maintain_order=True)
            .last()
        )
        cheapest = (
            current.sort(["blended_usd_per_mtok", "model"])
            .group_by("month", maintain_order=True)
            .agg(
                pl.col("blended_usd_per_mtok").first().alias("cheapest_blended_usd_per_mtok"),
                pl.col("model").first().alias("cheapest_model"),
                pl.col("observed_on").first().alias("price_observed_on"),
                pl.len().cast(pl.Int64).alias("qualifying_models"),
            )
            .with_columns(
                tier_id=pl.lit(tier["tier_id"]),
                benchmark=pl.lit(tier["benchmark"]),
                threshold_model=pl.lit(tier["threshold_model"], pl.String),
                threshold_score=pl.lit(tier["threshold_score"], pl.Float64),
            )
        )
        parts.append(cheapest.select(list(INDEX_SCHEMA)))
    if not parts:
        return pl.DataFrame(schema=INDEX_SCHEMA)
    return pl.concat(parts).sort("tier_id", "month")
