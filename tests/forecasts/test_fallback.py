"""Fallback when a model fails: recorded with its reason, naive as the last resort."""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest

from forecasts.base import add_months
from forecasts.drift import DriftRandomWalk
from forecasts.ets import DampedTrendETS
from forecasts.fallback import ModelFitError, fit_with_fallback
from forecasts.naive import Naive


def _series(values):
    days = [add_months(dt.date(2024, 1, 1), i) for i in range(len(values))]
    return pl.DataFrame({"ds": days, "y": [float(v) for v in values]})


@dataclass
class NanModel:
    """Fits anything and forecasts NaN: the 'non-finite output' failure."""

    alias: str = "nan_model"

    @property
    def hyperparameters(self):
        return {}

    def fit(self, history):
        return self

    def predict(self, h, levels=(80, 95)):
        columns = {"ds": [add_months(dt.date(2030, 1, 1), k) for k in range(h)], "mean": [np.nan] * h}
        for level in levels:
            columns[f"lo_{level}"] = [np.nan] * h
            columns[f"hi_{level}"] = [np.nan] * h
        return pl.DataFrame(columns)


def test_ets_on_three_points_falls_back_to_naive_and_says_why():
    model, record = fit_with_fallback([DampedTrendETS()], _series([10.0, 8.0, 7.0]), series_id="tier-a")
    assert isinstance(model, Naive)
    assert model.predict(2)["mean"].to_list() == pytest.approx([7.0, 7.0])
    assert record is not None
    assert (record.model, record.fallback_from, record.series_id) == ("naive", "ets_damped", "tier-a")
    assert "need at least 10 observations, got 3" in record.reason


def test_non_finite_output_is_a_failure_and_the_chain_records_every_reason():
    # NaN model fails on output; drift fails on a zero price (logs); naive still works.
    model, record = fit_with_fallback([NanModel(), DriftRandomWalk()], _series([3.0, 0.0, 2.0, 1.0]))
    assert model.alias == "naive"
    assert record.fallback_from == "nan_model"
    assert "nan_model: non-finite forecast values" in record.reason
    assert "drift_rw: ValueError: log models need strictly positive values" in record.reason


def test_a_model_that_fits_needs_no_record():
    model, record = fit_with_fallback([DriftRandomWalk()], _series([10.0, 8.0, 7.0]))
    assert model.alias == "drift_rw" and record is None


def test_when_even_naive_fails_the_error_names_every_failure():
    with pytest.raises(ModelFitError, match="naive: ValueError: need at least 2"):
        fit_with_fallback([DampedTrendETS()], _series([10.0]))
