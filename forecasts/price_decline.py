"""Price-index forecasts and decline factors per capability tier (pure: frames in, frames out)."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from forecasts.decline import decline_factor
from forecasts.loglinear import LogLinearTrend

TARGET = "price_index"
UNIT = "usd_per_mtok"
METHOD = "monthly_index_loglinear_ols_hac"
MIN_MONTHS = 6

VALUES_SCHEMA: dict[str, pl.DataType] = {
    "target": pl.String(),
    "series_id": pl.String(),
    "model": pl.String(),
    "ds": pl.Date(),
    "mean": pl.Float64(),
    "lo_80": pl.Float64(),
    "hi_80": pl.Float64(),
    "lo_95": pl.Float64(),
    "hi_95": pl.Float64(),
    "unit": pl.String(),
}

DECLINE_SCHEMA: dict[str, pl.DataType] = {
    "tier_id": pl.String(),
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
}


@dataclass
class PriceForecasts:
    values: pl.DataFrame
    declines: pl.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)


def forecast_price_index(index: pl.DataFrame, horizon_months: int = 24) -> PriceForecasts:
    values, declines, skipped = [], [], {}
    for (tier_id,), series in index.sort("month").group_by("tier_id", maintain_order=True):
        history = series.select(pl.col("month").alias("ds"), pl.col("cheapest_blended_usd_per_mtok").alias("y"))
        if history.height < MIN_MONTHS:
            skipped[str(tier_id)] = f"only {history.height} months of history (need {MIN_MONTHS})"
            continue
        model = LogLinearTrend().fit(history)
        assert model.fitted is not None
        prediction = model.predict(horizon_months)
        values.append(
            prediction.with_columns(
                target=pl.lit(TARGET),
                series_id=pl.lit(str(tier_id)),
                model=pl.lit(model.alias),
                unit=pl.lit(UNIT),
            ).select(list(VALUES_SCHEMA))
        )
        factor = decline_factor(model.fitted)
        first = series.row(0, named=True)
        declines.append(
            {
                "tier_id": str(tier_id),
                "benchmark": first["benchmark"],
                "threshold_model": first["threshold_model"],
                "threshold_score": first["threshold_score"],
                "n": factor.n,
                "start_date": model.fitted.start,
                "end_date": model.fitted.end,
                "factor_per_year": factor.factor_per_year,
                "ci90_low": factor.ci90_low,
                "ci90_high": factor.ci90_high,
                "r_squared": factor.r_squared,
                "method": METHOD,
            }
        )
    return PriceForecasts(
        values=pl.concat(values) if values else pl.DataFrame(schema=VALUES_SCHEMA),
        declines=pl.DataFrame(declines, schema=DECLINE_SCHEMA),
        skipped=skipped,
    )
