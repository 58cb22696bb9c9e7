"""Sanity checks on hand-built frames with hand-computed expectations."""

from __future__ import annotations

import datetime as dt

import polars as pl

from forecasts import sanity
from forecasts.installed_accumulation import installed_from_shipments
from forecasts.pooled_growth import pooled_growth
from forecasts.scenarios import capacity_consistency


def _values(series: str, means: list[float], target: str = "shipped_h100e") -> pl.DataFrame:
    days = [dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1)]
    return pl.DataFrame({"target": target, "series_id": series, "ds": days[: len(means)], "mean": means})


HISTORY = pl.DataFrame({"series_id": ["A"], "ds": [dt.date(2025, 10, 1)], "y": [100.0]})


def _rates(low: float, high: float) -> pl.DataFrame:
    return pl.DataFrame({"target": ["shipped_h100e"], "series_id": ["A"], "ci90_low": [low], "ci90_high": [high]})


def test_compute_growth_inside_ci_passes_and_outside_fails() -> None:
    values = _values("A", [120.0, 150.0, 180.0, 250.0])  # 250 / 100 = 2.5x over four quarters
    inside = sanity.compute_growth_in_ci(values, HISTORY, _rates(2.0, 3.0))
    assert inside["passed"].to_list() == [True]
    assert inside["observed"][0] == 2.5
    outside = sanity.compute_growth_in_ci(values, HISTORY, _rates(3.1, 4.0))
    assert outside["passed"].to_list() == [False]
    assert "contradicts" in outside["message"][0]
    assert sanity.failures(outside)[0].startswith("check compute_growth_in_ci failed")


def test_compute_growth_without_four_quarters_fails() -> None:
    short = sanity.compute_growth_in_ci(_values("A", [120.0, 150.0]), HISTORY, _rates(2.0, 3.0))
    assert short["passed"].to_list() == [False]


def _parameters(bear: float, base: float, bull: float) -> pl.DataFrame:
    return pl.DataFrame(
        {"scenario": ["bear", "base", "bull"], "parameter": ["installed_h100e_2028"] * 3, "value": [bear, base, bull]}
    )


def test_scenario_drivers_ordered() -> None:
    assert sanity.scenario_drivers_ordered(_parameters(1.0, 2.0, 2.0))["passed"].to_list() == [True]
    # Today's defect: bear had more installed compute than bull.
    reversed_ = sanity.scenario_drivers_ordered(_parameters(3.0, 2.0, 1.0))
    assert reversed_["passed"].to_list() == [False]
    assert reversed_["observed"][0] == -2.0


def test_utilization_above_capacity_fails_and_reports_the_mark() -> None:
    scenarios = pl.DataFrame(
        {
            "scenario": ["base", "bull", "bull"],
            "year": [2026, 2027, 2028],
            "implied_utilization": [0.4, 5.59, 2.0],
            "capacity_consistent": [True, False, None],
        }
    )
    checks = sanity.utilization_within_capacity(scenarios)
    assert checks["passed"].to_list() == [True, False, False]
    assert "marked inconsistent" in checks["message"][1]
    assert "NOT marked" in checks["message"][2]


def test_capacity_consistency_marks_years_above_one() -> None:
    assert capacity_consistency(0.99) == {"capacity_consistent": True, "consistency_note": None}
    marked = capacity_consistency(5.59)
    assert marked["capacity_consistent"] is False
    assert "5.6x" in str(marked["consistency_note"])


def test_shares_outside_unit_interval_fail() -> None:
    scenarios = pl.DataFrame({"scenario": ["bear", "bull"], "year": [2026, 2026], "reasoning_share": [0.3, 1.2]})
    values = pl.DataFrame(
        {
            "target": ["reasoning_share"],
            "series_id": ["all"],
            "ds": [dt.date(2026, 1, 1)],
            "unit": ["share"],
            "mean": [0.5],
            "lo_80": [0.4],
            "hi_80": [0.6],
            "lo_95": [0.3],
            "hi_95": [0.7],
        }
    )
    checks = sanity.shares_in_unit_interval(scenarios, values)
    assert checks.filter(pl.col("subject").str.contains("bear"))["passed"].to_list() == [True]
    assert checks.filter(pl.col("subject").str.contains("bull"))["passed"].to_list() == [False]
    assert checks.filter(pl.col("subject") == "forecast shares")["passed"].to_list() == [True]


def test_installed_accumulates_shipments_and_retires_after_service_life() -> None:
    # Stock 100 at 2025Q4; a 1-year life (4 quarters): the 2025Q1 shipment (10) retires in 2026Q1.
    installed = pl.DataFrame(
        {
            "vendor": ["A"] * 4,
            "quarter": [dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)],
            "installed_h100e_p50": [10.0, 30.0, 60.0, 100.0],
            "shipped_h100e_p50": [10.0, 20.0, 30.0, 40.0],
            "service_life_years": [1.0] * 4,
        }
    )
    shipped = pl.DataFrame(
        {
            "series_id": ["A", "A"],
            "model": ["drift_rw", "drift_rw"],
            "ds": [dt.date(2026, 1, 1), dt.date(2026, 4, 1)],
            "mean": [50.0, 60.0],
            "lo_80": [40.0, 45.0],
            "hi_80": [60.0, 75.0],
            "lo_95": [35.0, 40.0],
            "hi_95": [65.0, 80.0],
        }
    )
    out = installed_from_shipments(shipped, installed)
    # 2026Q1: 100 + 50 - 10 = 140; 2026Q2: 140 + 60 - 20 = 180. Bounds add the shipment bounds.
    assert out["mean"].to_list() == [140.0, 180.0]
    assert out["lo_80"].to_list() == [130.0, 155.0]
    assert out["hi_95"].to_list() == [155.0, 215.0]
    assert out["model"][0] == "accumulated_drift_rw"
    assert out["target"][0] == "installed_h100e"


def test_pooled_growth_recovers_common_slope_with_offsets_and_t_df() -> None:
    # Two companies growing exactly 4x a year from different levels, a third with one report.
    days = [dt.date(2024, 1, 1), dt.date(2025, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1), dt.date(2024, 7, 1)]
    t = [(d - dt.date(2024, 1, 1)).days / 365.25 for d in days]
    ys = [1.0 * 4 ** t[0], 1.0 * 4 ** t[1], 50.0 * 4 ** t[2], 50.0 * 4 ** t[3] * 1.1, 7.0]
    frame = pl.DataFrame({"company": ["a", "a", "b", "b", "c"], "ds": days, "y": ys})
    fit = pooled_growth(frame, group_col="company")
    assert fit.df_resid == 5 - 3 - 1
    factor, low, high = fit.factor_interval(0.90)
    # b's second report is 10% high: the slope is 4x times sqrt(1.1) per year (its half).
    assert abs(factor - 4 * 1.1**0.5 * 1.0) < 0.05 * factor
    assert low < factor < high
    # One residual degree of freedom: t(1) at 95% is 6.31, so the interval is wide.
    assert high / factor > 1.0


def test_pooled_growth_needs_a_repeated_series() -> None:
    frame = pl.DataFrame(
        {
            "company": ["a", "b", "c"],
            "ds": [dt.date(2024, 1, 1), dt.date(2024, 6, 1), dt.date(2025, 1, 1)],
            "y": [1.0, 2.0, 3.0],
        }
    )
    try:
        pooled_growth(frame, group_col="company")
    except ValueError as error:
        assert "degree of freedom" in str(error) or "not identified" in str(error)
    else:
        raise AssertionError("expected a ValueError")
