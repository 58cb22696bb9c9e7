"""share_of_total: a part forecast as total x share never exceeds the total."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.base import future_periods
from forecasts.drift import DriftRandomWalk
from forecasts.share_of_total import ShareOfTotal, logit

START = dt.date(2024, 1, 1)


def _series(values: list[float]) -> pl.DataFrame:
    days = [START, *future_periods(START, len(values) - 1, "quarter")]
    return pl.DataFrame({"ds": days, "y": values}, schema={"ds": pl.Date(), "y": pl.Float64()})


TOTAL = _series([10.0, 13.0, 15.0, 21.0, 26.0, 30.0, 37.0, 45.0])
# A volatile part: its own drift band would pass the total's within two years.
PART = _series([0.7, 1.5, 2.0, 2.2, 1.7, 1.1, 2.1, 2.3])


def test_the_total_itself_is_forecast_as_drift() -> None:
    own = ShareOfTotal(freq="quarter", peers={"all": TOTAL, "AMD": PART}).fit(TOTAL).predict(8)
    drift = DriftRandomWalk(freq="quarter").fit(TOTAL).predict(8)
    assert own.equals(drift)


def test_a_parts_bounds_stay_below_the_totals() -> None:
    total = DriftRandomWalk(freq="quarter").fit(TOTAL).predict(12)
    part = ShareOfTotal(freq="quarter", peers={"all": TOTAL}).fit(PART).predict(12)
    drift = DriftRandomWalk(freq="quarter").fit(PART).predict(12)
    assert drift["hi_95"][-1] > total["hi_95"][-1]  # the problem: alone, the part outgrows the whole
    for bound in ("mean", "hi_80", "hi_95"):
        # Simulated draws of the total: within 5% of its analytic quantiles at the 4,000 draws used.
        assert (part[bound] <= total[bound] * 1.05).all(), bound
    assert part["ds"].to_list() == total["ds"].to_list()


def test_the_median_share_continues_from_the_last_share() -> None:
    part = ShareOfTotal(freq="quarter", peers={"all": TOTAL}).fit(PART).predict(1)
    share_steps = np.diff(logit(PART["y"].to_numpy() / TOTAL["y"].to_numpy()))
    total_step = np.mean(np.diff(np.log(TOTAL["y"].to_numpy())))
    last_logit = logit(np.array([2.3 / 45.0]))[0] + share_steps.mean()
    expected = 45.0 * np.exp(total_step) / (1 + np.exp(-last_logit))  # medians of independent parts
    assert part["mean"][0] == pytest.approx(expected, rel=0.05)


def test_the_total_is_cut_at_the_fitted_history() -> None:
    later = _series([10.0, 13.0, 15.0, 21.0, 26.0, 30.0, 37.0, 45.0, 400.0])  # a future quarter
    cut = ShareOfTotal(freq="quarter", peers={"all": later}).fit(PART).predict(4)
    plain = ShareOfTotal(freq="quarter", peers={"all": TOTAL}).fit(PART).predict(4)
    assert cut.equals(plain)


def test_a_share_outside_the_unit_interval_is_an_error() -> None:
    bigger = _series([20.0, 26.0, 30.0, 42.0, 52.0, 60.0, 74.0, 90.0])
    with pytest.raises(ValueError, match=r"share of 'all' must lie in \(0, 1\)"):
        ShareOfTotal(freq="quarter", peers={"all": TOTAL}).fit(bigger)


@settings(max_examples=25, deadline=None)
@given(
    shares=st.lists(st.floats(0.01, 0.9), min_size=5, max_size=10),
    growth=st.floats(0.0, 0.5),
)
def test_any_parts_upper_bound_is_below_the_totals(shares: list[float], growth: float) -> None:
    total_values = [100.0 * np.exp(growth * i) * (1 + 0.1 * (i % 2)) for i in range(len(shares))]
    total = _series(total_values)
    part = _series([s * t for s, t in zip(shares, total_values, strict=True)])
    bound = ShareOfTotal(freq="quarter", draws=2000, peers={"all": total}).fit(part).predict(8)
    reference = ShareOfTotal(freq="quarter", draws=2000, peers={"all": total}).fit(total)
    total_draws = reference.predict(8)
    assert (bound["hi_95"] <= total_draws["hi_95"] * 1.1).all()
