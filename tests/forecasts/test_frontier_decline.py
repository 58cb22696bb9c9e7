"""Constant-capability decline over frontier price lows (Epoch AI "LLM inference prices" style)."""

import datetime as dt
import math

import polars as pl
import pytest

from forecasts.decline import frontier_decline, frontier_lows

T2_95 = 2.919985580355516  # Student t, 2 df, 95th percentile (two-sided 90% CI)


def _observations(rows):
    return pl.DataFrame(rows, schema=["model", "observed_on", "blended_usd_per_mtok", "score"], orient="row")


# Threshold 60. Walk in date order:
#   A 2023-01-01 $16 score 70 → qualifies, first → low 1
#   B 2023-06-01 $20 score 75 → qualifies, dearer than 16 → not a low
#   C 2023-09-01 $4  score 50 → below threshold → ignored (cheap but not capable enough)
#   D 2024-01-01 $8  score 60 → qualifies (at threshold), 8 < 16 → low 2
#   E 2024-06-01 $8  score 80 → qualifies, equal to 8, not strictly cheaper → not a low
#   F 2025-01-01 $2  score 65 → low 3
#   G 2026-01-01 $1  score 90 → low 4
HAND = _observations(
    [
        ("A", dt.date(2023, 1, 1), 16.0, 70.0),
        ("B", dt.date(2023, 6, 1), 20.0, 75.0),
        ("C", dt.date(2023, 9, 1), 4.0, 50.0),
        ("D", dt.date(2024, 1, 1), 8.0, 60.0),
        ("E", dt.date(2024, 6, 1), 8.0, 80.0),
        ("F", dt.date(2025, 1, 1), 2.0, 65.0),
        ("G", dt.date(2026, 1, 1), 1.0, 90.0),
    ]
)


def test_frontier_lows_keep_only_strict_new_lows_of_qualifying_models():
    assert frontier_lows(HAND, threshold=60)["model"].to_list() == ["A", "D", "F", "G"]


def test_decline_on_a_hand_computed_example():
    # Lows at day 0, 365, 731, 1096 (2024 is a leap year); ln price = ln2 · (4, 3, 1, 0).
    # Day mean 548, deviations −548, −183, 183, 548: Sxx = 2(548² + 183²) = 667586 day².
    # ln-price deviations ln2 · (2, 1, −1, −2): Sxy = −ln2 (2·548 + 183 + 183 + 2·548) = −2558 ln2.
    # Slope = −2558 ln2 / 667586 per day = −1.39953 ln2 per year (× 365.25), so the factor is
    # 2^1.39953 ≈ 2.638 per year. Syy = 10 ln2², R² = Sxy² / (Sxx Syy) = 2558² / 6675860 = 0.98015.
    # Residual SS = Syy (1 − R²); se(slope/day) = sqrt(SSR / (n − 2) / Sxx); 90% CI with t(2).
    ln2 = math.log(2)
    slope_per_year = -2558 * ln2 / 667586 * 365.25
    r_squared = 2558**2 / (667586 * 10)
    ssr = 10 * ln2**2 * (1 - r_squared)
    se_per_year = math.sqrt(ssr / 2 / 667586) * 365.25

    result = frontier_decline(HAND, threshold=60)
    assert result.reason is None
    decline = result.decline
    assert decline.factor_per_year == pytest.approx(math.exp(-slope_per_year), rel=1e-12)
    assert decline.factor_per_year == pytest.approx(2.6382, abs=1e-4)
    assert decline.r_squared == pytest.approx(0.980153, abs=1e-6)
    assert decline.ci90_low == pytest.approx(math.exp(-slope_per_year - T2_95 * se_per_year), rel=1e-9)
    assert decline.ci90_high == pytest.approx(math.exp(-slope_per_year + T2_95 * se_per_year), rel=1e-9)
    assert decline.ci90_low < decline.factor_per_year < decline.ci90_high
    assert decline.as_row() == {
        "n": 4,
        "start_date": dt.date(2023, 1, 1),
        "end_date": dt.date(2026, 1, 1),
        "factor_per_year": decline.factor_per_year,
        "ci90_low": decline.ci90_low,
        "ci90_high": decline.ci90_high,
        "r_squared": decline.r_squared,
        "method": "frontier_lows_ols",
    }
    assert result.lows["blended_usd_per_mtok"].to_list() == [16.0, 8.0, 2.0, 1.0]


def test_a_clean_exponential_frontier_recovers_its_rate_exactly():
    # Prices divide by 10 per year of 365.25 days; every observation is a new low.
    start = dt.date(2022, 1, 1)
    days = [start + dt.timedelta(days=d) for d in (0, 100, 250, 400, 800)]
    rows = [(f"m{i}", d, 50.0 * 10 ** (-(d - start).days / 365.25), 80.0) for i, d in enumerate(days)]
    decline = frontier_decline(_observations(rows), threshold=70).decline
    assert decline.factor_per_year == pytest.approx(10.0, rel=1e-9)
    assert decline.r_squared == pytest.approx(1.0)
    assert decline.ci90_low == pytest.approx(10.0, rel=1e-6)


def test_same_day_observations_count_once_cheapest_first():
    rows = [
        ("X", dt.date(2024, 1, 1), 10.0, 80.0),
        ("Y", dt.date(2024, 1, 1), 6.0, 80.0),  # same day, cheaper: the day's low
        ("Z", dt.date(2024, 3, 1), 6.0, 80.0),  # equal, not a new low
    ]
    assert frontier_lows(_observations(rows), threshold=70)["model"].to_list() == ["Y"]


def test_fewer_than_three_lows_gives_no_estimate_and_a_reason():
    result = frontier_decline(HAND, threshold=75)  # only B ($20), E ($8) and G ($1) qualify: all lows
    assert result.decline is not None and result.decline.n == 3
    result = frontier_decline(HAND, threshold=85)  # only G qualifies
    assert result.decline is None
    assert result.reason == "only 1 frontier low(s) at or above 85 (need 3)"
    assert result.lows["model"].to_list() == ["G"]
