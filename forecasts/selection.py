"""Champion selection from backtest metrics, with the reason written down.

Rule, in order:
1. Fewer than `min_windows` backtest windows: the metrics are too noisy to choose on, so
   the default model wins (random walk with drift on logs — Farmer & Lafond's benchmark for
   technology cost curves, and hard to beat on short price series).
2. Eligible models fit on their own in every window (no fallback) and have a finite score
   (`metric`, default the weighted interval score on logs, a proper score approximating the
   CRPS; MASE stays in the summary as a column but is not a proper score of a forecast
   distribution, and on step-shaped series it rewards never moving).
   None eligible: the default model, saying so.
3. Calibrated models have 80% coverage no lower than 0.80 − `coverage_tolerance`. Among them
   the lowest score wins; scores within `tie_tolerance` (relative) of the best are a tie, and
   ties go to the simpler model (registry order, naive simplest).
   Only under-coverage disqualifies by default: a backtest scores a few dozen overlapping
   points, so coverage of 1.0 is common for intervals that are merely honest, and rejecting
   it would hand the series to a far less accurate model. Overconfident intervals are the
   failure that misleads a reader; over-wide ones already cost in the Winkler score.
   `reject_over_coverage=True` makes the band two-sided (|coverage − 0.80| ≤ tolerance).
4. No calibrated model: the lowest score wins when the metric is WIS (it already trades width
   against misses); with MASE, the lowest 95% Winkler score. Ties again to the simpler model.
The default model may itself fail on the full history; the runner then falls back to
naive and records it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from forecasts.candidates import complexity_rank


@dataclass(frozen=True)
class SelectionRule:
    min_windows: int = 3
    coverage_tolerance: float = 0.15
    tie_tolerance: float = 0.01
    default_model: str = "drift_rw"
    reject_over_coverage: bool = False
    metric: str = "wis"  # or "mase"


METRIC_LABELS = {"wis": "WIS (log scale)", "mase": "MASE"}


def choose_champion(summary: pl.DataFrame, rule: SelectionRule | None = None) -> tuple[str, str]:
    """(champion alias, reason) from a frame with model, the rule's metric, coverage_80,
    winkler, n_windows and optionally n_fallbacks, one row per candidate."""
    rule = rule or SelectionRule()
    if summary.height == 0:
        raise ValueError("no candidates to choose from")
    models: list[str] = summary["model"].to_list()
    windows = int(summary["n_windows"].max() or 0)  # type: ignore[arg-type]
    if windows < rule.min_windows:
        return _default(
            models, rule, f"only {windows} backtest window(s), fewer than {rule.min_windows}: too few to rank"
        )
    if "n_fallbacks" not in summary.columns:
        summary = summary.with_columns(n_fallbacks=pl.lit(0))
    metric = rule.metric
    label = METRIC_LABELS.get(metric, metric)
    finite = pl.col(metric).is_not_null() & pl.col(metric).is_finite()
    eligible = summary.filter(finite & (pl.col("n_fallbacks") == 0) & (pl.col("n_windows") == windows))
    excluded = sorted(set(models) - set(eligible["model"]))
    note = f"; excluded (failed in some window or no finite {label}): {', '.join(excluded)}" if excluded else ""
    if eligible.height == 0:
        return _default(models, rule, f"no model fit in every backtest window with a finite {label}")
    low = 0.80 - rule.coverage_tolerance
    high = 0.80 + rule.coverage_tolerance if rule.reject_over_coverage else 1.0
    band = f"between {low:.2f} and {high:.2f}" if rule.reject_over_coverage else f"at least {low:.2f}"
    calibrated = eligible.filter(pl.col("coverage_80").is_between(low - 1e-12, high + 1e-12))
    if calibrated.height > 0:
        champion, best = _simplest_near_best(calibrated, metric, rule.tie_tolerance)
        reason = (
            f"lowest {label} ({best:.3f}) among the {calibrated.height} of {len(models)} models whose 80% "
            f"coverage is {band}; scores within {rule.tie_tolerance:.0%} are a tie → simpler model; "
            f"{windows} windows{note}"
        )
        return champion, reason
    # WIS already weighs interval width against misses; MASE does not, so it falls back to Winkler.
    fallback_metric = metric if metric == "wis" else "winkler"
    fallback_label = label if metric == "wis" else "95% Winkler score"
    champion, best = _simplest_near_best(eligible, fallback_metric, rule.tie_tolerance)
    reason = (
        f"no model's 80% coverage is {band}; lowest {fallback_label} ({best:.3f}), ties within "
        f"{rule.tie_tolerance:.0%} → simpler model; {windows} windows{note}"
    )
    return champion, reason


def _simplest_near_best(frame: pl.DataFrame, metric: str, tolerance: float) -> tuple[str, float]:
    values = [float(value) if value is not None else math.inf for value in frame[metric]]
    best = min(values)
    tied = [model for model, value in zip(frame["model"], values, strict=True) if value <= best * (1 + tolerance)]
    return min(tied, key=complexity_rank), best


def _default(models: list[str], rule: SelectionRule, why: str) -> tuple[str, str]:
    if rule.default_model in models:
        return rule.default_model, f"{why}; default rule → {rule.default_model}"
    simplest = min(models, key=complexity_rank)
    return simplest, f"{why}; default {rule.default_model} not a candidate → simplest model {simplest}"
