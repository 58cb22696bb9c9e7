"""Annual decline factors from a log-linear trend: "the price divides by F each year".

With slope b per year on log price, F = exp(-b). The 90% CI uses the HAC standard error of
b and Student's t on the residual degrees of freedom. F > 1 means prices fall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

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
