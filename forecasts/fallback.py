"""Fit a model, falling back to simpler ones when it fails — recorded, never silent.

A model fails when fitting or predicting raises, when its forecast has non-finite values,
or when its intervals are not ordered lo ≤ mean ≤ hi. The naive model is the last resort and
is appended when the candidates do not end with it; if even naive fails the series cannot be
forecast and `ModelFitError` says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl

from forecasts.base import ForecastModel, Freq
from forecasts.naive import Naive


class ModelFitError(RuntimeError):
    """No candidate, not even the naive last resort, produced a usable forecast."""


@dataclass(frozen=True)
class Fallback:
    model: str  # the alias actually used
    fallback_from: str  # the alias that was wanted
    reason: str  # why each failed model failed, "alias: error; alias: error"
    series_id: str | None = None
    origin: dt.date | None = None  # last training date of a backtest window; None for the final fit

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def forecast_problem(forecast: pl.DataFrame, h: int) -> str | None:
    """Why a forecast is unusable, or None when it is fine."""
    if forecast.height != h:
        return f"expected {h} forecast rows, got {forecast.height}"
    numeric = forecast.drop("ds")
    values = numeric.to_numpy().astype(float)
    if not np.all(np.isfinite(values)):
        return "non-finite forecast values"
    mean = forecast["mean"].to_numpy()
    for column in numeric.columns:
        side = forecast[column].to_numpy()
        # A relative slack: intervals of zero width are legitimate, rounding is not failure.
        slack = 1e-9 * np.maximum(np.abs(mean), 1.0)
        if column.startswith("lo_") and np.any(side > mean + slack):
            return f"{column} above the mean"
        if column.startswith("hi_") and np.any(side < mean - slack):
            return f"{column} below the mean"
    return None


def try_fit(model: ForecastModel, history: pl.DataFrame, check_horizon: int) -> str | None:
    """Fit in place and test-predict; the failure reason, or None on success."""
    try:
        model.fit(history)
        return forecast_problem(model.predict(check_horizon), check_horizon)
    except Exception as exc:  # any failure of a model is a reason to fall back, not to crash
        return f"{type(exc).__name__}: {exc}"


def fit_with_fallback(
    candidates: Sequence[ForecastModel],
    history: pl.DataFrame,
    *,
    freq: Freq = "month",
    check_horizon: int = 1,
    series_id: str | None = None,
    origin: dt.date | None = None,
) -> tuple[ForecastModel, Fallback | None]:
    """The first candidate (in order) that fits, and a Fallback record if it was not the first.

    Candidates are fitted in place. `check_horizon` is the horizon the forecast will be
    used for: a model that fits but produces NaN at step 12 fails when 12 is needed.
    """
    attempts = list(candidates)
    if not attempts or attempts[-1].alias != "naive":
        attempts.append(Naive(freq=freq))
    failures: list[str] = []
    for model in attempts:
        reason = try_fit(model, history, check_horizon)
        if reason is None:
            if not failures:
                return model, None
            record = Fallback(
                model=model.alias,
                fallback_from=attempts[0].alias,
                reason="; ".join(failures),
                series_id=series_id,
                origin=origin,
            )
            return model, record
        failures.append(f"{model.alias}: {reason}")
    raise ModelFitError(f"series {series_id or '?'}: every model failed — " + "; ".join(failures))
