import datetime as dt
import itertools
import math

import numpy as np
import polars as pl
import pytest

from forecasts.base import add_months
from forecasts.decline import decline_factor
from forecasts.loglinear import LogLinearTrend
from forecasts.price_decline import forecast_price_index


def _monthly(values, start=dt.date(2022, 1, 1)):
    return pl.DataFrame({"ds": [add_months(start, i) for i in range(len(values))], "y": values})


def test_clean_exponential_decline_recovers_its_rate():
    # Price divides by 10 every year exactly.
    start = dt.date(2022, 1, 1)
    days = [add_months(start, i) for i in range(36)]
    values = [100.0 * 10 ** (-((d - start).days / 365.25)) for d in days]
    model = LogLinearTrend().fit(pl.DataFrame({"ds": days, "y": values}))
    factor = decline_factor(model.fitted)
    assert factor.factor_per_year == pytest.approx(10.0, rel=1e-9)
    assert factor.r_squared == pytest.approx(1.0)


def test_decline_ci_covers_the_true_factor_about_90_percent_of_the_time():
    # Seeded simulation: 300 noisy series with a known decline of e^1.2 (about 3.3x) a year.
    # With white noise the 90% CI should cover the truth in roughly 90% of draws; the
    # tolerance (80%..97%) allows for HAC's small-sample bias and simulation noise.
    start = dt.date(2020, 1, 1)
    days = [add_months(start, i) for i in range(36)]
    t = np.array([(d - start).days / 365.25 for d in days])
    rng = np.random.default_rng(2024)
    covered = 0
    for _ in range(300):
        values = np.exp(np.log(50) - 1.2 * t + rng.normal(0, 0.2, t.size))
        factor = decline_factor(LogLinearTrend().fit(pl.DataFrame({"ds": days, "y": values})).fitted)
        assert factor.ci90_low < factor.factor_per_year < factor.ci90_high
        covered += factor.ci90_low < math.exp(1.2) < factor.ci90_high
    assert 0.80 <= covered / 300 <= 0.97


def test_prediction_intervals_nest_and_widen_with_horizon():
    rng = np.random.default_rng(3)
    values = list(np.exp(np.log(20) - 0.8 * np.arange(24) / 12 + rng.normal(0, 0.3, 24)))
    forecast = LogLinearTrend().fit(_monthly(values)).predict(12)
    assert forecast.height == 12
    assert forecast["ds"][0] == add_months(dt.date(2022, 1, 1), 24)
    ordered = forecast.select(
        (pl.col("lo_95") <= pl.col("lo_80"))
        & (pl.col("lo_80") <= pl.col("mean"))
        & (pl.col("mean") <= pl.col("hi_80"))
        & (pl.col("hi_80") <= pl.col("hi_95"))
    )
    assert ordered.to_series().all()
    log_width = (forecast["hi_95"] / forecast["lo_95"]).log().to_list()
    assert all(b > a for a, b in itertools.pairwise(log_width))


def test_predict_before_fit_is_an_error():
    with pytest.raises(RuntimeError):
        LogLinearTrend().predict(3)


def test_forecast_price_index_skips_short_series_and_says_why():
    index = pl.DataFrame(
        {
            "tier_id": ["long"] * 8 + ["short"] * 2,
            "benchmark": ["mmlu"] * 10,
            "threshold_model": [None] * 10,
            "threshold_score": [70.0] * 10,
            "month": [add_months(dt.date(2023, 1, 1), i) for i in range(8)]
            + [dt.date(2023, 1, 1), dt.date(2023, 2, 1)],
            "cheapest_blended_usd_per_mtok": [10.0, 8.0, 6.0, 5.0, 4.0, 3.0, 2.5, 2.0, 1.0, 1.0],
        },
        schema_overrides={"threshold_model": pl.String},
    )
    result = forecast_price_index(index, horizon_months=6)
    assert set(result.values["series_id"]) == {"long"}
    assert result.values.height == 6
    assert "short" in result.skipped and "2 months" in result.skipped["short"]
    assert result.declines["factor_per_year"][0] > 1
