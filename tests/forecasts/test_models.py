"""Naive, drift and damped-trend ETS models: point forecasts, interval formulas, coverage."""

import datetime as dt
import itertools
import math

import numpy as np
import polars as pl
import pytest
from scipy import stats

from forecasts.base import add_months, check_regular, future_periods
from forecasts.candidates import CANDIDATES, make_candidates
from forecasts.drift import DriftRandomWalk
from forecasts.ets import DampedTrendETS
from forecasts.loglinear import LogLinearTrend
from forecasts.naive import Naive

START = dt.date(2022, 1, 1)


def _series(values, start=START, months_apart=1):
    days = [add_months(start, months_apart * i) for i in range(len(values))]
    return pl.DataFrame({"ds": days, "y": [float(v) for v in values]})


def _tenfold_per_year(n):
    # Price divides by 10 every 12 periods exactly: log steps are all -ln(10)/12.
    return [100.0 * 10 ** (-t / 12) for t in range(n)]


def test_naive_repeats_the_last_value_and_widens_with_sqrt_h():
    # log y = 0, 1, 3, 4: steps 1, 2, 1; RMS step σ = sqrt((1 + 4 + 1) / 3) = sqrt(2).
    forecast = Naive().fit(_series(np.exp([0.0, 1.0, 3.0, 4.0]))).predict(4)
    assert forecast["ds"].to_list() == [add_months(START, k) for k in range(4, 8)]
    assert forecast["mean"].to_list() == pytest.approx([math.exp(4.0)] * 4, rel=1e-12)
    z80 = 1.2815515655446004  # standard normal 90th percentile
    for h in range(1, 5):
        hi, lo = forecast["hi_80"][h - 1], forecast["lo_80"][h - 1]
        assert math.log(hi) - 4.0 == pytest.approx(z80 * math.sqrt(2) * math.sqrt(h), rel=1e-9)
        assert 4.0 - math.log(lo) == pytest.approx(z80 * math.sqrt(2) * math.sqrt(h), rel=1e-9)


def test_naive_on_a_series_with_zeros_works_on_the_raw_scale():
    # Steps 0→2→1→1 are 2, -1, 0: σ = sqrt(5/3); intervals are additive around 1.
    forecast = Naive().fit(_series([0.0, 2.0, 1.0, 1.0])).predict(2)
    assert forecast["mean"].to_list() == [1.0, 1.0]
    assert forecast["hi_95"][1] - 1.0 == pytest.approx(1.959963984540054 * math.sqrt(5 / 3) * math.sqrt(2))


def test_drift_recovers_a_clean_exponential_decline():
    model = DriftRandomWalk().fit(_series(_tenfold_per_year(25)))
    assert model.fitted.drift_per_period == pytest.approx(-math.log(10) / 12, rel=1e-12)
    forecast = model.predict(12)
    # Twelve months after the last point (100 / 10^2) the price is ten times lower again.
    assert forecast["mean"][11] == pytest.approx(100.0 / 10**3, rel=1e-9)


def test_drift_interval_follows_farmer_lafond_variance_exactly():
    # log y = 0, 1, 3, 4, 6: m = 4 differences 1, 2, 1, 2; μ = 1.5;
    # K² = (0.25 · 4) / 3 = 1/3. Var(τ) = K² (τ + τ²/4); quantiles of t with m − 1 = 3 df.
    model = DriftRandomWalk().fit(_series(np.exp([0.0, 1.0, 3.0, 4.0, 6.0])))
    forecast = model.predict(24)
    tau = np.arange(1, 25)
    assert np.log(forecast["mean"].to_numpy()) == pytest.approx(6.0 + 1.5 * tau, rel=1e-12)
    expected_sd = math.sqrt(1 / 3) * np.sqrt(tau + tau**2 / 4)
    t80, t95 = 1.637744353696209, 3.182446305283708  # t(3) 90th and 97.5th percentiles (tables)
    log_mean = np.log(forecast["mean"].to_numpy())
    assert np.log(forecast["hi_80"].to_numpy()) - log_mean == pytest.approx(t80 * expected_sd, rel=1e-9)
    assert log_mean - np.log(forecast["lo_95"].to_numpy()) == pytest.approx(t95 * expected_sd, rel=1e-9)
    # The half-width grows faster than √τ: at τ = 24 it is √(24 + 144) / √24 = √7 times the
    # driftless √τ rate, because of the uncertainty in μ.
    half = np.log(forecast["hi_80"].to_numpy()) - log_mean
    assert half[23] / half[0] == pytest.approx(math.sqrt((24 + 144) / (1 + 0.25)), rel=1e-9)


def test_drift_normal_quantiles_and_window_option():
    history = _series(np.exp([5.0, 0.0, 1.0, 3.0, 4.0, 6.0]))
    # window=4 ignores the first step (−5), so this is the same fit as the test above.
    model = DriftRandomWalk(window=4, quantiles="normal").fit(history)
    assert (model.fitted.m, model.fitted.drift_per_period) == (4, pytest.approx(1.5))
    forecast = model.predict(1)
    half = math.log(forecast["hi_80"][0] / forecast["mean"][0])
    assert half == pytest.approx(stats.norm.ppf(0.9) * math.sqrt(1 / 3) * math.sqrt(1.25), rel=1e-9)


