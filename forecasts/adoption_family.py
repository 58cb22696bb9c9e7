"""Test-time-compute adoption (logistic and Bass fits, their backtests) and the reasoning
token multiplier (pure frames in, frames out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from forecasts.adoption import BassAdoption, LogisticAdoption
from forecasts.adoption_recent import describe, recent_share, recent_share_forecast
from forecasts.backtest import backtest_errors, summarize_backtest
from forecasts.selection import choose_champion
from forecasts.token_multiplier import flags_from_models, token_multiplier
from transforms.adoption import dedupe_models

ADOPTION_SINCE = dt.date(2023, 1, 1)
ADOPTION_HORIZON_QUARTERS = 12
BACKTEST_HORIZON = 2

FITS_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.String(),
    "basis": pl.String(),
    "parameter": pl.String(),
    "estimate": pl.Float64(),
    "ci90_low": pl.Float64(),
    "ci90_high": pl.Float64(),
    "estimate_date": pl.Date(),
    "ci90_low_date": pl.Date(),
    "ci90_high_date": pl.Date(),
    "note": pl.String(),
}


def adoption_history(adoption_mart: pl.DataFrame) -> pl.DataFrame:
    """Quarterly share of new releases that reason (all organizations), with n = releases with a known flag."""
    return (
        adoption_mart.filter(
            (pl.col("period_type") == "quarter")
            & (pl.col("organization") == "all")
            & (pl.col("period") >= ADOPTION_SINCE)
            & (pl.col("n_flag_known") > 0)
        )
        .sort("period")
        .select(pl.col("period").alias("ds"), pl.col("share").alias("y"), pl.col("n_flag_known").alias("n"))
    )


def _fit(model: Any, history: pl.DataFrame) -> tuple[Any, str | None]:
    try:
        return model.fit(history), None
    except (ValueError, RuntimeError, ArithmeticError) as error:
        return None, f"{model.alias} did not fit: {error}"


def adoption_fits(history: pl.DataFrame, as_of: dt.date) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """(fits rows, forecast values of the logistic, notes)."""
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    values = pl.DataFrame()
    basis = "known_flags"
    logistic, problem = _fit(LogisticAdoption(), history)
    if problem:
        notes.append(problem)
    else:
        midpoint = logistic.midpoint(0.90)
        rows.append(
            {
                "model": "logistic",
                "basis": basis,
                "parameter": "midpoint",
                "estimate_date": midpoint.value,
                "ci90_low_date": midpoint.ci_low,
                "ci90_high_date": midpoint.ci_high,
                "note": "date the expected share of new releases that reason crosses 50% (delta-method CI)",
            }
        )
        share = logistic.share_at(as_of, 0.90)
        rows.append(
            {
                "model": "logistic",
                "basis": basis,
                "parameter": "share_at_as_of",
                "estimate": share.share,
                "ci90_low": share.ci_low,
                "ci90_high": share.ci_high,
                "estimate_date": as_of,
                "note": "expected share of new releases that reason on the as-of date on the S-curve (confidence "
                "interval of the curve, not of a quarter's share; the forecast is the recent share)",
            }
        )
        fit = logistic.fitted
        rows.append(
            {
                "model": "logistic",
                "basis": basis,
                "parameter": "slope_per_year",
                "estimate": fit.slope_per_year,
                "note": "logit slope per year (binomial GLM)",
            }
        )

    if history.height:
        recent = recent_share(history)
        low, high = recent.interval(0.90)
        rows.append(
            {
                "model": "recent_share",
                "basis": basis,
                "parameter": "share_recent_quarters",
                "estimate": recent.share,
                "ci90_low": low,
                "ci90_high": high,
                "estimate_date": recent.end,
                "note": f"the forecast: {describe(recent)}; {recent.start:%Y-%m}..{recent.end:%Y-%m}; the CI is "
                "the band of one future quarter",
            }
        )
        values = recent_share_forecast(recent, ADOPTION_HORIZON_QUARTERS).with_columns(
            target=pl.lit("reasoning_share"),
            series_id=pl.lit("all"),
            model=pl.lit("recent_share_quasibinomial"),
            unit=pl.lit("share"),
        )
    bass, problem = _fit(BassAdoption(), history)
    if problem:
        notes.append(problem)
    else:
        parameters = bass.parameters
        for name in ("p", "q"):
            estimate = getattr(parameters, name)
            se = getattr(parameters, f"{name}_se")
            rows.append(
                {
                    "model": "bass",
                    "basis": basis,
                    "parameter": name,
                    "estimate": estimate,
                    "ci90_low": max(estimate - 1.645 * se, 0.0),
                    "ci90_high": estimate + 1.645 * se,
                    "note": f"Bass diffusion {'innovation' if name == 'p' else 'imitation'} coefficient per year "
                    "(nonlinear least squares, m = 1)",
                }
            )
    frame = pl.DataFrame([{k: r.get(k) for k in FITS_SCHEMA} for r in rows], schema=FITS_SCHEMA)
    return frame, values, notes


def adoption_backtests(history: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Rolling-origin backtest of the logistic and Bass fits through the engine's metrics."""
    candidates: list[Any] = [LogisticAdoption(), BassAdoption()]
    try:
        errors, fallbacks = backtest_errors(
            history, candidates, horizon=BACKTEST_HORIZON, windows=3, min_train=4, freq="quarter", series_id="all"
        )
    except ValueError as error:
        return pl.DataFrame(), [f"adoption backtest not possible: {error}"]
    summary = summarize_backtest(errors, [c.alias for c in candidates])
    champion, reason = choose_champion(summary)
    frame = summary.with_columns(
        series_id=pl.lit("all"),
        is_champion=pl.col("model") == champion,
        champion_reason=pl.when(pl.col("model") == champion).then(pl.lit(reason)),
        target=pl.lit("reasoning_share"),
        horizon=pl.lit(BACKTEST_HORIZON, dtype=pl.Int64),
    )
    notes = [f"adoption backtest fallback: {f.model} for {f.fallback_from}: {f.reason}" for f in fallbacks]
    return frame, notes


def multiplier_rows(usage: pl.DataFrame, models: pl.DataFrame) -> pl.DataFrame:
    if usage.height == 0 or models.height == 0:
        return pl.DataFrame()
    flags = flags_from_models(usage["model"].unique().sort().to_list(), dedupe_models(models))
    return token_multiplier(usage, flags)
