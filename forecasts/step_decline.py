"""Step decline: a model of how the cheapest qualifying price actually moves.

The cheapest price at a capability tier holds for months and then drops when a cheaper model
launches or a provider cuts its price. The model has three parts, each estimated only from
data up to the forecast origin:

1. Rate. Each tier's decline rate is the OLS slope of ln(price) on time over the months in
   which its index set a new low (the published frontier-lows method, applied to the monthly
   index), with its classical standard error.
2. Pooling. Tiers share one process (the same launches and price cuts reach every tier), so
   each tier's rate is shrunk toward the common rate in proportion to its uncertainty
   (empirical Bayes, normal-normal): with between-tier variance τ² (DerSimonian–Laird) and
   precision-weighted common rate μ, the tier's rate is (τ² b + s² μ) / (τ² + s²) with
   variance τ² s² / (τ² + s²) + (s² / (τ² + s²))² var(μ). A tier with too few lows of its own
   takes μ with variance τ² + var(μ).
3. Steps. New lows arrive as a Poisson process (rate λ per month, the tier's count of new
   lows shrunk toward the family's with twelve months of pseudo-exposure) with gamma-sized
   log drops (shape from the family's observed drops, mean set so that the expected decline
   equals the tier's rate). Simulated paths start at the last observed value, each with its
   own rate drawn from the tier's posterior, so the band widens with the rate's uncertainty
   and with the timing and size of steps.
4. Dispersion. Independent Poisson steps of the sizes seen between lows overstate how far a
   cheapest price wanders over a year (a deep cut is usually followed by a pause). The
   compound-Poisson variance is therefore scaled by c, the family's observed variance of
   twelve-month log changes over the modelled one (method of moments over every tier's
   overlapping twelve-month changes up to the origin; c bounded to [0.05, 4]), by making steps
   c times as large and 1/c times as frequent, which keeps the expected decline.

The point forecast is the simulated median; intervals are simulated quantiles. Simulation
is seeded, so a fit on the same data always gives the same forecast.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import polars as pl

from forecasts.base import DEFAULT_LEVELS, Freq, draws_frame, future_periods, months_per_period, prepare_history

MIN_LOWS = 3
PSEUDO_EXPOSURE_MONTHS = 12.0
SHAPE_BOUNDS = (0.5, 5.0)
DISPERSION_BOUNDS = (0.05, 4.0)
DISPERSION_MONTHS = 12


@dataclass(frozen=True)
class TierRate:
    """A tier's log decline rate per year (positive: prices fall) with its standard error."""

    rate_per_year: float | None  # None when the tier has fewer than MIN_LOWS new lows
    se: float | None
    n_lows: int
    months: float  # exposure: months from the first to the last observation
    drops: tuple[float, ...]  # log drops between successive lows (positive)


def new_lows(days: list[dt.date], y: np.ndarray) -> tuple[list[dt.date], np.ndarray]:
    """The observations strictly below every earlier one (the first observation included)."""
    keep_days, keep_y, low = [], [], math.inf
    for day, value in zip(days, y, strict=True):
        if value < low:
            keep_days.append(day)
            keep_y.append(float(value))
            low = value
    return keep_days, np.asarray(keep_y)


def tier_rate(days: list[dt.date], y: np.ndarray) -> TierRate:
    """Frontier-lows OLS of ln(price) on years over the series' new lows."""
    low_days, low_y = new_lows(days, y)
    months = float((days[-1].year - days[0].year) * 12 + days[-1].month - days[0].month) if days else 0.0
    log_low = np.log(low_y)
    drops = tuple(float(d) for d in -np.diff(log_low))
    n = len(low_days)
    if n < MIN_LOWS:
        return TierRate(None, None, n, months, drops)
    t = np.asarray([(day - low_days[0]).days / 365.25 for day in low_days])
    t_dev = t - t.mean()
    sxx = float(t_dev @ t_dev)
    slope = float(t_dev @ (log_low - log_low.mean())) / sxx
    residuals = log_low - log_low.mean() - slope * t_dev
    se = math.sqrt(float(residuals @ residuals) / (n - 2) / sxx)
    return TierRate(-slope, se, n, months, drops)


@dataclass(frozen=True)
class PooledRate:
    rate_per_year: float  # posterior mean of the log decline rate per year
    sd: float  # posterior sd
    common_rate: float  # μ
    tau: float  # between-tier sd
    n_tiers: int  # tiers with a rate of their own
    own: bool  # whether this tier had a rate of its own


def pool_rates(target: TierRate, peers: list[TierRate]) -> PooledRate:
    """Empirical-Bayes shrinkage of `target`'s rate toward the common rate of `peers` (which
    should include `target`); see the module docstring."""
    rated = [p for p in peers if p.rate_per_year is not None and p.se is not None and p.se > 0]
    if not rated:
        raise ValueError(f"no tier has {MIN_LOWS} or more new lows to estimate a decline rate")
    b = np.asarray([p.rate_per_year for p in rated], dtype=float)
    s2 = np.asarray([p.se for p in rated], dtype=float) ** 2
    w = 1.0 / s2
    fixed = float(w @ b / w.sum())
    q = float(w @ (b - fixed) ** 2)
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (q - (len(b) - 1)) / denominator) if denominator > 0 else 0.0
    w_star = 1.0 / (s2 + tau2)
    mu = float(w_star @ b / w_star.sum())
    var_mu = 1.0 / float(w_star.sum())
    own = target.rate_per_year is not None and target.se is not None and target.se > 0
    if own:
        assert target.rate_per_year is not None and target.se is not None
        se2 = target.se**2
        weight = se2 / (tau2 + se2)  # the share of the common rate in the tier's estimate
        rate = (1 - weight) * target.rate_per_year + weight * mu
        variance = tau2 * weight + weight**2 * var_mu
    else:
        rate, variance = mu, tau2 + var_mu
    return PooledRate(rate, math.sqrt(max(variance, 0.0)), mu, math.sqrt(tau2), len(rated), own)


