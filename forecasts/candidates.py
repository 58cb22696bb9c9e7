"""The candidate models a forecast run compares, simplest first.

The order is the complexity ranking used to break ties in champion selection: with equal
accuracy the simpler model wins, because it has fewer ways to be wrong out of sample.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from forecasts.base import ForecastModel, Freq
from forecasts.drift import DriftRandomWalk
from forecasts.ets import DampedTrendETS
from forecasts.loglinear import LogLinearTrend
from forecasts.naive import Naive
from forecasts.share_of_total import ShareOfTotal
from forecasts.step_decline import StepDecline

CANDIDATES: dict[str, Callable[[Freq], ForecastModel]] = {
    "naive": lambda freq: Naive(freq=freq),
    "drift_rw": lambda freq: DriftRandomWalk(freq=freq),
    "loglinear_hac": lambda freq: LogLinearTrend(freq=freq),
    "ets_damped": lambda freq: DampedTrendETS(freq=freq),
    # A part of its family's total series (peers["all"]) as total x share; parts of a whole only.
    "share_of_total": lambda freq: ShareOfTotal(freq=freq),
    # Needs its family's other series as `peers` (forecasts.pooled sets them); prices only.
    "step_decline": lambda freq: StepDecline(freq=freq),
}
DEFAULT_CANDIDATES = ("naive", "drift_rw", "loglinear_hac", "ets_damped")


def make_candidates(freq: Freq = "month", aliases: Sequence[str] | None = None) -> list[ForecastModel]:
    """Fresh, unfitted candidates with default hyperparameters, in complexity order."""
    chosen = list(DEFAULT_CANDIDATES) if aliases is None else list(aliases)
    unknown = [alias for alias in chosen if alias not in CANDIDATES]
    if unknown:
        raise ValueError(f"unknown candidate models: {unknown}; known: {list(CANDIDATES)}")
    return [CANDIDATES[alias](freq) for alias in sorted(chosen, key=complexity_rank)]


def complexity_rank(alias: str) -> int:
    """Position in the simplest-first order; models outside the registry rank last."""
    order = list(CANDIDATES)
    return order.index(alias) if alias in order else len(order)
