"""Damped-trend exponential smoothing, ETS(A,Ad,N), on log values.

Additive error and an additive damped trend on log y means a multiplicative growth rate
that decays by φ per period, so long-horizon forecasts level off instead of extrapolating a
straight line in logs forever (Gardner & McKenzie 1985; a strong default in the M
competitions). Fitted by maximum likelihood with statsmodels' ETSModel; prediction
intervals are its analytic ("exact") ones for additive models — they ignore parameter
uncertainty — and are exponentiated, so `mean` is the median on the price scale.

Five parameters (α, β, φ, initial level and trend) are estimated, so short histories are
refused (`min_obs`) rather than fitted to noise; the fallback then takes over.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import polars as pl

from forecasts.base import DEFAULT_LEVELS, Freq, future_periods, prepare_history


@dataclass
class DampedTrendETS:
    alias: str = "ets_damped"
    freq: Freq = "month"
    min_obs: int = 10
    fitted: Any = field(default=None, init=False)  # statsmodels ETSResults
    _n: int = field(default=0, init=False, repr=False)
    _last_ds: dt.date | None = field(default=None, init=False, repr=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {
            "freq": self.freq,
            "error": "add",
            "trend": "add",
            "damped_trend": True,
            "min_obs": self.min_obs,
        }

    def fit(self, history: pl.DataFrame) -> Self:
        # Imported here so importing forecasts/ stays cheap for commands that never fit.
        import pandas as pd
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        days, y = prepare_history(history, self.freq, minimum=self.min_obs)
        # statsmodels 0.15 get_prediction needs an indexed endog (fails on a bare ndarray).
        log_y = pd.Series(np.log(y))
        with warnings.catch_warnings():
            # Convergence is checked explicitly below; the warnings would only be noise.
            warnings.simplefilter("ignore")
            result = ETSModel(log_y, error="add", trend="add", damped_trend=True).fit(disp=False)
        if not result.mle_retvals.get("converged", True):
            raise RuntimeError("ETS likelihood optimisation did not converge")
        if not np.all(np.isfinite(np.asarray(result.params))):
            raise RuntimeError("ETS produced non-finite parameters")
        self.fitted, self._n, self._last_ds = result, len(y), days[-1]
        return self

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        if self.fitted is None or self._last_ds is None:
            raise RuntimeError(f"{self.alias}: predict() before fit()")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prediction = self.fitted.get_prediction(start=self._n, end=self._n + h - 1)
            columns: dict[str, Any] = {
                "ds": future_periods(self._last_ds, h, self.freq),
                "mean": np.exp(np.asarray(prediction.predicted_mean, dtype=float)),
            }
            for level in levels:
                frame = prediction.summary_frame(alpha=1 - level / 100.0)
                columns[f"lo_{level}"] = np.exp(frame["pi_lower"].to_numpy(dtype=float))
                columns[f"hi_{level}"] = np.exp(frame["pi_upper"].to_numpy(dtype=float))
        return pl.DataFrame(columns, schema_overrides={"ds": pl.Date()})
