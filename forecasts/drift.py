"""Random walk with drift on log values (Farmer & Lafond 2016, "How predictable is
technological progress?", Research Policy 45(3)).

log y_t = log y_{t-1} + μ + n_t with n_t ~ N(0, K²). From the last m log differences d_i,
μ̂ = mean(d) and K̂ = sd(d) (ddof=1). The τ-step forecast error has variance
K² (τ + τ²/m): τ K² from future noise and τ² K²/m from the error in μ̂, so intervals widen
faster than √τ at long horizons. Normalised by K̂ the error is Student-t with m−1 degrees
of freedom for Gaussian noise (F&L eq. 6), which is the default; `quantiles="normal"` uses
normal quantiles instead. m counts differences, i.e. m+1 observations.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import numpy as np
import polars as pl
from scipy import stats

from forecasts.base import DEFAULT_LEVELS, Freq, future_periods, interval_frame, prepare_history


@dataclass(frozen=True)
class DriftFit:
    drift_per_period: float  # μ̂, log units per period
    step_sd: float  # K̂, log units per period
    m: int  # number of log differences used
    last_log: float
    last_ds: dt.date


def drift_forecast_sd(step_sd: float, m: int, tau: np.ndarray) -> np.ndarray:
    """sd of the τ-step log forecast error, K √(τ + τ²/m)."""
    return step_sd * np.sqrt(tau + tau**2 / m)


@dataclass
class DriftRandomWalk:
    alias: str = "drift_rw"
    freq: Freq = "month"
    window: int | None = None  # use only the last `window` differences; None = all
    quantiles: Literal["t", "normal"] = "t"
    fitted: DriftFit | None = field(default=None, init=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {"freq": self.freq, "window": self.window, "quantiles": self.quantiles}

    def fit(self, history: pl.DataFrame) -> Self:
        # Three points give two differences: the least that has a sample sd.
        days, y = prepare_history(history, self.freq, minimum=3)
        steps = np.diff(np.log(y))
        if self.window is not None:
            if self.window < 2:
                raise ValueError("window must be at least 2 differences")
            steps = steps[-self.window :]
        self.fitted = DriftFit(
            drift_per_period=float(np.mean(steps)),
            step_sd=float(np.std(steps, ddof=1)),
            m=len(steps),
            last_log=float(math.log(y[-1])),
            last_ds=days[-1],
        )
        return self

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        if self.fitted is None:
            raise RuntimeError(f"{self.alias}: predict() before fit()")
        fit = self.fitted
        tau = np.arange(1, h + 1, dtype=float)
        if self.quantiles == "t":
            df = fit.m - 1

            def quantile(p: float) -> float:
                return float(stats.t.ppf(p, df))
        else:

            def quantile(p: float) -> float:
                return float(stats.norm.ppf(p))

        return interval_frame(
            future_periods(fit.last_ds, h, self.freq),
            center=fit.last_log + fit.drift_per_period * tau,
            se=drift_forecast_sd(fit.step_sd, fit.m, tau),
            levels=levels,
            quantile=quantile,
            log_scale=True,
        )
