import datetime as dt

import numpy as np
import polars as pl
import pytest
from scipy import special

from forecasts.adoption import (
    BassAdoption,
    LogisticAdoption,
    bass_share,
    infer_period_months,
)
from forecasts.base import add_months

D = dt.date
START = D(2023, 1, 1)
MONTH_YEARS = 1 / 12


def _months(count, start=START):
    return [add_months(start, i) for i in range(count)]


def _years(days, origin=START):
    return np.array([(day - origin).days / 365.25 for day in days])


def _mid_month_years(days):
    # Per-month shares are observed, on average, in the middle of their month.
    return _years(days) + MONTH_YEARS / 2


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_logistic_recovers_an_exact_curve():
    # statsmodels flags noiseless data as "perfect prediction"; here that is the point.
    # Noiseless shares on the curve logit(share) = 3 (t - 1.25): midpoint 2024-04-01 (t in
    # years since 2023-01-01 of 365.25 days: 1.25 years = 456.56 days).
    days = _months(30)
    shares = special.expit(3.0 * (_mid_month_years(days) - 1.25))
    model = LogisticAdoption().fit(pl.DataFrame({"ds": days, "y": shares, "n": [1000.0] * 30}))
    assert model.fitted is not None
    assert model.fitted.slope_per_year == pytest.approx(3.0, rel=1e-6)
    midpoint = model.midpoint()
    assert midpoint.years_since_origin == pytest.approx(1.25, abs=1e-6)
    assert midpoint.value == START + dt.timedelta(days=round(1.25 * 365.25))
    assert midpoint.ci_low < midpoint.value < midpoint.ci_high


def test_logistic_recovers_a_known_midpoint_from_simulated_releases():
    # Seeded: 36 months of 25 releases each, each a reasoning model with probability
    # expit(2.5 (t - 1.5)), t in years since 2023-01-01 at mid-month. The midpoint is 1.5
    # years (about 2024-07-02). Tolerance: 0.1 year (5 weeks), roughly 2 standard errors.
    rng = np.random.default_rng(42)
    days = _months(36)
    p = special.expit(2.5 * (_mid_month_years(days) - 1.5))
    counts = rng.binomial(25, p)
    history = pl.DataFrame({"ds": days, "y": counts / 25, "n": [25.0] * 36})
    model = LogisticAdoption().fit(history)
    midpoint = model.midpoint(level=0.90)
    assert midpoint.years_since_origin == pytest.approx(1.5, abs=0.1)
    assert midpoint.ci_low < D(2024, 7, 2) < midpoint.ci_high
    share = model.share_at(D(2025, 12, 31))
    assert share.ci_low < share.share < share.ci_high
    assert share.share == pytest.approx(float(special.expit(2.5 * (3.0 - 1.5))), abs=0.02)


def test_logistic_midpoint_interval_covers_about_as_often_as_stated():
    # Seeded: 150 simulated histories (24 months x 15 releases). The 90% delta-method
    # interval should cover the true midpoint in about 90% of them; 82%..97% allows for
    # simulation noise and the delta method's asymmetry.
    rng = np.random.default_rng(7)
    days = _months(24)
    p = special.expit(3.0 * (_mid_month_years(days) - 1.0))
    covered = 0
    for _ in range(150):
        counts = rng.binomial(15, p)
        model = LogisticAdoption().fit(pl.DataFrame({"ds": days, "y": counts / 15, "n": [15.0] * 24}))
        midpoint = model.midpoint()
        covered += abs(midpoint.years_since_origin - 1.0) < 1.6449 * midpoint.se_years
    assert 0.82 <= covered / 150 <= 0.97


def test_per_model_rows_give_the_same_curve_as_monthly_counts():
    # The same releases as binary rows on their exact dates, or as monthly counts placed
    # mid-month: the fitted midpoints agree within a few days.
    rng = np.random.default_rng(5)
    release_days = sorted(START + dt.timedelta(days=int(d)) for d in rng.integers(0, 730, 600))
    p = special.expit(4.0 * (_years(release_days) - 1.0))
    flags = (rng.random(600) < p).astype(float)
    per_model = pl.DataFrame({"ds": release_days, "y": flags})
    monthly = (
        per_model.group_by(pl.col("ds").dt.truncate("1mo"))
        .agg(y=pl.col("y").mean(), n=pl.len().cast(pl.Float64))
        .sort("ds")
    )
    from_rows = LogisticAdoption().fit(per_model).midpoint()
    from_counts = LogisticAdoption().fit(monthly).midpoint()
    assert abs((from_rows.value - from_counts.value).days) <= 7  # type: ignore[operator]


