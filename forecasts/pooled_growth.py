"""One growth rate shared by several short series, each with its own level (pure).

log y_ij = a_i + b t_ij + e_ij: series i (a company) has its own offset a_i (scale of what it
reports), all share the slope b (growth per year, factor exp(b)), and the residuals share one
variance. OLS with series fixed effects; the slope's interval uses Student's t on the
residual degrees of freedom n - (number of series) - 1, so nine reports from three companies
give 5 degrees of freedom and a t quantile of 2.02 for 90%, not the normal 1.64. A series
with a single report fixes its own offset and says nothing about the slope, but it still
costs a degree of freedom: the interval stays as wide as the data make it.

Predictions for a series at a future date are `a_i + b t` with the prediction variance
s^2 (1 + x'(X'X)^-1 x), the usual OLS prediction interval.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class PooledGrowth:
    series: tuple[str, ...]
    origin: dt.date
    coef: np.ndarray  # offsets per series (in `series` order), then the slope per year
    xtx_inv: np.ndarray
    sigma2: float  # residual variance of log y
    n: int
    df_resid: int
    start: dt.date
    end: dt.date
    r_squared: float  # within-series R^2 of the common slope

    @property
    def slope_per_year(self) -> float:
        return float(self.coef[-1])

    @property
    def slope_se(self) -> float:
        return math.sqrt(self.sigma2 * float(self.xtx_inv[-1, -1]))

    def factor_interval(self, level: float = 0.90) -> tuple[float, float, float]:
        """(factor per year, low, high) at confidence `level`."""
        q = float(stats.t.ppf(0.5 + level / 2.0, self.df_resid))
        b, se = self.slope_per_year, self.slope_se
        return math.exp(b), math.exp(b - q * se), math.exp(b + q * se)

    def predict(self, series_id: str, days: list[dt.date], levels: tuple[int, ...] = (80, 95)) -> pl.DataFrame:
        """[ds, mean, lo_<l>, hi_<l>] for one series: the median (exp of the log mean) and prediction bounds."""
        if series_id not in self.series:
            raise KeyError(f"{series_id!r} is not one of the pooled series {self.series}")
        rows = []
        for day in days:
            x = np.zeros(len(self.coef))
            x[self.series.index(series_id)] = 1.0
            x[-1] = (day - self.origin).days / DAYS_PER_YEAR
            centre = float(x @ self.coef)
            se = math.sqrt(self.sigma2 * (1.0 + float(x @ self.xtx_inv @ x)))
            row: dict[str, object] = {"ds": day, "mean": math.exp(centre)}
            for level in levels:
                q = float(stats.t.ppf(0.5 + level / 200.0, self.df_resid))
                row[f"lo_{level}"] = math.exp(centre - q * se)
                row[f"hi_{level}"] = math.exp(centre + q * se)
            rows.append(row)
        return pl.DataFrame(rows, schema_overrides={"ds": pl.Date()})


def pooled_growth(frame: pl.DataFrame, *, group_col: str, date_col: str = "ds", value_col: str = "y") -> PooledGrowth:
    """Fit the model of the module doc to a long frame [group_col, date_col, value_col]."""
    data = frame.select(group_col, date_col, value_col).drop_nulls().sort(group_col, date_col)
    if data.height and (data[value_col] <= 0).any():
        raise ValueError("pooled growth needs strictly positive values")
    series = tuple(str(s) for s in data[group_col].unique(maintain_order=True).to_list())
    n, k = data.height, len(series) + 1
    if n - k < 1:
        raise ValueError(f"{n} observations in {len(series)} series leave no residual degree of freedom")
    days: list[dt.date] = data[date_col].to_list()
    origin = min(days)
    t = np.array([(day - origin).days / DAYS_PER_YEAR for day in days])
    groups = data[group_col].cast(pl.String).to_list()
    design = np.zeros((n, k))
    for row, group in enumerate(groups):
        design[row, series.index(group)] = 1.0
    design[:, -1] = t
    # The slope is identified only by series with at least two distinct dates.
    within = t - design[:, :-1] @ np.linalg.lstsq(design[:, :-1], t, rcond=None)[0]
    if float(within @ within) == 0.0:
        raise ValueError("no series has two reports on different dates: the common growth is not identified")
    log_y = np.log(data[value_col].cast(pl.Float64).to_numpy())
    coef, *_ = np.linalg.lstsq(design, log_y, rcond=None)
    residuals = log_y - design @ coef
    sse = float(residuals @ residuals)
    demeaned = log_y - design[:, :-1] @ np.linalg.lstsq(design[:, :-1], log_y, rcond=None)[0]
    total_within = float(demeaned @ demeaned)
    return PooledGrowth(
        series=series,
        origin=origin,
        coef=coef,
        xtx_inv=np.linalg.inv(design.T @ design),
        sigma2=sse / (n - k),
        n=n,
        df_resid=n - k,
        start=origin,
        end=max(days),
        r_squared=1.0 - sse / total_within if total_within > 0 else 0.0,
    )
