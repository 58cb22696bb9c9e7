"""marts.token_demand: reported tokens processed per day, by company and product, over time.

Input is a `demand_observations` frame (sources.schemas.DEMAND_OBSERVATION_COLUMNS). Only
rows that report `tokens_per_day` are kept; user and message counts are other measures.

Companies report different scopes ("Google (all AI products)" against "Gemini API",
OpenAI "All products" against "API"), so a growth rate must be fitted to one scope: the
series key is (company, product), and nothing here adds products up, which would double
count. The observations are few and irregular, hence the sparsity summary: a growth
factor from three reports a year apart deserves less trust than one from twenty.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

TOKEN_DEMAND_SCHEMA: dict[str, pl.DataType] = {
    "company": pl.String(),
    "product": pl.String(),
    "observed_on": pl.Date(),
    "tokens_per_day": pl.Float64(),
    "observation_id": pl.String(),
    "source_type": pl.String(),
    "confidence": pl.String(),
}

SPARSITY_SCHEMA: dict[str, pl.DataType] = {
    "n_observations": pl.Int64(),
    "first_observed_on": pl.Date(),
    "last_observed_on": pl.Date(),
    "span_years": pl.Float64(),
    "median_gap_days": pl.Float64(),  # typical spacing between consecutive reports
}


def token_demand(observations: pl.DataFrame) -> pl.DataFrame:
    """One row per observation with a positive tokens_per_day (TOKEN_DEMAND_SCHEMA)."""
    return (
        observations.filter(
            pl.col("tokens_per_day").is_not_null()
            & (pl.col("tokens_per_day") > 0)
            & pl.col("observed_on").is_not_null()
        )
        .with_columns(pl.col("product").fill_null(""))
        .select(list(TOKEN_DEMAND_SCHEMA))
        .cast(TOKEN_DEMAND_SCHEMA)  # type: ignore[arg-type]
        .sort("company", "product", "observed_on", "observation_id")
    )


def demand_sparsity(demand: pl.DataFrame, by: Sequence[str] = ("company",)) -> pl.DataFrame:
    """Per group of `by` (default company): how many token reports, over which dates, how spaced."""
    keys = list(by)
    gaps = (
        demand.sort([*keys, "observed_on"])
        .with_columns(gap=pl.col("observed_on").diff().dt.total_days().over(keys).cast(pl.Float64))
        .group_by(keys)
        .agg(
            n_observations=pl.len().cast(pl.Int64),
            first_observed_on=pl.col("observed_on").min(),
            last_observed_on=pl.col("observed_on").max(),
            median_gap_days=pl.col("gap").drop_nulls().median(),
        )
        .with_columns(span_years=(pl.col("last_observed_on") - pl.col("first_observed_on")).dt.total_days() / 365.25)
    )
    return gaps.select(*keys, *SPARSITY_SCHEMA).cast(SPARSITY_SCHEMA).sort(keys)  # type: ignore[arg-type]


def demand_history(demand: pl.DataFrame, company: str, product: str) -> pl.DataFrame:
    """The `ds, y` history of one (company, product) series, for forecasts.growth or a model fit.

    Two reports on the same day are averaged: they are one observation of one quantity.
    """
    return (
        demand.filter((pl.col("company") == company) & (pl.col("product") == product))
        .group_by(pl.col("observed_on").alias("ds"))
        .agg(y=pl.col("tokens_per_day").mean())
        .sort("ds")
    )
