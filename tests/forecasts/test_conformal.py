"""Conformal band calibration: hand-computed offsets, online use of past outcomes only, and
the per-model rule that keeps calibration only where it lowers the WIS."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from forecasts.backtest import ERRORS_SCHEMA, weighted_interval_score
from forecasts.conformal import (
    MIN_SCORES,
    calibrate_backtest,
    calibrate_where_it_helps,
    offsets_at,
    tail_offset,
    widen_forecast,
)


def test_tail_offset_is_the_conformal_rank_of_the_scores():
    scores = np.arange(1, 20) / 100.0  # 0.01 .. 0.19, n = 19
    # alpha 0.2: rank ceil(20 * 0.9) = 18 -> 0.18; alpha 0.05: ceil(20 * 0.975) = 20 > 19 -> the largest
    assert tail_offset(scores, 0.2) == pytest.approx(0.18)
    assert tail_offset(scores, 0.05) == pytest.approx(0.19)


def test_tail_offset_never_narrows_and_needs_enough_scores():
    assert tail_offset(-np.arange(1, 20) / 100.0, 0.2) == 0.0
    assert tail_offset(np.ones(MIN_SCORES - 1), 0.2) == 0.0
    assert tail_offset(np.array([*np.ones(MIN_SCORES), np.nan]), 0.2) == 1.0


def _rows(model: str, misses: list[float]) -> pl.DataFrame:
    """Lead-1 windows at monthly origins; outcome 1, median e^-0.6; the outcome lies `miss`
    (log) above the 80% band's top, and inside the 95% band. WIS as the backtest scores it."""
    rows = []
    for k, miss in enumerate(misses):
        bounds = {80: (np.array([-1.0]), np.array([-miss])), 95: (np.array([-2.0]), np.array([math.log(1.5)]))}
        origin = date(2024 + (k // 12), k % 12 + 1, 1)
        ds = date(2024 + ((k + 1) // 12), (k + 1) % 12 + 1, 1)
        rows.append(
            {
                "series_id": "tier",
                "model": model,
                "origin": origin,
                "lead": 1,
                "ds": ds,
                "y": 1.0,
                "mean": math.exp(-0.6),
                "lo_80": math.exp(-1.0),
                "hi_80": math.exp(-miss),
                "lo_95": math.exp(-2.0),
                "hi_95": 1.5,
                "abs_error": 0.0,
                "drift_abs_error": 0.0,
                "scale": 1.0,
                "covered_80": miss <= 0,
                "covered_95": True,
                "winkler_95": 0.0,
                "wis": float(weighted_interval_score(np.zeros(1), np.array([-0.6]), bounds)[0]),
                "fell_back": False,
            }
        )
    return pl.DataFrame(rows, schema=ERRORS_SCHEMA)


def test_a_window_is_calibrated_only_on_outcomes_known_at_its_origin():
    misses = [0.01 * (k + 1) for k in range(10)] + [0.05, 0.30]
    calibrated = calibrate_backtest(_rows("step", misses)).sort("origin")
    # The first ten windows know fewer than ten outcomes at their origin: left as the model made them.
    assert calibrated["hi_80"][:10].to_list() == pytest.approx([math.exp(-m) for m in misses[:10]])
    assert not any(calibrated["covered_80"][:10])
    # Window 10 knows misses 0.01..0.10: offset = rank ceil(11 * 0.9) = 10 -> 0.10; hi = exp(-0.05 + 0.10).
    assert calibrated["hi_80"][10] == pytest.approx(math.exp(0.05))
    assert calibrated["covered_80"][10]
    # Window 11 knows eleven: rank ceil(12 * 0.9) = 11 -> the largest, 0.10; a 0.30 miss stays a miss.
    assert calibrated["hi_80"][11] == pytest.approx(math.exp(-0.20))
    assert not calibrated["covered_80"][11]
    # The lower tail was never missed, so it is not moved; the 95% band already held everything.
    assert calibrated["lo_80"].to_list() == pytest.approx([math.exp(-1.0)] * 12)
    assert calibrated["hi_95"].to_list() == pytest.approx([1.5] * 12)


def test_calibration_is_kept_only_for_models_whose_score_it_lowers():
    narrow = _rows("step", [0.01 * (k + 1) for k in range(10)] + [0.05, 0.06, 0.07])
    wide = _rows("drift_rw", [-0.5] * 13)  # always inside: no offsets, nothing to gain
    chosen, calibrated = calibrate_where_it_helps(pl.concat([narrow, wide]), [1])
    assert calibrated == {"step"}
    assert chosen.filter(pl.col("model") == "drift_rw").equals(wide)
    step = chosen.filter(pl.col("model") == "step").sort("origin")
    assert step["covered_80"][10:].to_list() == [True, True, True]


def test_offsets_scale_with_the_square_root_of_the_lead_outside_the_backtested_leads():
    offsets = {2: {80: (0.1, 0.2), 95: (0.2, 0.4)}, 8: {80: (0.2, 0.4), 95: (0.3, 0.6)}}
    assert offsets_at(offsets, 8) == {80: (0.2, 0.4), 95: (0.3, 0.6)}
    assert offsets_at(offsets, 32)[80] == pytest.approx((0.4, 0.8))  # sqrt(32 / 8) = 2
    assert offsets_at(offsets, 1)[95] == pytest.approx((0.2 / math.sqrt(2), 0.4 / math.sqrt(2)))


def test_widen_forecast_multiplies_each_lead_by_its_offsets_and_keeps_the_median():
    values = pl.DataFrame(
        {
            "series_id": ["a", "a"],
            "ds": [date(2026, 1, 1), date(2026, 2, 1)],
            "mean": [10.0, 10.0],
            "lo_80": [8.0, 8.0],
            "hi_80": [12.0, 12.0],
            "lo_95": [6.0, 6.0],
            "hi_95": [14.0, 14.0],
        }
    )
    offsets = {1: {80: (0.1, 0.2), 95: (0.0, 0.0)}, 2: {80: (0.2, 0.0), 95: (0.1, 0.5)}}
    widened = widen_forecast(values, offsets)
    assert widened["mean"].to_list() == [10.0, 10.0]
    assert widened["lo_80"].to_list() == pytest.approx([8 * math.exp(-0.1), 8 * math.exp(-0.2)])
    assert widened["hi_80"].to_list() == pytest.approx([12 * math.exp(0.2), 12.0])
    # Nested: lead 1's 95% top (14, no offset) is above its widened 80% top (14.66) -> raised to it.
    assert widened["hi_95"].to_list() == pytest.approx([12 * math.exp(0.2), 14 * math.exp(0.5)])
    assert widened["lo_95"].to_list() == pytest.approx([6.0, 6 * math.exp(-0.1)])
    assert widen_forecast(values, {}).equals(values)
