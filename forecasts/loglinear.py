"""Log-linear trend: OLS of log(y) on time, with HAC (Newey-West) standard errors.

Exponential growth or decline is linear in logs, so the slope is the continuous growth
rate per year. Residuals of monthly price series are strongly autocorrelated (prices hold
for months), so HAC errors are used for the slope; prediction intervals add the residual
variance to the parameter uncertainty of the trend at each horizon.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import polars as pl
from scipy import stats

from forecasts.base import DEFAULT_LEVELS, Freq, check_history, check_regular, future_periods, years_since


def newey_west_lags(n: int) -> int:
    """The usual automatic lag choice, floor(4 (n/100)^(2/9))."""
    return max(1, math.floor(4 * (n / 100.0) ** (2.0 / 9.0)))


@dataclass
class TrendFit:
    slope_per_year: float
    slope_se: float
    intercept: float
    r_squared: float
    residual_var: float
    df_resid: int
    cov: np.ndarray
    n: int
    start: dt.date
    end: dt.date
    last_log: float = math.nan  # log of the last observation (the anchor)


@dataclass
class LogLinearTrend:
    alias: str = "loglinear_hac"
    maxlags: int | None = None
    freq: Freq = "month"
    anchored: bool = True
    fitted: TrendFit | None = field(default=None, init=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {"maxlags": self.maxlags, "freq": self.freq, "anchored": self.anchored}

    def fit(self, history: pl.DataFrame) -> Self:
        import statsmodels.api as sm

        check_history(history, minimum=3)
        ordered = history.sort("ds")
        days: list[dt.date] = ordered["ds"].to_list()
        check_regular(days, self.freq)
        t = np.asarray(years_since(days, days[0]))
        log_y = np.log(ordered["y"].to_numpy())
        design = sm.add_constant(t, has_constant="add")
        lags = self.maxlags if self.maxlags is not None else newey_west_lags(len(t))
        result = sm.OLS(log_y, design).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
        cov = np.asarray(result.cov_params())
        self.fitted = TrendFit(
            slope_per_year=float(result.params[1]),
            slope_se=float(math.sqrt(max(cov[1, 1], 0.0))),
            intercept=float(result.params[0]),
            r_squared=float(result.rsquared) if np.isfinite(result.rsquared) else 0.0,
            residual_var=float(result.mse_resid),
            df_resid=int(result.df_resid),
            cov=cov,
            n=len(t),
            start=days[0],
            end=days[-1],
            last_log=float(log_y[-1]),
        )
        return self

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        fit = self._require_fit()
        future = future_periods(fit.end, h, self.freq)
        t = np.asarray(years_since(future, fit.start))
        if self.anchored:
            ahead = t - years_since([fit.end], fit.start)[0]
            log_mean = fit.last_log + fit.slope_per_year * ahead
            param_var = ahead**2 * fit.slope_se**2
        else:
            design = np.column_stack([np.ones_like(t), t])
            log_mean = design @ np.array([fit.intercept, fit.slope_per_year])
            param_var = np.einsum("ij,jk,ik->i", design, fit.cov, design)
        se = np.sqrt(param_var + fit.residual_var)
        columns: dict[str, Any] = {"ds": future, "mean": np.exp(log_mean)}
        for level in levels:
            quantile = stats.t.ppf(0.5 + level / 200.0, max(fit.df_resid, 1))
            columns[f"lo_{level}"] = np.exp(log_mean - quantile * se)
            columns[f"hi_{level}"] = np.exp(log_mean + quantile * se)
        return pl.DataFrame(columns, schema_overrides={"ds": pl.Date()})

    def _require_fit(self) -> TrendFit:
        if self.fitted is None:
            raise RuntimeError(f"{self.alias}: predict() before fit()")
        return self.fitted
