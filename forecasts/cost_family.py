"""The cost-per-task family: engine jobs for the cheapest cost per sample at each capability tier,
and constant-quality cost decline factors by the frontier-lows method, next to the per-token
factor of the same tier (pure frames in, frames out).

The decline reuses `forecasts.decline.frontier_decline` unchanged: a cost per sample stands where
the method reads a blended price, and the date of the price observation that set it stands for
the observation date. A run is a qualifying observation when its score on the tier's benchmark
is at or above the threshold; new lows only.
"""

from __future__ import annotations

import polars as pl

from forecasts.decline import FRONTIER_METHOD, frontier_decline
from forecasts.engine import EngineJob
from transforms.cost_quality import cost_tiers

TARGET = "cost_per_task"
UNIT = "usd_per_sample"
HORIZON_MONTHS = 24
METHOD = f"cost_per_task_{FRONTIER_METHOD}"

COST_DECLINE_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "task": pl.String(),
    "benchmark": pl.String(),
    "threshold_model": pl.String(),
    "threshold_score": pl.Float64(),
    "n": pl.Int64(),
    "start_date": pl.Date(),
    "end_date": pl.Date(),
    "factor_per_year": pl.Float64(),
    "ci90_low": pl.Float64(),
    "ci90_high": pl.Float64(),
    "r_squared": pl.Float64(),
    "method": pl.String(),
    "per_token_factor_per_year": pl.Float64(),
    "per_token_ci90_low": pl.Float64(),
    "per_token_ci90_high": pl.Float64(),
    "per_token_n": pl.Int64(),
    "per_task_to_per_token_ratio": pl.Float64(),
    "last_low": pl.String(),
    "factor_without_last_low": pl.Float64(),
    "note": pl.String(),
}


def contiguous_tail(series: pl.DataFrame) -> pl.DataFrame:
    """The months after the last gap of a monthly [ds, y] series.

    A tier has no value in a month when no qualifying run has a current price (e.g. the only
    qualifying model's score was revised below the threshold); the engine needs a regular grid,
    and a gap must not be filled with a value nobody offered, so the series starts after it."""
    ordered = series.sort("ds")
    month_number = pl.col("ds").dt.year() * 12 + pl.col("ds").dt.month()
    starts = ordered.with_columns(gap=(month_number - month_number.shift(1)).fill_null(1) != 1)
    last_gap = starts.with_row_index().filter(pl.col("gap"))["index"].max()
    return ordered if last_gap is None else ordered.slice(int(last_gap))  # type: ignore[arg-type]


def cost_jobs(index: pl.DataFrame) -> list[EngineJob]:
    """One engine job: the monthly cheapest cost per sample of every cost tier (after its last gap)."""
    series = {
        str(tier_id): contiguous_tail(
            part.select(pl.col("month").alias("ds"), pl.col("cheapest_cost_usd_per_sample").alias("y"))
        )
        for (tier_id,), part in index.group_by("tier_id", maintain_order=True)
    }
    return [EngineJob(TARGET, UNIT, "month", HORIZON_MONTHS, series)] if series else []


def cost_observations(cost: pl.DataFrame, task: str) -> pl.DataFrame:
    """The frontier-lows input for one task: [model, observed_on, blended_usd_per_mtok, score],
    where the "price" column carries the cost per sample (USD) and the date is the price's."""
    return (
        cost.filter((pl.col("task") == task) & (pl.col("cost_usd_per_sample") > 0))
        .select(
            "model",
            # A listing observed before the snapshot's release prices it only from the release.
            pl.max_horizontal("price_observed_on", "version_released_on").alias("observed_on"),
            pl.col("cost_usd_per_sample").alias("blended_usd_per_mtok"),
            "score",
            "price_provider",
            "price_model",
            "price_observed_on",
        )
        .unique()
    )


def _per_token(per_token: pl.DataFrame, tier_id: str) -> dict[str, object] | None:
    rows = per_token.filter((pl.col("tier_id") == tier_id) & (pl.col("method") == FRONTIER_METHOD))
    return rows.row(0, named=True) if rows.height else None


def cost_decline_rows(cost: pl.DataFrame, tiers: pl.DataFrame, per_token: pl.DataFrame) -> pl.DataFrame:
    """COST_DECLINE_SCHEMA: one row per cost tier; a tier that cannot be fitted has a null factor
    and a note saying why. `per_token` is forecast.decline_rates of the same run."""
    rows = []
    for tier in cost_tiers(tiers, cost).to_dicts():
        observations = cost_observations(cost, tier["task"])
        result = frontier_decline(observations, tier["threshold_score"])
        token = _per_token(per_token, tier["tier_id"])
        row: dict[str, object] = {
            "tier_id": tier["tier_id"],
            "task": tier["task"],
            "benchmark": tier["benchmark"],
            "threshold_model": tier["threshold_model"],
            "threshold_score": tier["threshold_score"],
            "method": METHOD,
        }
        notes = []
        if result.decline is None:
            notes.append(f"cost per task: {result.reason}")
        else:
            row.update({k: v for k, v in result.decline.as_row().items() if k != "method"})
            last = result.lows.row(-1, named=True)
            row["last_low"] = (
                f"{last['model']}: ${last['blended_usd_per_mtok']:.3g} per question at {last['price_provider']} "
                f"{last['price_model']} (price of {last['price_observed_on']})"
            )
            # Is one row deciding it? Refit without the observation that set the latest low.
            without = frontier_decline(
                observations.join(
                    result.lows.tail(1).select(observations.columns), on=observations.columns, how="anti"
                ),
                tier["threshold_score"],
            )
            if without.decline is not None:
                row["factor_without_last_low"] = without.decline.factor_per_year
        if token is None:
            notes.append("per token: no frontier-lows result for this tier in forecast.decline_rates")
        else:
            row.update(
                per_token_factor_per_year=token["factor_per_year"],
                per_token_ci90_low=token["ci90_low"],
                per_token_ci90_high=token["ci90_high"],
                per_token_n=token["n"],
            )
        factor, token_factor = row.get("factor_per_year"), row.get("per_token_factor_per_year")
        if isinstance(factor, float) and isinstance(token_factor, float) and token_factor > 0:
            row["per_task_to_per_token_ratio"] = factor / token_factor
        row["note"] = "; ".join(notes) or None
        rows.append(row)
    return pl.DataFrame([{k: r.get(k) for k in COST_DECLINE_SCHEMA} for r in rows], schema=COST_DECLINE_SCHEMA)
