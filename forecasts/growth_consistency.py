"""Does a candidate's forecast grow at a rate the data support? (pure)

A family whose measured growth is tight (quarterly shipments grow 2.4–2.9x a year for NVIDIA)
must not be handed to a model that says 1.0x because it scored 1% better on a dozen backtest
points: the report would then contradict its own growth table. The champion's implied growth
over its first year (median one year ahead over the last observation) is held against the 90%
CI of the growth measured on the same series; `forecasts.pooled` passes over a champion that
contradicts it for the next-best candidate (forecasts.sanity checks the same thing after the
run, so a family where no candidate fits still says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from forecasts.base import Freq

PERIODS_PER_YEAR: dict[Freq, int] = {"month": 12, "quarter": 4}


@dataclass(frozen=True)
class GrowthMismatch:
    series_id: str
    implied_factor: float
    ci90_low: float
    ci90_high: float

    def describe(self) -> str:
        return (
            f"{self.series_id} {self.implied_factor:.2f}x a year outside the measured "
            f"{self.ci90_low:.2f}–{self.ci90_high:.2f}x"
        )


def growth_mismatches(
    values: pl.DataFrame,
    histories: Mapping[str, pl.DataFrame],
    growth_ci: Mapping[str, tuple[float, float]],
    freq: Freq,
) -> list[GrowthMismatch]:
    """values: [series_id, ds, mean] forecasts; histories: series_id -> [ds, y]; growth_ci:
    series_id -> (low, high) 90% CI of the measured growth factor per year. Series without a
    CI, history or a forecast one year ahead are not judged."""
    periods = PERIODS_PER_YEAR[freq]
    mismatches = []
    for series_id, (low, high) in sorted(growth_ci.items()):
        history = histories.get(series_id)
        ahead = values.filter(pl.col("series_id") == series_id).sort("ds")
        if history is None or history.height == 0 or ahead.height < periods:
            continue
        last = float(history.sort("ds")["y"][-1])
        if last <= 0:
            continue
        implied = float(ahead["mean"][periods - 1]) / last
        if not low <= implied <= high:
            mismatches.append(GrowthMismatch(series_id, implied, low, high))
    return mismatches
