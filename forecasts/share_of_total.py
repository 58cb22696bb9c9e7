"""A part of a total forecast as the total times its share, so a part never exceeds the whole.

Each vendor's quarterly shipments fitted on their own (`drift_rw`) gave AMD, with eight
volatile quarters, a 2028Q4 95% band of 0.005–973 million H100e, four times the upper bound
of all vendors together (248 million). A vendor cannot ship more than every vendor, so the
model forecasts the two things that do not contradict each other:

- the total (the family's series named `total_id`, "all"), a random walk with drift on logs
  (`forecasts.drift`), and
- the vendor's share of it, a random walk with drift on the logit of the share, fitted the
  same way on the quarters both series cover (Student-t with m−1 degrees of freedom,
  variance K²(τ + τ²/m), Farmer & Lafond 2016).

Draws of the two are independent and seeded; the vendor's quantiles are the draws' quantiles
of total × share, so at every level the vendor's bound lies below the total's (share < 1).
The point forecast is the simulated median. For the total itself, or a family without one,
the model is `drift_rw`. The total is cut at the fitted history's last date, so a backtest
never sees the future.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import polars as pl
from scipy import stats

from forecasts.base import DEFAULT_LEVELS, Freq, draws_frame, future_periods, prepare_history
from forecasts.drift import DriftFit, DriftRandomWalk, drift_forecast_sd
from transforms.installed_compute import ALL_VENDORS as TOTAL_SERIES


def logit(share: np.ndarray) -> np.ndarray:
    return np.log(share / (1.0 - share))


@dataclass(frozen=True)
class ShareFit:
    total: DriftFit
    share_drift_per_period: float  # logit units per period
    share_step_sd: float
    share_m: int
    last_logit_share: float


def _random_walk_draws(
    rng: np.random.Generator, draws: int, last: float, drift: float, step_sd: float, m: int, tau: np.ndarray
) -> np.ndarray:
    """(draws, h) draws of a drift random walk's τ-step values: one t(m−1) draw per path."""
    standard = stats.t.rvs(m - 1, size=(draws, 1), random_state=rng)
    return (last + drift * tau)[None, :] + standard * drift_forecast_sd(step_sd, m, tau)[None, :]


@dataclass
class ShareOfTotal:
    alias: str = "share_of_total"
    freq: Freq = "month"
    total_id: str = TOTAL_SERIES
    draws: int = 4000
    seed: int = 20240601
    peers: Mapping[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    fitted: ShareFit | None = field(default=None, init=False)
    own_drift: DriftRandomWalk | None = field(default=None, init=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {"freq": self.freq, "total_id": self.total_id, "draws": self.draws, "seed": self.seed}

    def fit(self, history: pl.DataFrame) -> Self:
        days, y = prepare_history(history, self.freq, minimum=3)
        total = self.peers.get(self.total_id)
        known = total.filter(pl.col("ds") <= days[-1]).sort("ds") if total is not None else None
        is_total = known is not None and known["ds"].to_list() == days and np.array_equal(known["y"].to_numpy(), y)
        if known is None or is_total:
            self.own_drift, self.fitted = DriftRandomWalk(freq=self.freq).fit(history), None
            return self
        self.own_drift = None
        total_model = DriftRandomWalk(freq=self.freq).fit(known.select("ds", "y"))
        assert total_model.fitted is not None
        paired = history.select("ds", "y").join(known.select("ds", pl.col("y").alias("total")), on="ds").sort("ds")
        share = (paired["y"] / paired["total"]).to_numpy()
        if paired.height < 3 or not np.all((share > 0) & (share < 1)):
            raise ValueError(f"share of {self.total_id!r} must lie in (0, 1) on at least 3 common periods")
        if paired["ds"][-1] != days[-1] or known["ds"][-1] != days[-1]:
            raise ValueError(f"{self.total_id!r} does not reach the series' last period {days[-1]}")
        steps = np.diff(logit(share))
        self.fitted = ShareFit(
            total=total_model.fitted,
            share_drift_per_period=float(np.mean(steps)),
            share_step_sd=float(np.std(steps, ddof=1)),
            share_m=len(steps),
            last_logit_share=float(logit(share[-1:])[0]),
        )
        return self

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        if self.own_drift is not None:
            return self.own_drift.predict(h, levels)
        if self.fitted is None:
            raise RuntimeError(f"{self.alias}: predict() before fit()")
        fit, total = self.fitted, self.fitted.total
        tau = np.arange(1, h + 1, dtype=float)
        rng = np.random.default_rng(self.seed)
        log_total = _random_walk_draws(
            rng, self.draws, total.last_log, total.drift_per_period, total.step_sd, total.m, tau
        )
        logit_share = _random_walk_draws(
            rng, self.draws, fit.last_logit_share, fit.share_drift_per_period, fit.share_step_sd, fit.share_m, tau
        )
        log_part = log_total - np.logaddexp(0.0, -logit_share)  # log(total · sigmoid(logit))
        return draws_frame(future_periods(total.last_ds, h, self.freq), log_part, levels)
