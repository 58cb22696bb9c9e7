"""Naive (random walk without drift): every future value equals the last observed one.

The benchmark every other model must beat, and the last-resort fallback. Intervals come from
the random-walk residuals e_t = z_t - z_{t-1}: their root mean square σ (no mean removed: a
driftless walk has zero-mean steps by assumption) grows as σ√h at horizon h, with normal
quantiles (Hyndman & Athanasopoulos, FPP3 §5.5). z is log y for positive series, so the
intervals are multiplicative and never go below zero; otherwise z = y.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import polars as pl
from scipy import stats

from forecasts.base import DEFAULT_LEVELS, Freq, future_periods, interval_frame, prepare_history


@dataclass(frozen=True)
class NaiveFit:
    last_value: float  # on the fitted scale (log y when log_scale)
    step_sd: float  # σ of one-period steps on the fitted scale
    log_scale: bool
    last_ds: dt.date
    n: int


@dataclass
class Naive:
    alias: str = "naive"
    freq: Freq = "month"
    log: bool | None = None  # None: logs when every value is positive
    fitted: NaiveFit | None = field(default=None, init=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {"freq": self.freq, "log": self.log}

    def fit(self, history: pl.DataFrame) -> Self:
        days, y = prepare_history(history, self.freq, minimum=2, positive=bool(self.log))
        log_scale = bool(np.all(y > 0)) if self.log is None else self.log
        z = np.log(y) if log_scale else y
        steps = np.diff(z)
        self.fitted = NaiveFit(
            last_value=float(z[-1]),
            step_sd=math.sqrt(float(np.mean(steps**2))),
            log_scale=log_scale,
            last_ds=days[-1],
            n=len(z),
        )
        return self

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        if self.fitted is None:
            raise RuntimeError(f"{self.alias}: predict() before fit()")
        fit = self.fitted
        tau = np.arange(1, h + 1, dtype=float)
        return interval_frame(
            future_periods(fit.last_ds, h, self.freq),
            center=np.full(h, fit.last_value),
            se=fit.step_sd * np.sqrt(tau),
            levels=levels,
            quantile=lambda p: float(stats.norm.ppf(p)),
            log_scale=fit.log_scale,
        )
