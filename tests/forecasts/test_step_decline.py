"""The step-decline price model, the weighted interval score and pooled family selection."""

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from forecasts.backtest import weighted_interval_score
from forecasts.base import add_months
from forecasts.loglinear import LogLinearTrend
from forecasts.pooled import forecast_family
from forecasts.step_decline import StepDecline, TierRate, new_lows, pool_rates, tier_rate


def _monthly(values, start=dt.date(2023, 1, 1)):
    return pl.DataFrame(
        {"ds": [add_months(start, i) for i in range(len(values))], "y": [float(v) for v in values]},
        schema={"ds": pl.Date(), "y": pl.Float64()},
    )


def test_new_lows_keep_only_strictly_lower_values():
    frame = _monthly([8, 8, 9, 4, 4, 2])
    days, lows = new_lows(frame["ds"].to_list(), frame["y"].to_numpy())
    assert lows.tolist() == [8.0, 4.0, 2.0]
    assert days == [dt.date(2023, 1, 1), dt.date(2023, 4, 1), dt.date(2023, 6, 1)]


def test_tier_rate_is_the_frontier_lows_slope():
    # Lows halve every two months exactly (Jan, Mar, May): rate ln2 per (59/365.25) years... per low spacing.
    frame = _monthly([8, 8, 4, 4, 2])
    rate = tier_rate(frame["ds"].to_list(), frame["y"].to_numpy())
    t = np.array([0, 59, 120]) / 365.25  # Jan 1, Mar 1, May 1 2023
    expected = -np.polyfit(t, np.log([8, 4, 2]), 1)[0]
    assert rate.rate_per_year == pytest.approx(expected)
    assert rate.n_lows == 3 and rate.months == 4.0
    assert rate.drops == pytest.approx((math.log(2), math.log(2)))


def test_pooling_shrinks_toward_the_common_rate_by_uncertainty():
    # b = 1.0 and 2.0 with se 0.1: fixed mean 1.5, Q = 50, denominator 100, tau² = 0.49;
    # the first tier's weight on the common rate is 0.01 / 0.50 = 0.02 → 0.98·1 + 0.02·1.5.
    first = TierRate(1.0, 0.1, 5, 24.0, ())
    second = TierRate(2.0, 0.1, 5, 24.0, ())
    pooled = pool_rates(first, [first, second])
    assert pooled.common_rate == pytest.approx(1.5)
    assert pooled.tau == pytest.approx(0.7)
    assert pooled.rate_per_year == pytest.approx(1.01)
    # A tier without lows of its own takes the common rate with the between-tier variance.
    missing = pool_rates(TierRate(None, None, 1, 6.0, ()), [first, second])
    assert missing.rate_per_year == pytest.approx(1.5) and missing.sd > 0.7


def test_pooling_needs_at_least_one_rated_tier():
    with pytest.raises(ValueError, match="new lows"):
        pool_rates(TierRate(None, None, 1, 6.0, ()), [TierRate(None, None, 2, 6.0, ())])


def _halving_series(months=30, every=3, start=16.0):
    return _monthly([start / 2 ** (i // every) for i in range(months)])


def test_step_decline_continues_from_the_last_value_and_declines_at_the_pooled_rate():
    history = _halving_series()
    peer = _halving_series(start=40.0)
    model = StepDecline(peers={"peer": peer}).fit(history)
    forecast = model.predict(24)
    last = history["y"][-1]
    rate = model.fitted.pooled.rate_per_year
    # The first month continues from today's price: at most one month of the rate below it.
    assert last * math.exp(-rate / 12) * 0.999 <= forecast["mean"][0] <= last
    assert rate == pytest.approx(4 * math.log(2), rel=0.05)  # halving each quarter
    # The median after two years is within a factor 2 of the rate's path from today.
    assert 0.5 < forecast["mean"][-1] / (last * math.exp(-2 * rate)) < 2
    assert (forecast["lo_95"] <= forecast["lo_80"]).all() and (forecast["hi_80"] <= forecast["hi_95"]).all()
    assert forecast["lo_95"][0] <= forecast["mean"][0] <= forecast["hi_95"][0]


def test_dispersion_matches_observed_twelve_month_changes():
    from forecasts.step_decline import dispersion_factor

    # Perfectly regular halving every quarter: twelve-month changes never vary, so the step
    # noise is shrunk to the lower bound; with no series long enough the factor is 1.
    z = np.log(_halving_series(months=30)["y"].to_numpy())
    assert dispersion_factor([z], [4 * math.log(2)], 1 / 3, 1.0, "month") == pytest.approx(0.05)
    assert dispersion_factor([z[:10]], [1.0], 1 / 3, 1.0, "month") == 1.0


def test_step_decline_is_deterministic_and_ignores_peer_data_after_the_origin():
    history = _halving_series(months=20)
    peer = _halving_series(months=20, start=40.0)
    longer_peer = _halving_series(months=30, start=40.0)
    first = StepDecline(peers={"peer": peer}).fit(history).predict(12)
    again = StepDecline(peers={"peer": peer}).fit(history).predict(12)
    future_known = StepDecline(peers={"peer": longer_peer}).fit(history).predict(12)
    assert first.equals(again)
    assert first.equals(future_known)


def test_weighted_interval_score_by_hand():
    bounds = {80: (np.array([-1.0, -1.0]), np.array([1.0, 1.0])), 95: (np.array([-2.0, -2.0]), np.array([2.0, 2.0]))}
    scores = weighted_interval_score(np.array([0.0, 3.0]), np.array([0.0, 0.0]), bounds)
    # Inside: (0.1·2 + 0.025·4) / 2.5; outside by 2 and 1: (1.5 + 0.1·22 + 0.025·44) / 2.5.
    assert scores.tolist() == pytest.approx([0.12, 1.92])


def test_anchored_log_linear_trend_starts_from_the_last_observation():
    # A step series whose fitted line lies far below the last value.
    history = _monthly([100, 100, 100, 100, 100, 100, 1, 1, 1, 1, 1, 100])
    anchored = LogLinearTrend().fit(history)
    slope = anchored.fitted.slope_per_year
    first = anchored.predict(1)["mean"][0]
    assert first == pytest.approx(100 * math.exp(slope * 31 / 365.25))
    line = LogLinearTrend(anchored=False).fit(history).predict(1)["mean"][0]
    assert line < first / 2


def test_family_champion_is_chosen_on_pooled_scores():
    series = {"a": _halving_series(months=36), "b": _halving_series(months=36, start=40.0)}
    family = forecast_family(
        series,
        12,
        backtest_horizon=12,
        backtest_windows=8,
        backtest_step=2,
        score_leads=(6, 12),
        candidates=("naive", "drift_rw", "step_decline"),
    )
    pooled = family.family_scores.filter(pl.col("lead") == 0)
    calibrated = pooled.filter(pl.col("coverage_80") >= 0.65)
    best = calibrated.sort("wis").row(0, named=True)["model"]
    assert set(pooled.filter(pl.col("is_champion"))["model"]) == {best}
    assert set(family.values["model"]) == {best}
    assert "pooled over 2 series at leads 6, 12" in family.backtests["champion_reason"][0]
    naive = family.family_scores.filter(pl.col("model") == "naive")
    assert naive["wis_vs_naive"].to_list() == pytest.approx([1.0] * naive.height)
    assert set(family.family_scores["lead"]) == {0, 6, 12}
