"""Champion selection on constructed backtest metrics."""

import polars as pl
import pytest

from forecasts.selection import SelectionRule, choose_champion


def _summary(rows, windows=6):
    # rows: model -> (mase, coverage_80, winkler[, n_fallbacks])
    return pl.DataFrame(
        [
            {
                "model": model,
                "mase": values[0],
                "wis": values[0],
                "coverage_80": values[1],
                "winkler": values[2],
                "n_windows": windows,
                "n_fallbacks": values[3] if len(values) > 3 else 0,
            }
            for model, values in rows.items()
        ],
        schema_overrides={"mase": pl.Float64, "wis": pl.Float64, "coverage_80": pl.Float64, "winkler": pl.Float64},
    )


def test_lowest_score_among_calibrated_models_wins():
    # loglinear has the lowest MASE but its 80% intervals hold only 40%: excluded.
    # ets (0.60) beats drift (0.70) and both are within 0.15 of nominal coverage.
    champion, reason = choose_champion(
        _summary(
            {
                "naive": (1.00, 0.80, 3.0),
                "drift_rw": (0.70, 0.78, 2.0),
                "loglinear_hac": (0.50, 0.40, 2.5),
                "ets_damped": (0.60, 0.90, 1.9),
            }
        )
    )
    assert champion == "ets_damped"
    assert "lowest WIS (log scale) (0.600)" in reason and "3 of 4 models" in reason and "6 windows" in reason
    assert "coverage is at least 0.65" in reason


def test_only_under_coverage_disqualifies_unless_asked_otherwise():
    # drift's intervals held every actual (coverage 1.0): conservative, not overconfident,
    # so its much better MASE wins. With a two-sided band it is out and naive wins.
    summary = _summary({"naive": (1.6, 0.80, 0.9), "drift_rw": (0.5, 1.00, 1.0)})
    assert choose_champion(summary)[0] == "drift_rw"
    champion, reason = choose_champion(summary, SelectionRule(reject_over_coverage=True))
    assert champion == "naive"
    assert "coverage is between 0.65 and 0.95" in reason


def test_a_near_tie_goes_to_the_simpler_model():
    # ets 0.695 is within 1% of drift's 0.700 (0.700 ≤ 0.695 · 1.01 = 0.70195): tie → drift.
    champion, reason = choose_champion(
        _summary({"naive": (1.0, 0.8, 3.0), "drift_rw": (0.700, 0.8, 2.0), "ets_damped": (0.695, 0.8, 1.0)})
    )
    assert champion == "drift_rw"
    assert "tie → simpler model" in reason
    # Outside the tolerance the better model keeps it.
    champion, _ = choose_champion(
        _summary({"naive": (1.0, 0.8, 3.0), "drift_rw": (0.710, 0.8, 2.0), "ets_damped": (0.695, 0.8, 1.0)})
    )
    assert champion == "ets_damped"


def test_models_that_fell_back_in_a_window_are_not_eligible():
    champion, reason = choose_champion(
        _summary({"naive": (1.0, 0.8, 3.0), "drift_rw": (0.9, 0.8, 2.0), "ets_damped": (0.5, 0.8, 1.0, 2)})
    )
    assert champion == "drift_rw"
    assert "excluded" in reason and "ets_damped" in reason


def test_without_a_calibrated_model_the_lowest_winkler_score_wins_under_mase():
    champion, reason = choose_champion(
        _summary({"naive": (1.0, 0.30, 9.0), "drift_rw": (0.6, 0.50, 4.0), "loglinear_hac": (0.4, 0.20, 6.0)}),
        SelectionRule(metric="mase"),
    )
    assert champion == "drift_rw"
    assert reason.startswith("no model's 80% coverage is at least 0.65; lowest 95% Winkler")


def test_without_a_calibrated_model_the_lowest_wis_wins():
    # WIS already charges for misses, so it decides alone (loglinear 0.4 beats drift 0.6).
    champion, reason = choose_champion(
        _summary({"naive": (1.0, 0.30, 9.0), "drift_rw": (0.6, 0.50, 4.0), "loglinear_hac": (0.4, 0.20, 6.0)})
    )
    assert champion == "loglinear_hac"
    assert reason.startswith("no model's 80% coverage is at least 0.65; lowest WIS (log scale) (0.400)")


def test_too_few_windows_uses_the_stated_default_rule():
    summary = _summary({"naive": (0.5, 0.8, 1.0), "drift_rw": (0.9, 0.8, 2.0)}, windows=2)
    champion, reason = choose_champion(summary)
    assert champion == "drift_rw"
    assert reason == "only 2 backtest window(s), fewer than 3: too few to rank; default rule → drift_rw"
    champion, reason = choose_champion(summary.filter(pl.col("model") == "naive"))
    assert champion == "naive" and "not a candidate" in reason
    # The threshold is a parameter: with min_windows=2 the same metrics are ranked.
    assert choose_champion(summary, SelectionRule(min_windows=2))[0] == "naive"


def test_empty_summary_is_an_error():
    with pytest.raises(ValueError):
        choose_champion(_summary({}).clear())
