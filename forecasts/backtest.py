"""Rolling-origin backtests: refit every candidate at several past origins and score its
forecasts of the periods that followed.

Windows. With n observations, horizon H, W windows and a step s, window k (k = 0..W-1)
trains on the first n − H − k·s observations and is scored on the next H; origins step back
from the end, so window 0 ends with the last observation. Windows whose training set would
be shorter than `min_train` are dropped, and `n_windows` says how many were scored.

Scale. Positive series are scored on natural logs (z = ln y), so an error of 0.1 means about
10% whatever the price level, and series spanning orders of magnitude are not dominated by
their early, expensive periods. Series with zero or negative values are scored on y itself.

Metrics, pooled over windows and lead times 1..H:
- `mase`: mean of |z − ẑ| / q_w, where q_w is the in-sample MAE of the one-step naive
  forecast on window w's training data (Hyndman & Koehler 2006). Below 1 beats an in-sample
  random walk. Windows with q_w = 0 (a constant training series) are left out.
- `mase_vs_drift`: mase / (mase of the drift random walk on the same windows), i.e. relative
  accuracy against the Farmer–Lafond benchmark; below 1 beats drift. Null when drift is
  perfect (zero error) or could not be fitted (non-positive series).
- `coverage_80`, `coverage_95`: share of actuals inside the 80% / 95% intervals.
- `winkler`: mean Winkler (1972) score of the 95% interval on the scoring scale,
  (u − l) + (2/α)(l − z)₊ + (2/α)(z − u)₊ with α = 0.05: narrow intervals win unless they miss.
- `wis`: mean weighted interval score (Bracher et al. 2021, PLoS Comput Biol 17(2)) of the
  median and the 80% and 95% intervals on the scoring scale,
  [½|z − m| + Σ_k (α_k/2)·IS_{α_k}] / (K + ½) with α = 0.2, 0.05. It is a proper score and a
  quantile approximation of the CRPS, so it is the score champions are chosen on: it rewards
  a median close to the outcome and bands that are as narrow as their coverage allows.

A candidate that fails at an origin is replaced there by naive (what production would do)
and the substitution is returned as a Fallback record; `fell_back` marks its rows.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from forecasts.base import ForecastModel, Freq, prepare_history
from forecasts.drift import DriftRandomWalk
from forecasts.fallback import Fallback, fit_with_fallback, try_fit

BACKTEST_LEVELS = (80, 95)
WINKLER_LEVEL = 95

ERRORS_SCHEMA: dict[str, pl.DataType] = {
    "series_id": pl.String(),
    "model": pl.String(),
    "origin": pl.Date(),
    "lead": pl.Int64(),
    "ds": pl.Date(),
    "y": pl.Float64(),
    "mean": pl.Float64(),
    "lo_80": pl.Float64(),
    "hi_80": pl.Float64(),
    "lo_95": pl.Float64(),
    "hi_95": pl.Float64(),
    "abs_error": pl.Float64(),
    "drift_abs_error": pl.Float64(),
    "scale": pl.Float64(),
    "covered_80": pl.Boolean(),
    "covered_95": pl.Boolean(),
    "winkler_95": pl.Float64(),
    "wis": pl.Float64(),
    "fell_back": pl.Boolean(),
}

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.String(),
    "mase": pl.Float64(),
    "mase_vs_drift": pl.Float64(),
    "coverage_80": pl.Float64(),
    "coverage_95": pl.Float64(),
    "winkler": pl.Float64(),
    "wis": pl.Float64(),
    "n_windows": pl.Int64(),
    "n_fallbacks": pl.Int64(),
}


def training_lengths(
    n: int, horizon: int, windows: int, step: int = 1, min_train: int = 6, min_lead: int | None = None
) -> list[int]:
    """Training-set sizes of the rolling origins, latest origin first. With `min_lead`, the
    latest origin needs only `min_lead` periods after it (later leads are scored where observed)."""
    if horizon < 1 or windows < 0 or step < 1:
        raise ValueError("horizon and step must be at least 1, windows at least 0")
    reach = horizon if min_lead is None else min(min_lead, horizon)
    lengths = [n - reach - k * step for k in range(windows)]
    return [length for length in lengths if length >= min_train]


def naive_scale(z_train: np.ndarray) -> float:
    """In-sample MAE of the one-step naive forecast: mean |z_t − z_{t−1}|."""
    return float(np.mean(np.abs(np.diff(z_train))))


def winkler_score(z: np.ndarray, lo: np.ndarray, hi: np.ndarray, alpha: float) -> np.ndarray:
    """Winkler (1972) interval score per point: width plus 2/α times any miss distance."""
    below = np.clip(lo - z, 0.0, None)
    above = np.clip(z - hi, 0.0, None)
    return (hi - lo) + (2.0 / alpha) * (below + above)


def weighted_interval_score(
    z: np.ndarray, median: np.ndarray, bounds: dict[int, tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """WIS per point from the median and central intervals {level percent: (lo, hi)}."""
    total = 0.5 * np.abs(z - median)
    for level, (lo, hi) in bounds.items():
        alpha = 1 - level / 100.0
        total = total + (alpha / 2.0) * winkler_score(z, lo, hi, alpha)
    return total / (len(bounds) + 0.5)


def backtest_errors(
    history: pl.DataFrame,
    candidates: Sequence[ForecastModel],
    *,
    horizon: int,
    windows: int,
    step: int = 1,
    min_train: int = 6,
    freq: Freq = "month",
    series_id: str | None = None,
    min_lead: int | None = None,
) -> tuple[pl.DataFrame, list[Fallback]]:
    """One row per candidate, window and lead time, with its forecast and per-point scores.

    `candidates` are prototypes: each window fits a fresh deep copy, so they stay unfitted.
    With `min_lead`, origins closer to the end than `horizon` are kept and scored on the leads
    already observed (at least `min_lead`), so short series still contribute short leads.
    """
    if min_train < 3:
        raise ValueError("min_train must be at least 3 (the drift benchmark needs two differences)")
    days, y = prepare_history(history, freq, minimum=1, positive=False)
    ordered = pl.DataFrame({"ds": days, "y": y}, schema={"ds": pl.Date(), "y": pl.Float64()})
    log_scale = bool(np.all(y > 0))
    z = np.log(y) if log_scale else y
    parts: list[pl.DataFrame] = []
    fallbacks: list[Fallback] = []
    for length in training_lengths(len(y), horizon, windows, step, min_train, min_lead):
        train = ordered.head(length)
        actual = y[length : length + horizon]
        observed = len(actual)
        origin = days[length - 1]
        scale = naive_scale(z[:length])
        benchmark = DriftRandomWalk(freq=freq)
        drift_z = np.full(horizon, np.nan)  # no benchmark (e.g. non-positive values): mase_vs_drift is null
        if try_fit(benchmark, train, horizon) is None:
            drift_z = _to_scale(benchmark.predict(horizon)["mean"].to_numpy(), log_scale)[:observed]
        drift_z = drift_z[:observed]
        for prototype in candidates:
            model, fallback = fit_with_fallback(
                [copy.deepcopy(prototype)],
                train,
                freq=freq,
                check_horizon=horizon,
                series_id=series_id,
                origin=origin,
            )
            if fallback is not None:
                fallbacks.append(fallback)
            forecast = model.predict(horizon, BACKTEST_LEVELS).head(observed)
            parts.append(
                _score_window(forecast, actual, drift_z, scale, log_scale).with_columns(
                    series_id=pl.lit(series_id, pl.String()),
                    model=pl.lit(prototype.alias),
                    origin=pl.lit(origin, pl.Date()),
                    fell_back=pl.lit(fallback is not None),
                )
            )
    if not parts:
        return pl.DataFrame(schema=ERRORS_SCHEMA), fallbacks
    return pl.concat(parts).select(list(ERRORS_SCHEMA)), fallbacks


def summarize_backtest(errors: pl.DataFrame, models: Sequence[str]) -> pl.DataFrame:
    """Per-model metrics (see the module docstring); models without windows get nulls."""
    scaled = pl.when(pl.col("scale") > 0).then(pl.col("abs_error") / pl.col("scale"))
    drift_scaled = pl.when(pl.col("scale") > 0).then(pl.col("drift_abs_error") / pl.col("scale"))
    metrics = (
        errors.group_by("model")
        .agg(
            mase=scaled.mean(),
            mase_drift=drift_scaled.mean(),
            coverage_80=pl.col("covered_80").cast(pl.Float64).mean(),
            coverage_95=pl.col("covered_95").cast(pl.Float64).mean(),
            winkler=pl.col("winkler_95").mean(),
            wis=pl.col("wis").mean(),
            n_windows=pl.col("origin").n_unique().cast(pl.Int64),
            n_fallbacks=pl.col("origin").filter(pl.col("fell_back")).n_unique().cast(pl.Int64),
        )
        .with_columns(mase_vs_drift=pl.when(pl.col("mase_drift") > 0).then(pl.col("mase") / pl.col("mase_drift")))
    )
    frame = (
        pl.DataFrame({"model": list(models)}, schema={"model": pl.String()})
        .join(metrics, on="model", how="left")
        .with_columns(pl.col("n_windows", "n_fallbacks").fill_null(0))
    )
    return frame.select(list(SUMMARY_SCHEMA)).cast(SUMMARY_SCHEMA)  # type: ignore[arg-type]


def _to_scale(values: np.ndarray, log_scale: bool) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if not log_scale:
        return values
    with np.errstate(divide="ignore", invalid="ignore"):
        # A model may forecast ≤ 0 for a positive series; on logs that is an infinite miss.
        return np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), -np.inf)


def _score_window(
    forecast: pl.DataFrame, actual: np.ndarray, drift_z: np.ndarray, scale: float, log_scale: bool
) -> pl.DataFrame:
    h = len(actual)
    actual_z = _to_scale(actual, log_scale)
    columns: dict[str, Any] = {"lead": np.arange(1, h + 1), "ds": forecast["ds"], "y": actual}
    for name in ("mean", "lo_80", "hi_80", "lo_95", "hi_95"):
        columns[name] = forecast[name].to_numpy()
    mean_z = _to_scale(columns["mean"], log_scale)
    columns["abs_error"] = np.abs(actual_z - mean_z)
    # NaN when the drift benchmark could not be fitted; stored as null so means skip it.
    columns["drift_abs_error"] = np.abs(actual_z - drift_z)
    columns["scale"] = np.full(h, scale)
    bounds = {}
    for level in BACKTEST_LEVELS:
        lo, hi = _to_scale(columns[f"lo_{level}"], log_scale), _to_scale(columns[f"hi_{level}"], log_scale)
        bounds[level] = (lo, hi)
        columns[f"covered_{level}"] = (lo <= actual_z) & (actual_z <= hi)
        if level == WINKLER_LEVEL:
            columns["winkler_95"] = winkler_score(actual_z, lo, hi, alpha=1 - level / 100.0)
    with np.errstate(invalid="ignore"):
        columns["wis"] = weighted_interval_score(actual_z, mean_z, bounds)
    return pl.DataFrame(columns).with_columns(
        pl.col("ds").cast(pl.Date()), pl.col("lead").cast(pl.Int64()), pl.col("drift_abs_error").fill_nan(None)
    )
