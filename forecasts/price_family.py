"""The price family: engine jobs for the price index and frontier series, decline factors by
both methods, and the sensitivity table (pure frames in, frames out)."""

from __future__ import annotations

import polars as pl

from forecasts.decline import frontier_decline
from forecasts.engine import EngineJob
from forecasts.price_decline import forecast_price_index
from forecasts.price_story import pooled_decline_rows

PRICE_HORIZON_MONTHS = 24
# Twelve rolling origins two months apart (the latest six months before the end, the earliest
# 28), each scored at 6, 12 and 24 months ahead where already observed (the horizons the report
# shows), pooled over the family's series.
PRICE_BACKTEST_WINDOWS = 12
PRICE_BACKTEST_STEP = 2
PRICE_SCORE_LEADS = (6, 12, 24)
# ets_damped is left out for prices: its forecast starts from a smoothed level, which on a
# step-shaped index lags each step instead of continuing from the last observation.
PRICE_CANDIDATES = ("naive", "drift_rw", "loglinear_hac", "step_decline")
UNIT = "usd_per_mtok"

SENSITIVITY_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
    "variant": pl.String(),
    "n": pl.Int64(),
    "start_date": pl.Date(),
    "end_date": pl.Date(),
    "factor_per_year": pl.Float64(),
    "ci90_low": pl.Float64(),
    "ci90_high": pl.Float64(),
    "note": pl.String(),
}


def _series(frame: pl.DataFrame, key: str, date: str, value: str) -> dict[str, pl.DataFrame]:
    return {
        str(series_id): part.sort(date).select(pl.col(date).alias("ds"), pl.col(value).alias("y"))
        for (series_id,), part in frame.group_by(key, maintain_order=True)
    }


def price_jobs(index: pl.DataFrame, frontier: pl.DataFrame) -> list[EngineJob]:
    return [
        EngineJob(
            "price_index",
            UNIT,
            "month",
            PRICE_HORIZON_MONTHS,
            _series(index, "tier_id", "month", "cheapest_blended_usd_per_mtok"),
            backtest_windows=PRICE_BACKTEST_WINDOWS,
            backtest_horizon=PRICE_HORIZON_MONTHS,
            backtest_step=PRICE_BACKTEST_STEP,
            score_leads=PRICE_SCORE_LEADS,
            candidates=PRICE_CANDIDATES,
        ),
        EngineJob(
            "frontier_price",
            UNIT,
            "month",
            PRICE_HORIZON_MONTHS,
            _series(frontier, "benchmark", "month", "blended_usd_per_mtok"),
            backtest_windows=PRICE_BACKTEST_WINDOWS,
            backtest_horizon=PRICE_HORIZON_MONTHS,
            backtest_step=PRICE_BACKTEST_STEP,
            score_leads=PRICE_SCORE_LEADS,
            # The frontier price is the most capable model's, not a running low: no step model.
            candidates=("naive", "drift_rw", "loglinear_hac"),
        ),
    ]


def decline_rows(index: pl.DataFrame, scored: pl.DataFrame, tiers: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    """forecast.decline_rates rows (without run_id): the published frontier-lows method per tier,
    and the monthly-index log-linear trend. Returns the rows and why tiers were skipped."""
    trend = forecast_price_index(index, horizon_months=1)
    skipped = {f"{tier} (index trend)": reason for tier, reason in trend.skipped.items()}
    rows = []
    for tier in tiers.to_dicts():
        observations = scored.filter(pl.col("benchmark") == tier["benchmark"])
        result = frontier_decline(observations, tier["threshold_score"])
        if result.decline is None:
            skipped[f"{tier['tier_id']} (frontier lows)"] = result.reason or "no result"
            continue
        rows.append(
            {
                "tier_id": tier["tier_id"],
                "benchmark": tier["benchmark"],
                "threshold_model": tier["threshold_model"],
                "threshold_score": tier["threshold_score"],
                **result.decline.as_row(),
            }
        )
    frontier = pl.DataFrame(rows, schema=trend.declines.schema) if rows else trend.declines.head(0)
    pooled = pooled_decline_rows(index) if index.height else trend.declines.head(0)
    parts = [frontier, trend.declines, pooled.select(trend.declines.columns).cast(trend.declines.schema)]
    return pl.concat([part for part in parts if part.height] or [frontier]).sort("tier_id", "method"), skipped


def sensitivity_rows(variants: dict[str, pl.DataFrame], tiers: pl.DataFrame) -> pl.DataFrame:
    """Frontier-lows decline factor per tier under each variant of the observations."""
    rows = []
    for tier in tiers.to_dicts():
        for variant, scored in variants.items():
            observations = scored.filter(pl.col("benchmark") == tier["benchmark"])
            result = frontier_decline(observations, tier["threshold_score"])
            row = {"tier_id": tier["tier_id"], "variant": variant}
            if result.decline is None:
                row["note"] = result.reason
            else:
                decline = result.decline
                row.update(
                    n=decline.n,
                    start_date=decline.start_date,
                    end_date=decline.end_date,
                    factor_per_year=decline.factor_per_year,
                    ci90_low=decline.ci90_low,
                    ci90_high=decline.ci90_high,
                )
            rows.append(row)
    return pl.DataFrame([{k: r.get(k) for k in SENSITIVITY_SCHEMA} for r in rows], schema=SENSITIVITY_SCHEMA)
