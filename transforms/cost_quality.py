"""marts.cost_quality_frontier and marts.cost_per_task_index, from marts.cost_per_task.

Frontier. For a task and a month, a run is on the cost-quality frontier when no other run of
that month is at most as dear per sample and scores at least as high, one of the two strictly
(Pareto). Runs without a score are not placed. Effort variants are separate runs, so "o3-mini
high" and "o3-mini medium" can both be on it.

Index. For a capability tier (benchmark and threshold score, transforms.tiers) whose benchmark
has token counts, and a month: the cheapest cost per sample among runs scoring at or above the
threshold. It is the series the cost-per-task forecast family fits.
"""

from __future__ import annotations

import polars as pl

FRONTIER_SCHEMA: dict[str, pl.DataType] = {
    "task": pl.String(),
    "benchmark": pl.String(),
    "month": pl.Date(),
    "model": pl.String(),
    "model_id": pl.String(),
    "variant": pl.String(),
    "is_reasoning": pl.Boolean(),
    "score": pl.Float64(),
    "cost_usd_per_sample": pl.Float64(),
    "frontier_rank": pl.Int64(),
}

INDEX_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "task": pl.String(),
    "benchmark": pl.String(),
    "threshold_model": pl.String(),
    "threshold_score": pl.Float64(),
    "month": pl.Date(),
    "cheapest_cost_usd_per_sample": pl.Float64(),
    "cheapest_model": pl.String(),
    "qualifying_runs": pl.Int64(),
}


def cost_quality_frontier(cost: pl.DataFrame) -> pl.DataFrame:
    """FRONTIER_SCHEMA: the Pareto-optimal runs per task and month, cheapest first (rank 1)."""
    scored = cost.filter(pl.col("score").is_not_null() & pl.col("cost_usd_per_sample").is_not_null())
    # Sorted by cost (then score, high first), a run is on the frontier exactly when it scores
    # strictly higher than every cheaper-or-equal run before it.
    ordered = scored.sort(
        ["task", "month", "cost_usd_per_sample", "score", "model"], descending=[False, False, False, True, False]
    )
    best_before = pl.col("score").cum_max().shift(1).over(["task", "month"])
    frontier = ordered.filter(best_before.is_null() | (pl.col("score") > best_before))
    return (
        frontier.with_columns(frontier_rank=pl.col("cost_usd_per_sample").rank("ordinal").over(["task", "month"]))
        .select([pl.col(name).cast(dtype) for name, dtype in FRONTIER_SCHEMA.items()])
        .sort("task", "month", "frontier_rank")
    )


def cost_tiers(tiers: pl.DataFrame, cost: pl.DataFrame) -> pl.DataFrame:
    """The resolved tiers whose benchmark has cost-per-task rows, with the task it maps to."""
    tasks = cost.select("task", "benchmark").unique().drop_nulls()
    return tiers.join(tasks, on="benchmark", how="inner").sort("tier_id")


def cost_per_task_index(cost: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """INDEX_SCHEMA: per cost tier and month, the cheapest qualifying run, from its first month on."""
    parts = []
    for tier in cost_tiers(tiers, cost).to_dicts():
        qualifying = cost.filter(
            (pl.col("task") == tier["task"])
            & pl.col("score").is_not_null()
            & (pl.col("score") >= tier["threshold_score"])
        )
        if qualifying.height == 0:
            continue
        cheapest = (
            qualifying.sort(["cost_usd_per_sample", "model"])
            .group_by("month", maintain_order=True)
            .agg(
                pl.col("cost_usd_per_sample").first().alias("cheapest_cost_usd_per_sample"),
                pl.col("model").first().alias("cheapest_model"),
                pl.len().cast(pl.Int64).alias("qualifying_runs"),
            )
            .with_columns(
                tier_id=pl.lit(tier["tier_id"]),
                task=pl.lit(tier["task"]),
                benchmark=pl.lit(tier["benchmark"]),
                threshold_model=pl.lit(tier["threshold_model"], pl.String),
                threshold_score=pl.lit(tier["threshold_score"], pl.Float64),
            )
        )
        parts.append(cheapest.select(list(INDEX_SCHEMA)))
    if not parts:
        return pl.DataFrame(schema=INDEX_SCHEMA)
    return pl.concat(parts).sort("tier_id", "month")