def test_drift_80_percent_intervals_cover_80_percent_of_simulated_outcomes():
    # 1000 seeded series from the model itself: log y_t = log y_{t-1} − 0.05 + N(0, 0.1²),
    # 25 observations (m = 24), forecasts 1..12 ahead. For Gaussian steps the normalised error
    # is exactly t(23), so coverage should be 0.80 up to simulation noise: the binomial sd per
    # horizon is 0.013 with 1000 draws, hence ±0.04 per horizon and ±0.025 pooled (horizons of
    # one series are correlated, so the pooled sd is larger than 1/sqrt(12000)).
    rng = np.random.default_rng(20160401)
    draws, m, h = 1000, 24, 12
    tau = np.arange(1, h + 1)
    covered = np.zeros((draws, h), dtype=bool)
    covered_without_drift_term = np.zeros((draws, h), dtype=bool)
    for draw in range(draws):
        path = np.log(30.0) + np.cumsum(rng.normal(-0.05, 0.1, m + 1 + h))
        forecast = DriftRandomWalk().fit(_series(np.exp(path[: m + 1]))).predict(h, levels=(80,))
        future = path[m + 1 :]
        lo, hi, mid = (np.log(forecast[c].to_numpy()) for c in ("lo_80", "hi_80", "mean"))
        covered[draw] = (lo <= future) & (future <= hi)
        # The same interval without the τ²/m drift term, to show the check has teeth.
        narrow = (hi - mid) * np.sqrt(tau / (tau + tau**2 / m))
        covered_without_drift_term[draw] = np.abs(future - mid) <= narrow
    by_horizon = covered.mean(axis=0)
    assert np.all(np.abs(by_horizon - 0.80) <= 0.04), by_horizon
    assert abs(covered.mean() - 0.80) <= 0.025
    assert covered_without_drift_term[:, -1].mean() < 0.75


def test_damped_ets_tracks_a_clean_exponential_decline_and_then_levels_off():
    history = _series(_tenfold_per_year(36))
    forecast = DampedTrendETS().fit(history).predict(24)
    truth = [100.0 * 10 ** (-t / 12) for t in range(36, 60)]
    # One step ahead the damped trend is still almost the true rate (within 1%).
    assert forecast["mean"][0] == pytest.approx(truth[0], rel=0.01)
    log_mean = np.log(forecast["mean"].to_numpy())
    steps = np.diff(log_mean)
    assert np.all(steps < 0)
    # Damping: each step declines less than the one before, so far out it sits above the line.
    assert np.all(np.diff(steps) > 0)
    assert forecast["mean"][23] > truth[23]


def test_every_candidate_returns_nested_widening_intervals_on_noisy_data():
    rng = np.random.default_rng(7)
    values = np.exp(np.log(20) - 0.06 * np.arange(30) + rng.normal(0, 0.15, 30))
    for model in make_candidates():
        forecast = model.fit(_series(values)).predict(12)
        assert forecast.columns == ["ds", "mean", "lo_80", "hi_80", "lo_95", "hi_95"], model.alias
        nested = forecast.select(
            (pl.col("lo_95") <= pl.col("lo_80"))
            & (pl.col("lo_80") <= pl.col("mean"))
            & (pl.col("mean") <= pl.col("hi_80"))
            & (pl.col("hi_80") <= pl.col("hi_95"))
        )
        assert nested.to_series().all(), model.alias
        widths = np.log(forecast["hi_95"] / forecast["lo_95"]).to_list()
        assert all(b > a for a, b in itertools.pairwise(widths)), model.alias


def test_quarterly_series_forecast_whole_quarters_ahead():
    history = _series(_tenfold_per_year(12), start=dt.date(2022, 4, 1), months_apart=3)
    expected = [dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1), dt.date(2026, 1, 1)]
    for model in make_candidates("quarter"):
        assert model.fit(history).predict(4)["ds"].to_list() == expected, model.alias
    assert future_periods(dt.date(2025, 1, 1), 2, "quarter") == expected[:2]


def test_irregular_or_mismatched_dates_are_rejected():
    with pytest.raises(ValueError, match="regular"):
        check_regular([dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 4, 1)], "month")
    with pytest.raises(ValueError, match="first day"):
        check_regular([dt.date(2024, 1, 31), dt.date(2024, 2, 29)], "month")
    monthly = _series(_tenfold_per_year(12))
    for model in (Naive(freq="quarter"), DriftRandomWalk(freq="quarter"), LogLinearTrend(freq="quarter")):
        with pytest.raises(ValueError, match="quarterly"):
            model.fit(monthly)


def test_registry_holds_the_four_candidates_simplest_first_with_defaults():
    models = make_candidates()
    assert [model.alias for model in models] == ["naive", "drift_rw", "loglinear_hac", "ets_damped"]
    assert list(CANDIDATES)[:4] == [model.alias for model in models]
    # The share and step models are registered but chosen per family (vendors' shipments,
    # prices): they need peers.
    assert list(CANDIDATES)[4:] == ["share_of_total", "step_decline"]
    assert models[1].hyperparameters == {"freq": "month", "window": None, "quantiles": "t"}
    assert models[3].hyperparameters["damped_trend"] is True
    with pytest.raises(ValueError, match="unknown"):
        make_candidates(aliases=["prophet"])


@pytest.mark.parametrize("model", [Naive(), DriftRandomWalk(), DampedTrendETS()], ids=lambda m: m.alias)
def test_predict_before_fit_is_an_error(model):
    with pytest.raises(RuntimeError):
        model.predict(3)
