"""Engine jobs: one forecast target (a family of series) run through backtest + champion.

A job is plain data (picklable), so a flow can map jobs over a distributed task runner
and get identical results to a local loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from forecasts.base import Freq
from forecasts.runner import forecast_many
from forecasts.selection import SelectionRule


@dataclass(frozen=True)
class EngineJob:
    target: str
    unit: str
    freq: Freq
    horizon: int
    series: dict[str, pl.DataFrame]  # series_id -> [ds, y]
    backtest_windows: int = 6
    backtest_horizon: int = 6
    min_train: int = 6
    # How far below nominal the 80% coverage may fall before a model is disqualified; short
    # quarterly series have few backtest points, so their coverage estimate is noisier.
    coverage_tolerance: float = 0.15


@dataclass
class TargetForecast:
    target: str
    values: pl.DataFrame
    backtests: pl.DataFrame
    fallbacks: pl.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)


def run_job(job: EngineJob) -> TargetForecast:
    batch = forecast_many(
        job.series,
        job.horizon,
        backtest_windows=job.backtest_windows,
        backtest_horizon=job.backtest_horizon,
        min_train=job.min_train,
        freq=job.freq,
        rule=SelectionRule(coverage_tolerance=job.coverage_tolerance),
    )
    return TargetForecast(
        target=job.target,
        values=batch.values.with_columns(target=pl.lit(job.target), unit=pl.lit(job.unit)),
        backtests=batch.backtests.with_columns(target=pl.lit(job.target)),
        fallbacks=batch.fallbacks_frame().with_columns(target=pl.lit(job.target)),
        skipped=batch.skipped,
    )


def split_job(job: EngineJob, batch_size: int) -> list[EngineJob]:
    """Smaller jobs of at most `batch_size` series each (the unit of distribution)."""
    ids = sorted(job.series)
    return [
        EngineJob(
            target=job.target,
            unit=job.unit,
            freq=job.freq,
            horizon=job.horizon,
            series={series_id: job.series[series_id] for series_id in ids[start : start + batch_size]},
            backtest_windows=job.backtest_windows,
            backtest_horizon=job.backtest_horizon,
            min_train=job.min_train,
            coverage_tolerance=job.coverage_tolerance,
        )
        for start in range(0, len(ids), batch_size)
    ]


def merge(results: list[TargetForecast]) -> dict[str, TargetForecast]:
    """Combine batch results per target, in a deterministic order."""
    merged: dict[str, TargetForecast] = {}
    for result in sorted(results, key=lambda r: r.target):
        current = merged.get(result.target)
        if current is None:
            merged[result.target] = TargetForecast(
                result.target, result.values, result.backtests, result.fallbacks, dict(result.skipped)
            )
            continue
        current.values = pl.concat([current.values, result.values])
        current.backtests = pl.concat([current.backtests, result.backtests])
        current.fallbacks = pl.concat([current.fallbacks, result.fallbacks])
        current.skipped.update(result.skipped)
    for forecast in merged.values():
        forecast.values = forecast.values.sort("series_id", "ds")
        forecast.backtests = forecast.backtests.sort("series_id", "model")
    return merged
