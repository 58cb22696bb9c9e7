"""The share of new releases that reason, forecast as its recent level with overdispersed bands (pure).

Why not the logistic curve: with a ceiling of 1, the S-curve fitted to near-zero 2023 quarters
and a 2024Q4 jump extrapolates to 99.9%+ within a year, and its confidence band (a tenth of a
point) describes the curve, not a quarter's share. The observed quarterly shares since the
jump sit near 80-85%, with quarters of 2 to 14 releases of known flag.

Model: the share of each future quarter is the pooled share of the last `quarters` quarters
(sum of reasoning releases over sum of known-flag releases): "repeat the recent level". Its
uncertainty allows for overdispersion between quarters (a quasi-binomial scale): phi is the
Pearson chi-square of those quarters against the pooled share over its degrees of freedom,
never below 1. A future quarter of n releases then has variance
phi p (1 - p) (1/n + 1/N), N the pooled count: the noise of one quarter plus the error of p.
The band is the Beta distribution with that mean and variance (so it stays in [0, 1]); n is
the median known-flag count of the recent quarters. A quarter with 2 releases thus widens the
band (it makes phi and n small) instead of setting the level. A pooled share of exactly 0 or 1
gets a one-sided Jeffreys band on the effective count 1 / (phi (1/n + 1/N)), not a zero-width one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from forecasts.base import DEFAULT_LEVELS, add_months

RECENT_QUARTERS = 4
# A headline share from fewer known-flag releases than this says so in the same sentence.
SMALL_SAMPLE = 20


@dataclass(frozen=True)
class RecentShare:
    share: float  # pooled share of the recent quarters
    n_flag_known: int  # N: releases with a known flag in those quarters
    n_reasoning: int
    n_quarters: int
    dispersion: float  # phi, >= 1
    quarter_n: float  # median known-flag releases per recent quarter
    start: dt.date
    end: dt.date

    def variance(self) -> float:
        p = self.share
        return self.dispersion * p * (1.0 - p) * (1.0 / self.quarter_n + 1.0 / self.n_flag_known)

    def effective_n(self) -> float:
        """The release count whose binomial variance equals this model's: 1 / (phi (1/n + 1/N))."""
        return 1.0 / (self.dispersion * (1.0 / self.quarter_n + 1.0 / self.n_flag_known))

    def interval(self, level: float) -> tuple[float, float]:
        p, var = self.share, self.variance()
        tail = (1.0 - level) / 2.0
        if p in (0.0, 1.0):
            # 0 of N (or N of N) does not mean a share of exactly 0 next quarter: the Jeffreys
            # band on the effective count, with the bound at the observed end (Brown, Cai &
            # DasGupta 2001), instead of a zero-width band.
            n_eff = self.effective_n()
            a, b = p * n_eff + 0.5, (1.0 - p) * n_eff + 0.5
            if p == 0.0:
                return 0.0, float(stats.beta.ppf(1.0 - tail, a, b))
            return float(stats.beta.ppf(tail, a, b)), 1.0
        # Beta with mean p and variance var; the variance cannot exceed p (1 - p).
        var = min(var, 0.999 * p * (1.0 - p))
        concentration = p * (1.0 - p) / var - 1.0
        a, b = p * concentration, (1.0 - p) * concentration
        return float(stats.beta.ppf(tail, a, b)), float(stats.beta.ppf(1.0 - tail, a, b))


def recent_share(history: pl.DataFrame, quarters: int = RECENT_QUARTERS) -> RecentShare:
    """history: [ds, y, n] quarterly shares with known-flag counts (forecasts.adoption_family.adoption_history)."""
    recent = history.filter(pl.col("n") > 0).sort("ds").tail(quarters)
    if recent.height == 0:
        raise ValueError("no quarter with a known reasoning flag")
    n = recent["n"].cast(pl.Float64).to_numpy()
    k = np.rint(recent["y"].to_numpy() * n)
    total, reasoning = float(n.sum()), float(k.sum())
    p = reasoning / total
    dispersion = 1.0
    if recent.height > 1 and 0.0 < p < 1.0:
        pearson = float(np.sum((k - n * p) ** 2 / (n * p * (1.0 - p))))
        dispersion = max(1.0, pearson / (recent.height - 1))
    return RecentShare(
        share=p,
        n_flag_known=int(total),
        n_reasoning=int(reasoning),
        n_quarters=recent.height,
        dispersion=dispersion,
        quarter_n=float(np.median(n)),
        start=recent["ds"][0],
        end=recent["ds"][-1],
    )


def recent_share_forecast(fit: RecentShare, horizon: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
    """[ds, mean, lo_<l>, hi_<l>] for the `horizon` quarters after the last one used."""
    days = [add_months(fit.end, 3 * (step + 1)) for step in range(horizon)]
    columns: dict[str, object] = {"ds": days, "mean": [fit.share] * horizon}
    for level in levels:
        low, high = fit.interval(level / 100.0)
        columns[f"lo_{level}"] = [low] * horizon
        columns[f"hi_{level}"] = [high] * horizon
    return pl.DataFrame(columns, schema_overrides={"ds": pl.Date()})


def describe(fit: RecentShare, level: float = 0.90) -> str:
    low, high = fit.interval(level)
    small = f", fewer than {SMALL_SAMPLE} releases: a small sample" if fit.n_flag_known < SMALL_SAMPLE else ""
    return (
        f"{fit.share:.0%} ({level:.0%} band for a quarter {low:.0%}-{high:.0%}) from {fit.n_reasoning} of "
        f"{fit.n_flag_known} releases with a known flag over {fit.n_quarters} quarters{small}; "
        f"overdispersion (Pearson chi2/df) {fit.dispersion:.2f}"
    )
