"""Annual decline factors: "the price divides by F each year".

With slope b per year on log price, F = exp(-b); F > 1 means prices fall. Two methods:
- `decline_factor`: from a fitted log-linear trend of the monthly price index, 90% CI from
  its HAC standard error and Student's t on the residual degrees of freedom.
- `frontier_decline`: the published constant-capability method (Epoch AI, "LLM inference
  prices"): among models at or above a benchmark threshold, the observations that set a
  new price low, OLS of ln(price) on time in years.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl
from scipy import stats

from forecasts.base import years_since
from forecasts.loglinear import TrendFit


@dataclass(frozen=True)
class DeclineFactor:
    factor_per_year: float
    ci90_low: float
    ci90_high: float
    n: int
    r_squared: float


def decline_factor(fit: TrendFit, confidence: float = 0.90) -> DeclineFactor:
    quantile = stats.t.ppf(0.5 + confidence / 2.0, max(fit.df_resid, 1))
    low_slope = fit.slope_per_year - quantile * fit.slope_se
    high_slope = fit.slope_per_year + quantile * fit.slope_se
    # A steeper negative slope is a larger decline factor, so the bounds swap.
    return DeclineFactor(
        factor_per_year=math.exp(-fit.slope_per_year),
        ci90_low=math.exp(-high_slope),
        ci90_high=math.exp(-low_slope),
        n=fit.n,
        r_squared=fit.r_squared,
    )


FRONTIER_METHOD = "frontier_lows_ols"
MIN_FRONTIER_LOWS = 3


@dataclass(frozen=True)
class FrontierDecline:
    """One forecast.decline_rates row (without run and tier keys)."""

    n: int
    start_date: dt.date
    end_date: dt.date
    factor_per_year: float
    ci90_low: float
    ci90_high: float
    r_squared: float
    method: str = FRONTIER_METHOD

    def as_row(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class FrontierResult:
    decline: FrontierDecline | None  # None when there are too few lows to fit a trend
    reason: str | None  # why decline is None
    lows: pl.DataFrame  # the price-setting observations the trend is fitted to


def frontier_lows(observations: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Observations [model, observed_on, blended_usd_per_mtok, score] of one benchmark that
    score at or above `threshold` and are strictly cheaper than every earlier qualifying one.

    Same-day observations are taken cheapest first, so at most one low per day; an equal
    price later is not a new low. Rows with a null price or score cannot qualify.

    A `left_censored` observation (a listing's first sighting in its source's first vintage,
    on sale since some unknown date) raises the bar for later lows but is never a low itself:
    its date is not when the price appeared.
    """
    qualifying = observations.filter(
        pl.col("blended_usd_per_mtok").is_not_null() & pl.col("score").is_not_null() & (pl.col("score") >= threshold)
    ).sort("observed_on", "blended_usd_per_mtok", "model")
    if qualifying.filter(pl.col("blended_usd_per_mtok") <= 0).height:
        raise ValueError("frontier prices must be positive (log of price)")
    earlier_min = pl.col("blended_usd_per_mtok").cum_min().shift(1)
    lows = qualifying.filter(earlier_min.is_null() | (pl.col("blended_usd_per_mtok") < earlier_min))
    if "left_censored" in lows.columns:
        lows = lows.filter(~pl.col("left_censored").fill_null(False))
    return lows


def frontier_decline(observations: pl.DataFrame, threshold: float, confidence: float = 0.90) -> FrontierResult:
    """Epoch-style constant-capability decline: OLS of ln(price) on time in years over the
    frontier lows; factor per year exp(−slope), the price divides by it each year.

    The CI uses classical OLS standard errors and Student's t with n − 2 degrees of freedom,
    not HAC: the lows are a handful of distinct model launches months apart, not a monthly
    series holding values, and with 3–15 points a HAC bandwidth cannot be estimated — its
    standard errors are biased low exactly when n is small. With n = 3 the t quantile
    (6.31 at 90%) makes the interval honestly wide.
    """
    lows = frontier_lows(observations, threshold)
    n = lows.height
    if n < MIN_FRONTIER_LOWS:
        reason = f"only {n} frontier low(s) at or above {threshold:g} (need {MIN_FRONTIER_LOWS})"
        return FrontierResult(decline=None, reason=reason, lows=lows)
    days: list[dt.date] = lows["observed_on"].to_list()
    t = np.asarray(years_since(days, days[0]))
    log_price = np.log(lows["blended_usd_per_mtok"].to_numpy())
    t_dev = t - t.mean()
    sxx = float(t_dev @ t_dev)
    slope = float(t_dev @ (log_price - log_price.mean())) / sxx
    residuals = log_price - log_price.mean() - slope * t_dev
    ssr = float(residuals @ residuals)
    sst = float(((log_price - log_price.mean()) ** 2).sum())
    slope_se = math.sqrt(ssr / (n - 2) / sxx)
    quantile = float(stats.t.ppf(0.5 + confidence / 2.0, n - 2))
    decline = FrontierDecline(
        n=n,
        start_date=days[0],
        end_date=days[-1],
        factor_per_year=math.exp(-slope),
        # A steeper negative slope is a larger factor, so the upper slope bound gives the low.
        ci90_low=math.exp(-(slope + quantile * slope_se)),
        ci90_high=math.exp(-(slope - quantile * slope_se)),
        r_squared=1.0 - ssr / sst if sst > 0 else 1.0,
    )
    return FrontierResult(decline=decline, reason=None, lows=lows)
