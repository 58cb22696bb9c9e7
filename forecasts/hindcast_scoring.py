"""Scoring a hindcast: forecasts made as of past dates against what was later observed (pure).

Points are [as_of, target, series_id, method, ds, lead, median, lo_80, hi_80, lo_95, hi_95,
observed]. Positive values are scored on natural logs, like the backtests. The CRPS is
approximated by the weighted interval score of the median and the 80% and 95% intervals
(forecasts.backtest.weighted_interval_score). Relative scores compare a method with naive
and drift on the points both forecast.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from forecasts.backtest import weighted_interval_score

ALL_LEADS = 0

SCORES_SCHEMA: dict[str, pl.DataType] = {
    "target": pl.String(),
    "method": pl.String(),
    "lead": pl.Int64(),
    "n_points": pl.Int64(),
    "n_origins": pl.Int64(),
    "coverage_80": pl.Float64(),
    "coverage_95": pl.Float64(),
    "mean_log_error": pl.Float64(),
    "mean_abs_log_error": pl.Float64(),
    "crps": pl.Float64(),
    "crps_vs_naive": pl.Float64(),
    "crps_vs_drift": pl.Float64(),
}
KEYS = ["as_of", "target", "series_id", "ds"]


def as_of_dates(start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    """Month or quarter ends from `start` to `end` inclusive (start is moved to a period end)."""
    step = {"month": 1, "quarter": 3}.get(every)
    if step is None:
        raise ValueError(f"--every must be month or quarter, not {every!r}")
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    dates: list[dt.date] = []
    index = start.year * 12 + start.month - 1
    if step == 3:
        index += (2 - index % 3) % 3  # the quarter's last month
    while True:
        following = index + 1
        day = dt.date(following // 12, following % 12 + 1, 1) - dt.timedelta(days=1)
        if day > end:
            return dates
        if day >= start:
            dates.append(day)
        index += step


def point_scores(points: pl.DataFrame) -> pl.DataFrame:
    """Per-point coverage flags, log error and WIS (log scale when the target's values are positive)."""
    parts = []
    for _, part in points.group_by("target", maintain_order=True):
        values = part.select("median", "lo_80", "hi_80", "lo_95", "hi_95", "observed").to_numpy()
        log_scale = bool(np.all(values > 0))
        z = np.log(values) if log_scale else values
        median, lo80, hi80, lo95, hi95, observed = (z[:, i] for i in range(6))
        wis = weighted_interval_score(observed, median, {80: (lo80, hi80), 95: (lo95, hi95)})
        parts.append(
            part.with_columns(
                covered_80=pl.Series((lo80 <= observed) & (observed <= hi80)),
                covered_95=pl.Series((lo95 <= observed) & (observed <= hi95)),
                log_error=pl.Series(median - observed) if log_scale else pl.lit(None, pl.Float64),
                crps=pl.Series(wis),
            )
        )
    return pl.concat(parts) if parts else points


def _relative(scored: pl.DataFrame, benchmark: str, name: str) -> pl.DataFrame:
    """Per target, method and lead: the method's mean CRPS over the benchmark's on shared points."""
    reference = scored.filter(pl.col("method") == benchmark).select(*KEYS, pl.col("crps").alias("_reference"))
    joined = scored.join(reference, on=KEYS, how="inner")
    by_lead = joined.group_by("target", "method", "lead").agg(pl.col("crps").sum(), pl.col("_reference").sum())
    pooled = joined.group_by("target", "method").agg(pl.col("crps").sum(), pl.col("_reference").sum())
    both = pl.concat([by_lead, pooled.with_columns(lead=pl.lit(ALL_LEADS, pl.Int64)).select(by_lead.columns)])
    return both.select(
        "target",
        "method",
        "lead",
        pl.when(pl.col("_reference") > 0).then(pl.col("crps") / pl.col("_reference")).alias(name),
    )


def hindcast_scores(points: pl.DataFrame) -> pl.DataFrame:
    """One row per target, method and lead (and lead 0: all leads pooled)."""
    if points.height == 0:
        return pl.DataFrame(schema=SCORES_SCHEMA)
    scored = point_scores(points)
    metrics = [
        pl.len().cast(pl.Int64).alias("n_points"),
        pl.col("as_of").n_unique().cast(pl.Int64).alias("n_origins"),
        pl.col("covered_80").cast(pl.Float64).mean().alias("coverage_80"),
        pl.col("covered_95").cast(pl.Float64).mean().alias("coverage_95"),
        pl.col("log_error").mean().alias("mean_log_error"),
        pl.col("log_error").abs().mean().alias("mean_abs_log_error"),
        pl.col("crps").mean().alias("crps"),
    ]
    by_lead = scored.group_by("target", "method", "lead").agg(metrics)
    pooled = scored.group_by("target", "method").agg(metrics).with_columns(lead=pl.lit(ALL_LEADS, pl.Int64))
    frame = pl.concat([by_lead.with_columns(pl.col("lead").cast(pl.Int64)), pooled.select(by_lead.columns)])
    for benchmark, name in (("naive", "crps_vs_naive"), ("drift_rw", "crps_vs_drift")):
        frame = frame.join(_relative(scored, benchmark, name), on=["target", "method", "lead"], how="left")
    return frame.select(list(SCORES_SCHEMA)).cast(SCORES_SCHEMA).sort("target", "method", "lead")  # type: ignore[arg-type]
