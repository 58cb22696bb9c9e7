"""The forecast model contract.

A model has an alias and hyperparameters; `fit(history)` takes a frame of `ds` (date) and
`y` (float) and returns the model; `predict(h, levels)` returns `h` future periods with
`ds, mean, lo_<L>, hi_<L>` for each level L (percent). `mean` is the point forecast on the
original scale: for models fitted on logs it is the median (exp of the log mean).

Series are regular: `ds` is the first day of each period, periods are consecutive months
(`freq="month"`) or quarters (`freq="quarter"`, three months apart).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any, Literal, Protocol, Self

import numpy as np
import polars as pl

DEFAULT_LEVELS = (80, 95)

Freq = Literal["month", "quarter"]
MONTHS_PER_PERIOD: dict[str, int] = {"month": 1, "quarter": 3}


class ForecastModel(Protocol):
    alias: str

    @property
    def hyperparameters(self) -> dict[str, Any]: ...

    def fit(self, history: pl.DataFrame) -> Self: ...

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame: ...


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def future_months(last: dt.date, h: int) -> list[dt.date]:
    return [add_months(last, step) for step in range(1, h + 1)]


def months_per_period(freq: Freq) -> int:
    if freq not in MONTHS_PER_PERIOD:
        raise ValueError(f"unknown freq {freq!r}; expected one of {sorted(MONTHS_PER_PERIOD)}")
    return MONTHS_PER_PERIOD[freq]


def future_periods(last: dt.date, h: int, freq: Freq = "month") -> list[dt.date]:
    step = months_per_period(freq)
    return [add_months(last, step * ahead) for ahead in range(1, h + 1)]


def years_since(days: list[dt.date], origin: dt.date) -> list[float]:
    return [(day - origin).days / 365.25 for day in days]


def check_history(history: pl.DataFrame, minimum: int) -> None:
    if history.height < minimum:
        raise ValueError(f"need at least {minimum} observations, got {history.height}")
    if history["y"].min() <= 0:  # type: ignore[operator]
        raise ValueError("log models need strictly positive values")


def check_regular(days: list[dt.date], freq: Freq) -> None:
    """Raise unless `days` (sorted) are first-of-period dates exactly one period apart.

    Models step forward from the last date by whole periods, so a gap, a duplicate or a
    mid-month date would silently misplace every forecast.
    """
    step = months_per_period(freq)
    if any(day.day != 1 for day in days):
        raise ValueError("ds must be the first day of each period")
    months = [day.year * 12 + day.month for day in days]
    gaps = {b - a for a, b in itertools.pairwise(months)}
    if gaps - {step}:
        raise ValueError(f"ds is not a regular {freq}ly series (gaps in months: {sorted(gaps)})")


def prepare_history(
    history: pl.DataFrame, freq: Freq, minimum: int, positive: bool = True
) -> tuple[list[dt.date], np.ndarray]:
    """Sorted dates and values of a validated history frame [ds, y]."""
    if history.height < minimum:
        raise ValueError(f"need at least {minimum} observations, got {history.height}")
    ordered = history.sort("ds")
    days: list[dt.date] = ordered["ds"].to_list()
    y = ordered["y"].cast(pl.Float64).to_numpy()
    if not np.all(np.isfinite(y)):
        raise ValueError("y has missing or non-finite values")
    if positive and np.any(y <= 0):
        raise ValueError("log models need strictly positive values")
    check_regular(days, freq)
    return days, y


def interval_frame(
    days: list[dt.date],
    center: np.ndarray,
    se: np.ndarray,
    levels: tuple[int, ...],
    quantile: Callable[[float], float],
    log_scale: bool,
) -> pl.DataFrame:
    """Symmetric intervals center ± q·se for each level; exponentiated when fitted on logs.

    On logs the interval is symmetric in log space, so exp(center) is the median and the
    interval is the matching quantile range on the price scale.
    """
    back: Callable[[np.ndarray], np.ndarray] = np.exp if log_scale else np.asarray
    columns: dict[str, Any] = {"ds": days, "mean": back(center)}
    for level in levels:
        q = quantile(0.5 + level / 200.0)
        columns[f"lo_{level}"] = back(center - q * se)
        columns[f"hi_{level}"] = back(center + q * se)
    return pl.DataFrame(columns, schema_overrides={"ds": pl.Date()}).with_columns(pl.exclude("ds").cast(pl.Float64))


def draws_frame(days: list[dt.date], log_paths: np.ndarray, levels: tuple[int, ...]) -> pl.DataFrame:
    """Forecast frame from simulated log values (draws, h): median and equal-tailed intervals."""
    columns: dict[str, Any] = {"ds": days, "mean": np.exp(np.median(log_paths, axis=0))}
    for level in levels:
        tail = (100 - level) / 200.0
        columns[f"lo_{level}"] = np.exp(np.quantile(log_paths, tail, axis=0))
        columns[f"hi_{level}"] = np.exp(np.quantile(log_paths, 1 - tail, axis=0))
    return pl.DataFrame(columns, schema_overrides={"ds": pl.Date()}).with_columns(pl.exclude("ds").cast(pl.Float64))