def dispersion_factor(
    log_series: list[np.ndarray], rates: list[float], steps_per_month: float, shape: float, freq: Freq
) -> float:
    """Observed over modelled variance of twelve-month log changes, pooled over the family.

    Modelled: a compound Poisson decline at rate b per year with λ steps a month and gamma
    drops of shape k has variance b² (1 + 1/k) / (12 λ) over twelve months. Observed: the
    variance of each series' overlapping twelve-month log changes. 1 when no series is long
    enough to compare."""
    lag = DISPERSION_MONTHS // months_per_period(freq)
    observed, modelled = 0.0, 0.0
    for z, rate in zip(log_series, rates, strict=True):
        if len(z) < lag + 3 or steps_per_month <= 0:
            continue
        changes = z[lag:] - z[:-lag]
        observed += float(np.var(changes, ddof=1))
        modelled += rate**2 * (1 + 1 / shape) / (12 * steps_per_month)
    if modelled <= 0:
        return 1.0
    return float(np.clip(observed / modelled, *DISPERSION_BOUNDS))


def gamma_shape(drops: list[float]) -> float:
    """Method-of-moments gamma shape of the log drops, bounded; 1 (exponential) when too few."""
    positive = np.asarray([d for d in drops if d > 0])
    if len(positive) < 3 or positive.var(ddof=1) <= 0:
        return 1.0
    shape = float(positive.mean() ** 2 / positive.var(ddof=1))
    return float(np.clip(shape, *SHAPE_BOUNDS))


@dataclass(frozen=True)
class StepFit:
    pooled: PooledRate
    steps_per_month: float
    shape: float
    dispersion: float  # variance factor applied to the step noise
    last_log: float
    last_ds: dt.date


@dataclass
class StepDecline:
    """See the module docstring. `peers` are the family's other series ({id: [ds, y]}); each
    is cut at the fitted history's last date, so a backtest never sees the future."""

    alias: str = "step_decline"
    freq: Freq = "month"
    draws: int = 4000
    seed: int = 20240601
    peers: Mapping[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    fitted: StepFit | None = field(default=None, init=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {"freq": self.freq, "draws": self.draws, "seed": self.seed, "n_peers": len(self.peers)}

    def fit(self, history: pl.DataFrame) -> Self:
        days, y = prepare_history(history, self.freq, minimum=3)
        own = tier_rate(days, y)
        peers = [own]
        log_series = [np.log(y)]
        for frame in self.peers.values():
            known = frame.filter(pl.col("ds") <= days[-1]).sort("ds")
            if known.height < 3 or known["ds"].to_list() == days:
                continue  # too short, or the fitted series itself
            peer_y = known["y"].cast(pl.Float64).to_numpy()
            if np.all(peer_y > 0):
                peers.append(tier_rate(known["ds"].to_list(), peer_y))
                log_series.append(np.log(peer_y))
        pooled = pool_rates(own, peers)
        exposure = sum(p.months for p in peers)
        steps = sum(max(p.n_lows - 1, 0) for p in peers)
        family_lambda = steps / exposure if exposure > 0 else 0.0
        own_steps = max(own.n_lows - 1, 0)
        steps_per_month = (own_steps + family_lambda * PSEUDO_EXPOSURE_MONTHS) / (own.months + PSEUDO_EXPOSURE_MONTHS)
        if steps_per_month <= 0:
            raise ValueError("no new lows in the family: no steps to model")
        drops = [d for p in peers for d in p.drops]
        shape = gamma_shape(drops)
        rates = [p.rate_per_year if p.rate_per_year is not None else pooled.common_rate for p in peers]
        dispersion = dispersion_factor(log_series, rates, family_lambda or steps_per_month, shape, self.freq)
        self.fitted = StepFit(pooled, steps_per_month, shape, dispersion, float(math.log(y[-1])), days[-1])
        return self

    def simulate(self, h: int) -> np.ndarray:
        """Simulated log values, shape (draws, h)."""
        fit = self._require_fit()
        rng = np.random.default_rng(self.seed)
        months = months_per_period(self.freq)
        # Dispersion c < 1: steps c times as large arriving 1/c times as often keep the expected
        # decline and scale the compound-Poisson variance by c.
        lam = fit.steps_per_month * months / fit.dispersion  # steps per period
        rates = rng.normal(fit.pooled.rate_per_year, fit.pooled.sd, size=self.draws)
        mean_drop = rates / 12.0 * months / lam  # log drop per step, signed (a negative rate is a rise)
        counts = rng.poisson(lam, size=(self.draws, h))
        # A sum of k gamma(shape, θ) drops is gamma(k·shape, θ); no step is no change.
        scale = np.abs(mean_drop)[:, None] / fit.shape
        sizes = np.where(
            counts > 0, rng.gamma(np.maximum(counts * fit.shape, 1e-12), np.broadcast_to(scale, counts.shape)), 0.0
        )
        return fit.last_log - np.cumsum(np.sign(mean_drop)[:, None] * sizes, axis=1)

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        fit = self._require_fit()
        return draws_frame(future_periods(fit.last_ds, h, self.freq), self.simulate(h), levels)

    def _require_fit(self) -> StepFit:
        if self.fitted is None:
            raise RuntimeError(f"{self.alias}: predict() before fit()")
        return self.fitted
