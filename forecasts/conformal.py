"""Calibrating a model's bands on its own past errors (conformalized quantile intervals).

A model's 80% band is only an 80% band if about 80% of outcomes fell inside it before. The
step model's bands came from a process model and held 37% of backtest outcomes; drift's were
closer. Following conformalized quantile regression (Romano, Patterson & Candès 2019), with a
separate correction for each tail and each lead time, each band is widened on the log scale
by how far past outcomes fell outside the same model's band at the same lead:

    lower tail: s = ln(lo) − ln(y),  upper tail: s = ln(y) − ln(hi)
    offset = the ⌈(n+1)(1 − α/2)⌉-th smallest s over the n known outcomes (capped at the largest),
    floored at 0, so a band is widened, never narrowed.

Scores are pooled over the family's series (a tier alone has a handful of windows). Only
outcomes already observed at a forecast's origin calibrate it: in the rolling-origin
backtest a window at origin o uses the windows whose outcome date is on or before o, so the
scores of calibrated bands are out of sample, and the final forecast uses every window. Fewer
than MIN_SCORES known outcomes at a lead leave the band as the model made it. Leads beyond
the longest backtested one take that lead's offset scaled by √(lead / longest lead) (error
spread of a random walk); shorter unscored leads scale the shortest one down the same way.
The median is not moved.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np
import polars as pl

from forecasts.backtest import BACKTEST_LEVELS, WINKLER_LEVEL, weighted_interval_score, winkler_score

MIN_SCORES = 10

Offsets = dict[int, dict[int, tuple[float, float]]]  # lead -> level -> (lower, upper) log offsets


def tail_offset(scores: np.ndarray, alpha: float) -> float:
    """The conformal quantile of one tail's scores at miscoverage α/2, floored at 0."""
    finite = np.sort(scores[np.isfinite(scores)])
    n = len(finite)
    if n < MIN_SCORES:
        return 0.0
    rank = min(math.ceil((n + 1) * (1 - alpha / 2)), n)
    return max(float(finite[rank - 1]), 0.0)


def _offsets_from(rows: pl.DataFrame) -> dict[int, tuple[float, float]]:
    z = np.log(rows["y"].to_numpy())
    out = {}
    for level in BACKTEST_LEVELS:
        alpha = 1 - level / 100.0
        lower = np.log(rows[f"lo_{level}"].to_numpy()) - z
        upper = z - np.log(rows[f"hi_{level}"].to_numpy())
        out[level] = (tail_offset(lower, alpha), tail_offset(upper, alpha))
    return out


# Log-scale scores need positive outcomes and bounds; other rows keep the model's own bands.
POSITIVE = pl.all_horizontal(
    pl.col(c) > 0 for c in ("y", "mean", *[f"{side}_{level}" for level in BACKTEST_LEVELS for side in ("lo", "hi")])
)


def calibrate_backtest(errors: pl.DataFrame) -> pl.DataFrame:
    """Backtest errors (forecasts.backtest.ERRORS_SCHEMA) with every window's bands widened by
    the offsets known at its origin, and its coverage, Winkler and WIS rescored."""
    if errors.height == 0:
        return errors
    usable = errors.filter(POSITIVE)
    parts = []
    for _key, group in usable.group_by("model", "lead", maintain_order=True):
        for origin in group["origin"].unique().sort():
            known = group.filter(pl.col("ds") <= origin)
            window = group.filter(pl.col("origin") == origin)
            parts.append(_widen_rows(window, _offsets_from(known)))
    calibrated = pl.concat(parts) if parts else usable.clear()
    untouched = errors.filter(~POSITIVE)
    return pl.concat([calibrated.select(errors.columns), untouched]).sort("series_id", "model", "origin", "lead")