def test_logistic_predict_follows_the_contract():
    rng = np.random.default_rng(1)
    days = [add_months(START, 3 * i) for i in range(10)]
    p = special.expit(2.0 * (_years(days) + 0.125 - 1.0))
    history = pl.DataFrame({"ds": days, "y": rng.binomial(40, p) / 40, "n": [40.0] * 10})
    model = LogisticAdoption().fit(history)
    forecast = model.predict(4)
    assert forecast.columns == ["ds", "mean", "lo_80", "hi_80", "lo_95", "hi_95"]
    assert forecast["ds"].to_list() == [D(2025, 7, 1), D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1)]
    ordered = forecast.select(
        (pl.col("lo_95") <= pl.col("lo_80"))
        & (pl.col("lo_80") <= pl.col("mean"))
        & (pl.col("mean") <= pl.col("hi_80"))
        & (pl.col("hi_80") <= pl.col("hi_95"))
        & (pl.col("lo_95") >= 0)
        & (pl.col("hi_95") <= 1)
    )
    assert ordered.to_series().all()
    assert forecast["mean"].is_sorted()
    predictive = LogisticAdoption(predictive_n=10).fit(history).predict(4)
    assert (predictive["hi_95"] - predictive["lo_95"] > forecast["hi_95"] - forecast["lo_95"]).all()
    assert model.hyperparameters["predictive_n"] is None
    with pytest.raises(ValueError, match="never varies"):
        LogisticAdoption().fit(pl.DataFrame({"ds": days, "y": [0.0] * 10}))
    with pytest.raises(ValueError, match="share in"):
        LogisticAdoption().fit(pl.DataFrame({"ds": days, "y": [1.5] * 10}))
    with pytest.raises(RuntimeError, match="before fit"):
        LogisticAdoption().predict(3)


def test_bass_recovers_p_and_q_from_noiseless_shares():
    # Shares exactly on a Bass curve with p = 0.3, q = 2.0 per year from 2024-09-01,
    # monthly, observed mid-month: the fit recovers both to 1e-4 relative.
    origin = D(2024, 9, 1)
    days = _months(18, start=origin)
    shares = bass_share(_years(days, origin) + MONTH_YEARS / 2, 0.3, 2.0)
    model = BassAdoption(origin=origin).fit(pl.DataFrame({"ds": days, "y": shares, "n": [10.0] * 18}))
    fitted = model.parameters
    assert fitted.p == pytest.approx(0.3, rel=1e-4)
    assert fitted.q == pytest.approx(2.0, rel=1e-4)
    assert (fitted.m, fitted.m_se) == (1.0, 0.0)
    forecast = model.predict(6)
    expected = bass_share(_years(forecast["ds"].to_list(), origin) + MONTH_YEARS / 2, 0.3, 2.0)
    assert forecast["mean"].to_numpy() == pytest.approx(expected, rel=1e-4)
    assert (forecast["hi_95"] - forecast["lo_95"]).max() < 1e-3  # noiseless: no uncertainty


def test_bass_fits_a_ceiling_when_asked():
    origin = D(2024, 9, 1)
    days = _months(30, start=origin)
    shares = bass_share(_years(days, origin) + MONTH_YEARS / 2, 0.2, 1.5, m=0.7)
    fitted = BassAdoption(origin=origin, m=None).fit(pl.DataFrame({"ds": days, "y": shares})).parameters
    assert (fitted.p, fitted.q, fitted.m) == (
        pytest.approx(0.2, rel=1e-3),
        pytest.approx(1.5, rel=1e-3),
        pytest.approx(0.7, rel=1e-3),
    )


def test_bass_intervals_on_noisy_shares_are_ordered_and_bounded():
    rng = np.random.default_rng(3)
    origin = D(2024, 9, 1)
    days = _months(20, start=origin)
    p = bass_share(_years(days, origin) + MONTH_YEARS / 2, 0.3, 2.0)
    model = BassAdoption(origin=origin).fit(pl.DataFrame({"ds": days, "y": rng.binomial(30, p) / 30, "n": 30.0}))
    forecast = model.predict(6)
    ordered = forecast.select(
        (pl.col("lo_95") <= pl.col("lo_80"))
        & (pl.col("lo_80") <= pl.col("mean"))
        & (pl.col("mean") <= pl.col("hi_80"))
        & (pl.col("hi_80") <= pl.col("hi_95"))
        & (pl.col("hi_95") <= 1)
    )
    assert ordered.to_series().all()
    assert model.parameters.p_se > 0 and model.parameters.q_se > 0
    with pytest.raises(ValueError, match="never above zero"):
        BassAdoption().fit(pl.DataFrame({"ds": days, "y": [0.0] * 20}))


def test_bass_share_is_zero_before_the_origin_and_tends_to_m():
    t = np.array([-1.0, 0.0, 50.0])
    assert bass_share(t, 0.1, 1.0, m=0.8).tolist() == pytest.approx([0.0, 0.0, 0.8])


def test_period_spacing_is_inferred_from_the_dates():
    assert infer_period_months(_months(5)) == 1
    assert infer_period_months([add_months(START, 3 * i) for i in range(5)]) == 3
    assert infer_period_months([START]) == 1
