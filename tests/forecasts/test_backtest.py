"""Rolling-origin backtests: windows, MASE, coverage and Winkler on a hand-computed case."""

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from forecasts.backtest import backtest_errors, summarize_backtest, training_lengths, winkler_score
from forecasts.base import add_months
from forecasts.drift import DriftRandomWalk
from forecasts.naive import Naive

Z80, Z95 = 1.2815515655446004, 1.959963984540054  # normal 90th / 97.5th percentiles
T2_80, T2_95 = 1.8856180831641272, 4.302652729749462  # t(2) 90th / 97.5th percentiles
T3_80, T3_95 = 1.637744353696209, 3.182446305283708  # t(3)


def _series(values):
    days = [add_months(dt.date(2024, 1, 1), i) for i in range(len(values))]
    return pl.DataFrame({"ds": days, "y": [float(v) for v in values]})


def test_training_lengths_step_back_from_the_end_and_drop_short_windows():
    assert training_lengths(20, horizon=3, windows=4) == [17, 16, 15, 14]
    assert training_lengths(20, horizon=3, windows=3, step=2) == [17, 15, 13]
    assert training_lengths(10, horizon=3, windows=4, min_train=6) == [7, 6]


def test_winkler_score_is_width_plus_penalty_for_misses():
    # Interval [1, 3], α = 0.05 so the penalty is 2/α = 40 per unit outside.
    score = winkler_score(np.array([2.0, 4.0, 0.5]), np.full(3, 1.0), np.full(3, 3.0), alpha=0.05)
    assert score.tolist() == pytest.approx([2.0, 2.0 + 40 * 1.0, 2.0 + 40 * 0.5])


