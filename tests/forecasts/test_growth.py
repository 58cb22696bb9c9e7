import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from scipy import stats

from forecasts.base import add_months
from forecasts.growth import GROWTH_SCHEMA, growth_factor, growth_table

D = dt.date


def _series(days, values):
    return pl.DataFrame({"ds": days, "y": values}, schema={"ds": pl.Date, "y": pl.Float64})


def test_exact_quarterly_growth_is_recovered():
    start = D(2022, 1, 1)
    days = [add_months(start, 3 * i) for i in range(16)]
    values = [100.0 * 3.0 ** ((day - start).days / 365.25) for day in days]
    fit = growth_factor(_series(days, values))
    assert fit.factor_per_year == pytest.approx(3.0, rel=1e-9)
    assert fit.r_squared == pytest.approx(1.0)
    assert (fit.n, fit.start, fit.end) == (16, start, days[-1])
    assert fit.doubling_time_years == pytest.approx(math.log(2) / math.log(3))


def test_irregular_dates_are_placed_in_time():
    # Google's token reports fall on irregular dates; a series doubling each year exactly.
    days = [D(2024, 4, 15), D(2025, 4, 30), D(2025, 7, 23), D(2025, 9, 30)]
    values = [2.0 ** ((day - days[0]).days / 365.25) for day in days]
    fit = growth_factor(_series(days, values))
    assert fit.factor_per_year == pytest.approx(2.0, rel=1e-9)


def test_default_interval_uses_the_larger_of_ols_and_hac_errors():
    # Google's four token reports (tokens per day): HAC errors come out at half the OLS
    # ones here, so the default interval uses the OLS ones.
    days = [D(2024, 4, 15), D(2025, 4, 30), D(2025, 7, 23), D(2025, 9, 30)]
    series = _series(days, [3.23e11, 1.6e13, 3.3e13, 4.3e13])
    auto, ols, hac = (growth_factor(series, cov=c) for c in ("auto", "ols", "hac"))
    assert auto.slope_se == pytest.approx(max(ols.slope_se, hac.slope_se))
    assert (auto.cov, auto.ci_low, auto.ci_high) == (ols.cov, ols.ci_low, ols.ci_high)
    assert hac.slope_se < ols.slope_se
    assert auto.slope_per_year == pytest.approx(hac.slope_per_year)


def test_hand_computed_slope_interval_and_r_squared():
    # t = 0, 4, 8 years (1461 days = 4 x 365.25), log y = 0, 4, 12.
    # slope = 48/32 = 1.5; residuals 2/3, -4/3, 2/3: SSR = 8/3, s^2 = 8/3 on 1 df,
    # se = sqrt((8/3) / 32) = sqrt(1/12); R^2 = 1 - (8/3) / (224/3) = 27/28.
    days = [D(2020, 1, 1), D(2024, 1, 1), D(2028, 1, 1)]
    fit = growth_factor(_series(days, [1.0, math.exp(4), math.exp(12)]), cov="ols")
    assert fit.slope_per_year == pytest.approx(1.5)
    assert fit.factor_per_year == pytest.approx(math.exp(1.5))
    assert fit.slope_se == pytest.approx(math.sqrt(1 / 12))
    assert fit.r_squared == pytest.approx(27 / 28)
    half_width = stats.t.ppf(0.95, 1) * math.sqrt(1 / 12)
    assert fit.ci_low == pytest.approx(math.exp(1.5 - half_width))
    assert fit.ci_high == pytest.approx(math.exp(1.5 + half_width))
    wider = growth_factor(_series(days, [1.0, math.exp(4), math.exp(12)]), cov="ols", level=0.95)
    assert wider.ci_low < fit.ci_low and wider.ci_high > fit.ci_high


@pytest.mark.parametrize(("n", "months_apart"), [(16, 3), (6, 5)])
def test_interval_covers_the_true_factor_about_as_often_as_stated(n, months_apart):
    # Seeded: 200 series growing 2.3x a year with white noise (sd 0.15 in logs). The 90%
    # interval should cover 2.3 in roughly 90% of them; 83%..96% allows for simulation
    # noise (binomial sd about 2 points). HAC errors alone cover about 80% at n = 16.
    rng = np.random.default_rng(2025)
    start = D(2022, 1, 1)
    days = [add_months(start, months_apart * i) for i in range(n)]
    t = np.array([(day - start).days / 365.25 for day in days])
    covered = 0
    for _ in range(200):
        values = np.exp(math.log(2.3) * t + rng.normal(0, 0.15, n))
        fit = growth_factor(_series(days, values))
        covered += fit.ci_low < 2.3 < fit.ci_high
    assert 0.83 <= covered / 200 <= 0.96


def test_rejects_unusable_series():
    days = [D(2024, 1, 1), D(2024, 4, 1), D(2024, 7, 1)]
    with pytest.raises(ValueError, match="at least 3"):
        growth_factor(_series(days[:2], [1.0, 2.0]))
    with pytest.raises(ValueError, match="positive"):
        growth_factor(_series(days, [1.0, 0.0, 2.0]))
    with pytest.raises(ValueError, match="one date"):
        growth_factor(_series([days[0]] * 3, [1.0, 2.0, 3.0]))


def test_growth_table_fits_each_group_and_skips_short_ones():
    start = D(2024, 1, 1)
    days = [add_months(start, 3 * i) for i in range(4)]
    frame = pl.DataFrame(
        {
            "vendor": ["a"] * 4 + ["b"] * 4 + ["c"] * 2,
            "quarter": days + days + days[:2],
            "installed_h100e": [2.0 ** ((d - start).days / 365.25) for d in days]
            + [4.0 ** ((d - start).days / 365.25) for d in days]
            + [1.0, 2.0],
        }
    )
    table = growth_table(frame, ["vendor"], date_col="quarter", value_col="installed_h100e")
    assert table["vendor"].to_list() == ["a", "b"]
    assert table["factor_per_year"].to_list() == pytest.approx([2.0, 4.0])
    assert table.schema == pl.Schema({"vendor": pl.String} | GROWTH_SCHEMA)
