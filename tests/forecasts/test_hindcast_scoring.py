"""Hindcast scoring on hand-built points."""

import datetime as dt

import polars as pl
import pytest

from forecasts.hindcast_scoring import as_of_dates, hindcast_scores


def test_as_of_dates_are_period_ends():
    assert as_of_dates(dt.date(2023, 3, 31), dt.date(2023, 12, 31), "quarter") == [
        dt.date(2023, 3, 31),
        dt.date(2023, 6, 30),
        dt.date(2023, 9, 30),
        dt.date(2023, 12, 31),
    ]
    assert as_of_dates(dt.date(2024, 1, 15), dt.date(2024, 3, 31), "month") == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
    ]
    with pytest.raises(ValueError, match="month or quarter"):
        as_of_dates(dt.date(2024, 1, 1), dt.date(2024, 3, 1), "week")


def _point(method, median, lo80, hi80, lo95, hi95, observed, lead=1, as_of=dt.date(2024, 3, 31)):
    return {
        "as_of": as_of,
        "target": "price_index",
        "series_id": "t",
        "method": method,
        "ds": dt.date(2024, 3 + lead, 1),
        "lead": lead,
        "median": median,
        "lo_80": lo80,
        "hi_80": hi80,
        "lo_95": lo95,
        "hi_95": hi95,
        "observed": observed,
    }


def test_scores_coverage_log_error_and_relative_crps():
    e = 2.718281828459045
    points = pl.DataFrame(
        [
            # champion: median 1, 80% (1/e, e), 95% (1/e², e²): outcome 1 inside both → WIS 0.12.
            _point("champion", 1.0, 1 / e, e, 1 / e**2, e**2, 1.0),
            # naive on the same point: outcome e³ outside both → WIS 1.92 (see the backtest test).
            _point("naive", 1.0, 1 / e, e, 1 / e**2, e**2, e**3),
        ]
    )
    # Same outcome for both methods in reality: give naive's point the champion's outcome.
    points = points.with_columns(observed=pl.lit(1.0))
    points = pl.concat([points.filter(pl.col("method") == "champion"), points.filter(pl.col("method") == "naive")])
    scores = hindcast_scores(points)
    champion = scores.filter((pl.col("method") == "champion") & (pl.col("lead") == 0)).row(0, named=True)
    assert champion["coverage_80"] == 1.0 and champion["coverage_95"] == 1.0
    assert champion["mean_log_error"] == pytest.approx(0.0)
    assert champion["crps"] == pytest.approx(0.12)
    assert champion["crps_vs_naive"] == pytest.approx(1.0)
    assert champion["crps_vs_drift"] is None  # no drift points


def test_a_miss_counts_against_coverage_and_raises_the_score():
    e = 2.718281828459045
    points = pl.DataFrame(
        [
            _point("champion", 1.0, 1 / e, e, 1 / e**2, e**2, e**3, lead=1),
            _point("naive", 1.0, 1 / e**2, e**2, 1 / e**4, e**4, e**3, lead=1),
        ]
    )
    scores = hindcast_scores(points).filter(pl.col("lead") == 1)
    champion = scores.filter(pl.col("method") == "champion").row(0, named=True)
    assert champion["coverage_80"] == 0.0 and champion["coverage_95"] == 0.0
    assert champion["mean_log_error"] == pytest.approx(-3.0)
    assert champion["crps"] == pytest.approx(1.92)
    naive = scores.filter(pl.col("method") == "naive").row(0, named=True)
    assert naive["coverage_80"] == 0.0 and naive["coverage_95"] == 1.0
    # naive: 0.5·3 + 0.1·(4 + 10·1) + 0.025·8 = 1.5 + 1.4 + 0.2 = 3.1, / 2.5 = 1.24.
    assert naive["crps"] == pytest.approx(1.24)
    assert champion["crps_vs_naive"] == pytest.approx(1.92 / 1.24)
