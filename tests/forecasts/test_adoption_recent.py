"""The recent-share adoption forecast: pooled share, overdispersion and bands by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from scipy import stats

from forecasts.adoption_recent import recent_share, recent_share_forecast


def _history(shares: list[float], counts: list[int]) -> pl.DataFrame:
    days = [dt.date(2025 + i // 4, 1 + 3 * (i % 4), 1) for i in range(len(shares))]
    return pl.DataFrame({"ds": days, "y": shares, "n": counts}, schema_overrides={"ds": pl.Date()})


def test_pooled_share_and_overdispersion_by_hand():
    fit = recent_share(_history([0.5, 0.8], [10, 10]))
    # 13 of 20; Pearson chi2 = 2 x (1.5^2 / (10 x 0.65 x 0.35)) = 1.978 on 1 df.
    assert (fit.share, fit.n_reasoning, fit.n_flag_known) == (pytest.approx(0.65), 13, 20)
    assert fit.dispersion == pytest.approx(2 * 2.25 / 2.275)
    # variance = phi p (1 - p) (1/10 + 1/20)
    assert fit.variance() == pytest.approx(fit.dispersion * 0.2275 * 0.15)
    low, high = fit.interval(0.8)
    assert 0.0 < low < 0.65 < high < 1.0


def test_only_the_last_four_quarters_with_a_known_flag_count():
    fit = recent_share(_history([0.0, 0.0, 0.5, 0.5, 0.5, 0.5], [10, 0, 4, 4, 4, 4]))
    assert (fit.share, fit.n_quarters, fit.start) == (0.5, 4, dt.date(2025, 7, 1))


def test_a_share_of_zero_gets_a_one_sided_band_not_a_point():
    fit = recent_share(_history([0.0, 0.0, 0.0, 0.0], [8, 8, 8, 8]))
    assert fit.share == 0.0 and fit.dispersion == 1.0
    # effective count 1 / (1/8 + 1/32) = 6.4; Jeffreys Beta(0.5, 6.9); upper at 90% for an 80% band
    low, high = fit.interval(0.8)
    assert low == 0.0
    assert high == pytest.approx(stats.beta.ppf(0.9, 0.5, 6.9))
    assert 0.05 < high < 0.3
    ones = recent_share(_history([1.0, 1.0], [2, 2]))
    low, high = ones.interval(0.95)
    assert high == 1.0 and low == pytest.approx(stats.beta.ppf(0.025, 1 / (1 / 2 + 1 / 4) + 0.5, 0.5))


def test_forecast_holds_the_level_for_each_following_quarter():
    fit = recent_share(_history([0.5, 0.8], [10, 10]))
    frame = recent_share_forecast(fit, 3, levels=(80,))
    assert frame["ds"].to_list() == [dt.date(2025, 7, 1), dt.date(2025, 10, 1), dt.date(2026, 1, 1)]
    assert frame["mean"].to_list() == [pytest.approx(0.65)] * 3
    assert frame["lo_80"].n_unique() == 1 and frame["lo_80"][0] == pytest.approx(fit.interval(0.8)[0])
