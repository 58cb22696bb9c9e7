"""marts.reasoning_adoption: the share of new model releases that are reasoning models.

Input is a `models` frame (sources.schemas.MODEL_COLUMNS) in which several sources may
describe the same `model_id`. They are merged into one row per model first:

* `released_on`: the earliest date any source gives (a later date is usually a re-listing
  or a new provider, not the release).
* `is_reasoning`: true if any source says true; false if some source says false and none
  says true; null if no source says anything. "Any true" wins because feeds tend to leave
  the flag unset rather than set it wrongly, and a hybrid model (reasoning can be switched
  on) is a reasoning model here: it ships test-time compute.
* `reasoning_mode`: the most reasoning-like mode any source gives (always_on, then
  hybrid, then none).
* `organization`: the first non-empty one, taking sources in order of their release date.

The share per period is n_reasoning / n_flag_known over models released in the period whose
flag is known (n_releases counts every dated release, n_flag_known those with a flag).
Models with an unknown flag are left out of the denominator rather than
counted as non-reasoning, which would bias the share down whenever a feed is silent (they
are reported as n_unknown, so a reader can see how much was left out). Models without a
release date cannot be placed in a period and are not counted at all. Only periods with
at least one dated release appear; `share` is null when none of them has a known flag.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

Period = Literal["month", "quarter"]

DEDUPED_MODEL_SCHEMA: dict[str, pl.DataType] = {
    "model_id": pl.String(),
    "organization": pl.String(),
    "released_on": pl.Date(),
    "is_reasoning": pl.Boolean(),
    "reasoning_mode": pl.String(),
    "n_sources": pl.Int64(),
    "sources": pl.String(),  # comma-separated, sorted
}

SHARE_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.Date(),  # first day of the month or quarter
    "n_releases": pl.Int64(),  # every dated release in the period
    "n_flag_known": pl.Int64(),  # releases with a known reasoning flag (the denominator of share)
    "n_reasoning": pl.Int64(),
    "n_unknown": pl.Int64(),  # releases whose flag no source gives (excluded from the share)
    "share": pl.Float64(),
    # Bounds on the share if every unknown were non-reasoning / reasoning: when one feed only
    # ever sets the flag to true, the unknowns are mostly non-reasoning and `share` is high.
    "share_min": pl.Float64(),
    "share_max": pl.Float64(),
}

_MODE_RANK = {"always_on": 0, "hybrid": 1, "none": 2}


def dedupe_models(models: pl.DataFrame) -> pl.DataFrame:
    """One row per model_id with the merged facts described in the module doc."""
    ordered = models.filter(pl.col("model_id").is_not_null() & (pl.col("model_id") != "")).sort(
        # A total order: rows come from the warehouse in no guaranteed order.
        [c for c in ("released_on", "source", "organization", "model_name") if c in models.columns],
        nulls_last=True,
        maintain_order=True,
    )
    mode_rank = pl.col("reasoning_mode").replace_strict(_MODE_RANK, default=None, return_dtype=pl.Int64)
    merged = ordered.group_by("model_id", maintain_order=True).agg(
        organization=pl.col("organization").filter(pl.col("organization").fill_null("") != "").first(),
        released_on=pl.col("released_on").min(),
        any_true=pl.col("is_reasoning").fill_null(False).any(),
        any_false=(~pl.col("is_reasoning").fill_null(True)).any(),
        reasoning_mode=pl.col("reasoning_mode").sort_by(mode_rank, nulls_last=True).first(),
        n_sources=pl.col("source").n_unique().cast(pl.Int64),
        sources=pl.col("source").unique().sort().str.join(","),
    )
    return (
        merged.with_columns(
            organization=pl.col("organization").fill_null(""),
            is_reasoning=pl.when(pl.col("any_true")).then(True).when(pl.col("any_false")).then(False).otherwise(None),
        )
        .select(list(DEDUPED_MODEL_SCHEMA))
        .cast(DEDUPED_MODEL_SCHEMA)  # type: ignore[arg-type]
        .sort("model_id")
    )


def period_start(column: str, period: Period) -> pl.Expr:
    if period == "month":
        return pl.col(column).dt.truncate("1mo")
    if period == "quarter":
        return pl.col(column).dt.truncate("1q")
    raise ValueError(f"period must be 'month' or 'quarter', got {period!r}")


def reasoning_share(models: pl.DataFrame, period: Period = "month", by_organization: bool = False) -> pl.DataFrame:
    """Releases, reasoning releases and share per period (and organization if asked).

    `models` may be raw (several sources per model) or already deduplicated: it is
    deduplicated here either way, so a model is never counted twice.
    """
    deduped = dedupe_models(models) if "source" in models.columns else models
    keys = ["organization", "period"] if by_organization else ["period"]
    counted = (
        deduped.filter(pl.col("released_on").is_not_null())
        .with_columns(period=period_start("released_on", period))
        .group_by(keys)
        .agg(
            n_releases=pl.len().cast(pl.Int64),
            n_flag_known=pl.col("is_reasoning").is_not_null().sum().cast(pl.Int64),
            n_reasoning=pl.col("is_reasoning").fill_null(False).sum().cast(pl.Int64),
            n_unknown=pl.col("is_reasoning").is_null().sum().cast(pl.Int64),
        )
        .with_columns(
            share=pl.when(pl.col("n_flag_known") > 0).then(pl.col("n_reasoning") / pl.col("n_flag_known")),
            share_min=pl.col("n_reasoning") / pl.col("n_releases"),
            share_max=(pl.col("n_reasoning") + pl.col("n_unknown")) / pl.col("n_releases"),
        )
    )
    schema = ({"organization": pl.String()} if by_organization else {}) | SHARE_SCHEMA
    return counted.select(list(schema)).cast(schema).sort(keys)  # type: ignore[arg-type]


def adoption_history(shares: pl.DataFrame) -> pl.DataFrame:
    """`ds, y, n` for forecasts.adoption: per-period share with its denominator as weight."""
    return (
        shares.filter(pl.col("n_flag_known") > 0)
        .select(
            pl.col("period").alias("ds"),
            pl.col("share").alias("y"),
            pl.col("n_flag_known").cast(pl.Float64).alias("n"),
        )
        .sort("ds")
    )


def per_model_history(models: pl.DataFrame) -> pl.DataFrame:
    """`ds, y, n` with one row per dated model of known flag (y = 1 reasoning, 0 not; n = 1)."""
    deduped = dedupe_models(models) if "source" in models.columns else models
    return (
        deduped.filter(pl.col("released_on").is_not_null() & pl.col("is_reasoning").is_not_null())
        .select(
            pl.col("released_on").alias("ds"),
            pl.col("is_reasoning").cast(pl.Float64).alias("y"),
            pl.lit(1.0).alias("n"),
        )
        .sort("ds")
    )
