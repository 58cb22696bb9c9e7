"""The forecast model contract.

A model has an alias and hyperparameters; `fit(history)` takes a frame of `ds` (date) and
`y` (positive float) and returns the model; `predict(h, levels)` returns `h` future periods
with `ds, mean, lo_<L>, hi_<L>` for each level L (percent). `mean` is the point forecast on
the original scale: for models fitted on logs it is the median (exp of the log mean).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, Self

import polars as pl

DEFAULT_LEVELS = (80, 95)


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


def years_since(days: list[dt.date], origin: dt.date) -> list[float]:
    return [(day - origin).days / 365.25 for day in days]


def check_history(history: pl.DataFrame, minimum: int) -> None:
    if history.height < minimum:
        raise ValueError(f"need at least {minimum} observations, got {history.height}")
    if history["y"].min() <= 0:  # type: ignore[operator]
        raise ValueError("log models need strictly positive values")