def _widen_rows(rows: pl.DataFrame, offsets: Mapping[int, tuple[float, float]]) -> pl.DataFrame:
    z = np.log(rows["y"].to_numpy())
    median = rows["mean"].to_numpy()
    columns: dict[str, np.ndarray] = {}
    bounds = {}
    for level in BACKTEST_LEVELS:
        lower, upper = offsets[level]
        lo = np.minimum(rows[f"lo_{level}"].to_numpy() * math.exp(-lower), median)
        hi = np.maximum(rows[f"hi_{level}"].to_numpy() * math.exp(upper), median)
        columns[f"lo_{level}"], columns[f"hi_{level}"] = lo, hi
    # Nested bands: a wider level never lies inside a narrower one.
    for narrow, wide in itertools.pairwise(BACKTEST_LEVELS):
        columns[f"lo_{wide}"] = np.minimum(columns[f"lo_{wide}"], columns[f"lo_{narrow}"])
        columns[f"hi_{wide}"] = np.maximum(columns[f"hi_{wide}"], columns[f"hi_{narrow}"])
    for level in BACKTEST_LEVELS:
        lo, hi = np.log(columns[f"lo_{level}"]), np.log(columns[f"hi_{level}"])
        bounds[level] = (lo, hi)
        columns[f"covered_{level}"] = (lo <= z) & (z <= hi)
    columns["winkler_95"] = winkler_score(z, *bounds[WINKLER_LEVEL], alpha=1 - WINKLER_LEVEL / 100.0)
    columns["wis"] = weighted_interval_score(z, np.log(median), bounds)
    return rows.with_columns(pl.Series(name, values) for name, values in columns.items())


def final_offsets(errors: pl.DataFrame, model: str) -> Offsets:
    """Per lead, the offsets from every backtest window of `model` (for its final forecast)."""
    rows = errors.filter((pl.col("model") == model) & POSITIVE)
    return {int(lead): _offsets_from(group) for (lead,), group in rows.group_by("lead")}


def offsets_at(offsets: Offsets, lead: int) -> dict[int, tuple[float, float]]:
    """The offsets for `lead`, scaled by √(lead ratio) from the nearest backtested lead outside their range."""
    if lead in offsets:
        return offsets[lead]
    nearest = max(offsets) if lead > max(offsets) else min(offsets)
    factor = math.sqrt(lead / nearest)
    return {level: (lower * factor, upper * factor) for level, (lower, upper) in offsets[nearest].items()}


def widen_forecast(values: pl.DataFrame, offsets: Offsets) -> pl.DataFrame:
    """A champion's forecast rows ([series_id, ds, mean, lo_*, hi_*], leads 1..h per series in
    date order) with the calibrated offsets applied; unchanged without offsets."""
    if not offsets or values.height == 0:
        return values
    levels = [level for level in BACKTEST_LEVELS if f"lo_{level}" in values.columns]
    ordered = values.sort("series_id", "ds").with_columns(_lead=pl.int_range(1, pl.len() + 1).over("series_id"))
    factors: dict[str, list[float]] = {f"{side}_{level}": [] for level in levels for side in ("lo", "hi")}
    for lead in ordered["_lead"].to_list():
        at = offsets_at(offsets, int(lead))
        for level in levels:
            factors[f"lo_{level}"].append(math.exp(-at[level][0]))
            factors[f"hi_{level}"].append(math.exp(at[level][1]))
    widened = ordered.with_columns(
        (pl.col(name) * pl.Series(values=factor)).alias(name) for name, factor in factors.items()
    )
    for narrow, wide in itertools.pairwise(levels):
        widened = widened.with_columns(
            pl.min_horizontal(f"lo_{wide}", f"lo_{narrow}").alias(f"lo_{wide}"),
            pl.max_horizontal(f"hi_{wide}", f"hi_{narrow}").alias(f"hi_{wide}"),
        )
    return widened.drop("_lead").select(values.columns)


def calibrate_where_it_helps(errors: pl.DataFrame, leads: list[int]) -> tuple[pl.DataFrame, set[str]]:
    """Backtest errors with each model's bands calibrated where that lowers its mean WIS at
    `leads`, and the set of models calibrated.

    Widening only helps a model whose bands were too narrow; for one already near nominal
    coverage the offsets are mostly noise and cost width, so a proper score decides per model.
    Both scores are out of sample (the offsets at each origin come from earlier outcomes)."""
    if errors.height == 0:
        return errors, set()
    calibrated = calibrate_backtest(errors)
    scored_raw = errors.filter(pl.col("lead").is_in(leads)).group_by("model").agg(pl.col("wis").mean())
    scored_cal = calibrated.filter(pl.col("lead").is_in(leads)).group_by("model").agg(pl.col("wis").mean())
    compared = scored_raw.join(scored_cal, on="model", suffix="_calibrated")
    improved = set(compared.filter(pl.col("wis_calibrated") < pl.col("wis"))["model"].to_list())
    is_improved = pl.col("model").is_in(list(improved))
    chosen = pl.concat([calibrated.filter(is_improved), errors.filter(~is_improved)])
    return chosen.sort("series_id", "model", "origin", "lead"), improved
