"""marts.price_index and marts.frontier_price: what a capability costs, month by month.

Price index. For a tier (benchmark, threshold score) and a month, a model qualifies when its
score on the benchmark, as known at the time of its price observation, is at or above the
threshold. Each listing (source, provider, model identifier) of a qualifying model offers its
latest observed blended price on or before the month's last day; the index is the cheapest
offer. In a source read in vintages (LiteLLM, OpenRouter) a listing's price carries through
the months between vintages and ends when a later vintage omits the listing (a removal, not
an expiry; a gap in which a vintage omits a listing seen again later carries its price: see
`price_observations.VINTAGE_SOURCES`). Listings the plausibility check flags
(transforms.price_plausibility) are removed before this module sees them.

Frontier price. For a benchmark and a month: among models with a current listing, the one with
the highest score known then, and its cheapest current price. Running the frontier can get
dearer while a fixed capability gets cheaper.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from transforms.price_observations import LISTING

INDEX_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "benchmark": pl.String(),
    "threshold_model": pl.String(),
    "threshold_score": pl.Float64(),
    "month": pl.Date(),
    "cheapest_blended_usd_per_mtok": pl.Float64(),
    "cheapest_model": pl.String(),
    "cheapest_model_id": pl.String(),
    "cheapest_provider": pl.String(),
    "price_observed_on": pl.Date(),
    "qualifying_models": pl.Int64(),
}

FRONTIER_SCHEMA: dict[str, pl.DataType] = {
    "benchmark": pl.String(),
    "month": pl.Date(),
    "model_id": pl.String(),
    "model": pl.String(),
    "provider": pl.String(),
    "score": pl.Float64(),
    "blended_usd_per_mtok": pl.Float64(),
    "price_observed_on": pl.Date(),
}


def one_price_per_listing_day(observations: pl.DataFrame) -> pl.DataFrame:
    """One observation per listing and day: where a listing shows several versions of a model
    on one day, the cheapest, which is an offer that was available that day."""
    keys = [*LISTING, "model_id", "observed_on"]
    # Sorting on the prices alone (not the string keys) is what keeps this cheap at scale.
    return observations.sort(
        ["blended_usd_per_mtok", "input_usd_per_mtok", "output_usd_per_mtok"], nulls_last=True
    ).unique(subset=keys, keep="first")


def scored_prices(observations: pl.DataFrame, capabilities: pl.DataFrame) -> pl.DataFrame:
    """Each price observation with its model's score per benchmark at that time.

    `observations` come from `price_observations.price_observations`, `capabilities` from
    `price_observations.scored_capabilities`. The score used is the latest one observed on or
    before the price date; a price older than every score of the model takes the earliest.
    A listing that shows several versions of a model on one day offers the cheapest of them.
    """
    keys = [*LISTING, "model_id", "observed_on"]
    prices = one_price_per_listing_day(observations)
    # Several names can share a canonical id (dated snapshots): on a tie in timing the lower
    # score is kept, so capability is never overstated.
    scores = (
        capabilities.group_by("model_id", "benchmark", "scored_on")
        .agg(pl.col("score").min())
        .sort("model_id", "benchmark", "scored_on")
    )
    earliest = scores.group_by("model_id", "benchmark", maintain_order=True).agg(
        pl.col("score").first().alias("earliest_score")
    )
    # An as-of join per model and benchmark, not observations x scores: memory stays linear.
    scored = (
        prices.join(earliest, on="model_id", how="inner")
        .sort("observed_on")
        .join_asof(
            scores.sort("scored_on"),
            left_on="observed_on",
            right_on="scored_on",
            by=["model_id", "benchmark"],
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(score=pl.coalesce("score", "earliest_score"))
    )
    rest = [c for c in observations.columns if c not in keys]
    return scored.select([*keys, "benchmark", *rest, "score"]).sort([*keys, "benchmark"])


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = dt.date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = dt.date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def current_offers(observations: pl.DataFrame, months: list[dt.date]) -> pl.DataFrame:
    """Per month and listing, the latest observation on or before month end, unless a later
    vintage of its source (on or before month end) omitted the listing."""
    month_ends = pl.DataFrame({"month": months}, schema={"month": pl.Date()}).with_columns(
        month_end=pl.col("month").dt.month_end()
    )
    # Listings x months, as-of joined back to the listing's observations: a grid of thousands of
    # rows where months x observations would be millions at scale.
    grid = observations.select(LISTING).unique().join(month_ends, how="cross").sort("month_end")
    latest = grid.join_asof(
        observations.sort("observed_on"),
        left_on="month_end",
        right_on="observed_on",
        by=list(LISTING),
        strategy="backward",
        check_sortedness=False,
    ).filter(pl.col("observed_on").is_not_null())
    return latest.filter(pl.col("valid_until").is_null() | (pl.col("month_end") < pl.col("valid_until")))


def build_price_index(scored: pl.DataFrame, tiers: pl.DataFrame, end_month: dt.date) -> pl.DataFrame:
    """One row per tier per month, from the first month a model qualifies to end_month."""
    parts = []
    for tier in tiers.to_dicts():
        qualifying = scored.filter(
            (pl.col("benchmark") == tier["benchmark"]) & (pl.col("score") >= tier["threshold_score"])
        )
        if qualifying.height == 0:
            continue
        months = month_starts(qualifying["observed_on"].min(), end_month)  # type: ignore[arg-type]
        offers = current_offers(qualifying, months)
        cheapest = (
            offers.sort(["blended_usd_per_mtok", "model", "provider", "source"], maintain_order=True)
            .group_by("month", maintain_order=True)
            .agg(
                pl.col("blended_usd_per_mtok").first().alias("cheapest_blended_usd_per_mtok"),
                pl.col("model").first().alias("cheapest_model"),
                pl.col("model_id").first().alias("cheapest_model_id"),
                pl.col("provider").first().alias("cheapest_provider"),
                pl.col("observed_on").first().alias("price_observed_on"),
                pl.col("model_id").n_unique().cast(pl.Int64).alias("qualifying_models"),
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


def build_frontier_price(scored: pl.DataFrame, benchmarks: list[str], end_month: dt.date) -> pl.DataFrame:
    """One row per benchmark per month: the most capable model then available and its cheapest price."""
    parts = []
    for benchmark in benchmarks:
        rows = scored.filter(pl.col("benchmark") == benchmark)
        if rows.height == 0:
            continue
        offers = current_offers(rows, month_starts(rows["observed_on"].min(), end_month))  # type: ignore[arg-type]
        best = (
            offers.sort(
                ["score", "blended_usd_per_mtok", "model", "provider", "source"],
                descending=[True, False, False, False, False],
                maintain_order=True,
            )
            .group_by("month", maintain_order=True)
            .first()
            .select(
                pl.lit(benchmark).alias("benchmark"),
                "month",
                "model_id",
                "model",
                "provider",
                "score",
                "blended_usd_per_mtok",
                pl.col("observed_on").alias("price_observed_on"),
            )
        )
        parts.append(best)
    if not parts:
        return pl.DataFrame(schema=FRONTIER_SCHEMA)
    return pl.concat(parts).select(list(FRONTIER_SCHEMA)).sort("benchmark", "month")
