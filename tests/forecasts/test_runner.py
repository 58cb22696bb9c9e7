"""forecast_series / forecast_many: backtest, champion, refit, predict — a pure map over series."""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pytest

from forecasts.base import add_months
from forecasts.drift import DriftRandomWalk
from forecasts.runner import BACKTESTS_SCHEMA, forecast_many, forecast_series, split_series, values_schema
from forecasts.selection import SelectionRule

START = dt.date(2021, 1, 1)


def _walk(series_id, n, seed, drift=-0.08, sd=0.12):
    rng = np.random.default_rng(seed)
    values = np.exp(np.log(40.0) + np.cumsum(rng.normal(drift, sd, n)))
    return pl.DataFrame({"series_id": series_id, "ds": [add_months(START, i) for i in range(n)], "y": values})


@dataclass
class FragileDrift:
    """Drift that refuses histories longer than 20 points: fine in backtests, fails on refit."""

    alias: str = "fragile"
    inner: DriftRandomWalk = field(default_factory=DriftRandomWalk)

    @property
    def hyperparameters(self):
        return {}

    def fit(self, history):
        if history.height > 20:
            raise RuntimeError("too long for me")
        self.inner.fit(history)
        return self

    def predict(self, h, levels=(80, 95)):
        return self.inner.predict(h, levels)


def test_forecast_series_backtests_all_candidates_and_forecasts_with_the_champion():
    frame = _walk("tier-a", 48, seed=11)
    values, backtests, fallbacks = forecast_series(frame, horizon=12, backtest_windows=6)
    assert dict(backtests.schema) == BACKTESTS_SCHEMA
    assert backtests["model"].to_list() == ["naive", "drift_rw", "loglinear_hac", "ets_damped"]
    assert backtests["n_windows"].to_list() == [6] * 4
    assert backtests["horizon"].to_list() == [12] * 4
    assert backtests["is_champion"].sum() == 1
    champion = backtests.filter("is_champion")["model"][0]
    assert backtests["champion_reason"].n_unique() == 1 and "windows" in backtests["champion_reason"][0]
    assert dict(values.schema) == values_schema()
    assert values.height == 12 and set(values["model"]) == {champion}
    assert values["ds"].to_list() == [add_months(START, 48 + k) for k in range(12)]
    # Drift is its own benchmark: relative MASE exactly 1.
    assert backtests.filter(pl.col("model") == "drift_rw")["mase_vs_drift"][0] == pytest.approx(1.0)
    assert fallbacks == []


def test_short_series_uses_the_default_rule_and_records_backtest_fallbacks():
    # 12 points, horizon 6, 4 windows requested: training sets of 6 only (5, 4, 3 < min_train),
    # so one window — too few to rank — and ETS (needs 10 points) fell back in it.
    values, backtests, fallbacks = forecast_series(_walk("short", 12, seed=3), horizon=6, backtest_windows=4)
    assert backtests["n_windows"].to_list() == [1] * 4
    assert backtests.filter("is_champion")["model"].to_list() == ["drift_rw"]
    assert "too few to rank" in backtests["champion_reason"][0]
    assert [(f.fallback_from, f.model, f.origin) for f in fallbacks] == [("ets_damped", "naive", add_months(START, 5))]
    assert set(values["model"]) == {"drift_rw"}


def test_a_champion_that_fails_on_the_full_history_falls_back_to_naive_with_a_record():
    frame = _walk("fragile", 21, seed=5)  # backtest training sets of 15..18 points, full history 21
    values, backtests, fallbacks = forecast_series(
        frame, horizon=3, backtest_windows=4, candidates=[FragileDrift()], rule=SelectionRule(min_windows=3)
    )
    assert backtests.filter("is_champion")["model"].to_list() == ["fragile"]
    assert "default" not in backtests["champion_reason"][0]  # chosen on its metrics, no fallbacks
    assert set(values["model"]) == {"naive"}
    final = [f for f in fallbacks if f.origin is None]
    assert len(final) == 1
    assert (final[0].model, final[0].fallback_from, final[0].series_id) == ("naive", "fragile", "fragile")
    assert "too long for me" in final[0].reason


def test_forecast_many_is_a_loop_over_series_and_skips_unforecastable_ones_with_a_reason():
    long = pl.concat([_walk("a", 30, seed=1), _walk("b", 30, seed=2, drift=0.02)])
    frames = split_series(long)
    frames["lonely"] = pl.DataFrame({"ds": [START], "y": [3.0]})  # no series_id column: the key supplies it
    batch = forecast_many(frames, horizon=6, backtest_windows=3)
    assert batch.values["series_id"].unique(maintain_order=True).to_list() == ["a", "b"]
    assert batch.backtests.height == 8
    assert list(batch.skipped) == ["lonely"] and "every model failed" in batch.skipped["lonely"]
    single_values, single_backtests, _ = forecast_series(frames["b"], horizon=6, backtest_windows=3)
    assert batch.values.filter(pl.col("series_id") == "b").equals(single_values)
    assert batch.backtests.filter(pl.col("series_id") == "b").equals(single_backtests)


def test_forecast_many_of_nothing_returns_empty_frames_with_the_schemas():
    batch = forecast_many({}, horizon=6)
    assert dict(batch.values.schema) == values_schema()
    assert dict(batch.backtests.schema) == BACKTESTS_SCHEMA
    assert batch.fallbacks_frame().height == 0


def test_forecast_series_takes_exactly_one_series():
    with pytest.raises(ValueError, match="exactly one series"):
        forecast_series(pl.concat([_walk("a", 10, 1), _walk("b", 10, 2)]), horizon=3)