def test_metrics_on_a_tiny_hand_computed_backtest():
    # z = ln y = 0, 1, 3, 4, 9, 10; horizon 1, two windows, min_train 4.
    # Window A trains on z[:5] = 0 1 3 4 9 (steps 1 2 1 5) and predicts z5 = 10.
    # Window B trains on z[:4] = 0 1 3 4 (steps 1 2 1) and predicts z4 = 9.
    # Scales (in-sample naive MAE): A (1+2+1+5)/4 = 9/4, B (1+2+1)/3 = 4/3.
    #
    # Naive: A forecasts 9 (error 1), B forecasts 4 (error 5).
    #   MASE = (1/(9/4) + 5/(4/3)) / 2 = (4/9 + 15/4) / 2 = 151/72.
    #   σ_A = sqrt((1+4+1+25)/4) = sqrt(7.75), σ_B = sqrt((1+4+1)/3) = sqrt(2).
    #   A: 80% 9 ± 1.2816·2.7839 = 9 ± 3.568 holds 10; B: 4 ± 1.2816·1.4142 = 4 ± 1.812 misses 9.
    #   95%: A 9 ± 5.456 holds 10 → Winkler = 2·1.96·sqrt(7.75);
    #        B 4 ± 2.772 misses 9 by 9 − 6.772 → Winkler = 2·1.96·sqrt(2) + 40·(9 − 4 − 1.96·sqrt(2)).
    # Drift: A μ = 9/4 forecasts 11.25 (error 1.25), B μ = 4/3 forecasts 16/3 (error 11/3).
    #   MASE = (1.25/(9/4) + (11/3)/(4/3)) / 2 = (5/9 + 11/4) / 2 = 119/72, so naive's
    #   mase_vs_drift = 151/119.
    #   K²_A = (1.25² + 0.25² + 1.25² + 2.75²)/3 = 10.75/3, m = 4, se_A = K_A·sqrt(1 + 1/4);
    #   K²_B = ((1/3)² + (2/3)² + (1/3)²)/2 = 1/3, m = 3, se_B = sqrt(1/3 · 4/3) = 2/3.
    #   A: 80% 11.25 ± 1.6377·2.1164 = ±3.466 holds 10; 95% ±6.735 holds 10.
    #   B: 80% 16/3 ± 1.8856·2/3 = ±1.257 misses 9; 95% 16/3 ± 2.8684 misses 9 by 0.798.
    history = _series(np.exp([0.0, 1.0, 3.0, 4.0, 9.0, 10.0]))
    errors, fallbacks = backtest_errors(
        history, [Naive(), DriftRandomWalk()], horizon=1, windows=2, min_train=4, series_id="s"
    )
    assert fallbacks == []
    assert errors.height == 4
    assert errors.filter(pl.col("model") == "naive")["origin"].to_list() == [
        dt.date(2024, 5, 1),
        dt.date(2024, 4, 1),
    ]
    window_b = errors.filter(pl.col("origin") == dt.date(2024, 4, 1))
    bounds = {row["model"]: math.log(row["hi_80"]) for row in window_b.to_dicts()}
    assert bounds["naive"] == pytest.approx(4 + Z80 * math.sqrt(2), rel=1e-12)
    assert bounds["drift_rw"] == pytest.approx(16 / 3 + T2_80 * 2 / 3, rel=1e-12)
    window_a = errors.filter(pl.col("origin") == dt.date(2024, 5, 1))
    bounds = {row["model"]: math.log(row["hi_80"]) for row in window_a.to_dicts()}
    assert bounds["drift_rw"] == pytest.approx(11.25 + T3_80 * math.sqrt(10.75 / 3 * 1.25), rel=1e-12)

    summary = {row["model"]: row for row in summarize_backtest(errors, ["naive", "drift_rw"]).to_dicts()}
    naive, drift = summary["naive"], summary["drift_rw"]

    assert naive["mase"] == pytest.approx(151 / 72, rel=1e-9)
    assert drift["mase"] == pytest.approx(119 / 72, rel=1e-9)
    assert naive["mase_vs_drift"] == pytest.approx(151 / 119, rel=1e-9)
    assert drift["mase_vs_drift"] == pytest.approx(1.0)
    assert (naive["coverage_80"], naive["coverage_95"]) == (0.5, 0.5)
    assert (drift["coverage_80"], drift["coverage_95"]) == (0.5, 0.5)
    assert naive["n_windows"] == drift["n_windows"] == 2

    naive_winkler = (2 * Z95 * math.sqrt(7.75) + 2 * Z95 * math.sqrt(2) + 40 * (9 - 4 - Z95 * math.sqrt(2))) / 2
    assert naive["winkler"] == pytest.approx(naive_winkler, rel=1e-9)
    se_a = math.sqrt(10.75 / 3 * 1.25)
    drift_winkler = (2 * T3_95 * se_a + 2 * T2_95 * 2 / 3 + 40 * (9 - 16 / 3 - T2_95 * 2 / 3)) / 2
    assert drift["winkler"] == pytest.approx(drift_winkler, rel=1e-9)


def test_a_failing_candidate_is_replaced_by_naive_and_recorded_per_window():
    from forecasts.ets import DampedTrendETS

    history = _series(np.exp(np.linspace(3, 1, 12)))
    errors, fallbacks = backtest_errors(
        history, [DampedTrendETS(), Naive()], horizon=2, windows=3, min_train=6, series_id="s"
    )
    # Training sets of 10, 9 and 8 points: ETS needs 10, so it fails in the two older windows.
    assert [(f.fallback_from, f.model, f.origin) for f in fallbacks] == [
        ("ets_damped", "naive", dt.date(2024, 9, 1)),
        ("ets_damped", "naive", dt.date(2024, 8, 1)),
    ]
    summary = summarize_backtest(errors, ["naive", "ets_damped", "loglinear_hac"])
    ets = summary.filter(pl.col("model") == "ets_damped").row(0, named=True)
    assert (ets["n_windows"], ets["n_fallbacks"]) == (3, 2)
    # A model that was never run gets a row with nulls and zero windows, not a missing row.
    absent = summary.filter(pl.col("model") == "loglinear_hac").row(0, named=True)
    assert absent["n_windows"] == 0 and absent["mase"] is None


def test_too_short_a_series_has_no_windows():
    errors, _ = backtest_errors(_series([5.0, 4.0, 3.0, 2.0]), [Naive()], horizon=2, windows=3)
    assert errors.height == 0
    assert summarize_backtest(errors, ["naive"])["n_windows"].to_list() == [0]
