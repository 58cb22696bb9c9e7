"""Engine jobs: one forecast target (a family of series) run through backtest + champion.

The champion is chosen once per family on the pooled backtest (forecasts.pooled), so a job
is the unit of work and is not split by series.

A job is plain data (picklable), so a flow can map jobs over a distributed task runner
and get identical results to a local loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from forecasts.base import Freq
from forecasts.pooled import FAMILY_SCHEMA, forecast_family
from forecasts.runner import ForecastBatch
from forecasts.selection import SelectionRule

REPORT_LEADS: dict[str, tuple[int, ...]] = {"month": (6, 12, 24), "quarter": (2, 4, 8)}


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
    backtest_step: int = 1  # periods between rolling origins
    # How far below nominal the 80% coverage may fall before a model is disqualified; short
    # quarterly series have few backtest points, so their coverage estimate is noisier.
    coverage_tolerance: float = 0.15
    # Lead times the champion is scored at; the default is the report's horizons for the
    # frequency (REPORT_LEADS) that the backtest horizon reaches.
    score_leads: tuple[int, ...] = ()
    candidates: tuple[str, ...] | None = None  # None: forecasts.candidates.DEFAULT_CANDIDATES
    # series_id -> 90% CI of the measured growth factor per year; a champion whose first-year
    # growth contradicts it is passed over (forecasts.growth_consistency).
    growth_ci: dict[str, tuple[float, float]] | None = None


@dataclass
class TargetForecast:
    target: str
    values: pl.DataFrame
    backtests: pl.DataFrame
    fallbacks: pl.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)
    family_scores: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FAMILY_SCHEMA))


def run_job(job: EngineJob) -> TargetForecast:
    family = forecast_family(
        job.series,
        job.horizon,
        backtest_horizon=job.backtest_horizon,
        backtest_windows=job.backtest_windows,
        score_leads=job.score_leads or REPORT_LEADS[job.freq],
        min_train=job.min_train,
        backtest_step=job.backtest_step,
        freq=job.freq,
        candidates=job.candidates,
        rule=SelectionRule(coverage_tolerance=job.coverage_tolerance),
        growth_ci=job.growth_ci,
    )
    batch = ForecastBatch(family.values, family.backtests, family.fallbacks, family.skipped)
    return TargetForecast(
        target=job.target,
        values=batch.values.with_columns(target=pl.lit(job.target), unit=pl.lit(job.unit)),
        backtests=batch.backtests.with_columns(target=pl.lit(job.target)),
        fallbacks=batch.fallbacks_frame().with_columns(target=pl.lit(job.target)),
        skipped=batch.skipped,
        family_scores=family.family_scores.with_columns(target=pl.lit(job.target)),
    )


def split_job(job: EngineJob, batch_size: int) -> list[EngineJob]:
    """Smaller jobs of at most `batch_size` series each. Each part chooses its own champion,
    so split only when pooling across the whole family is not wanted."""
    ids = sorted(job.series)
    return [
        replace(job, series={series_id: job.series[series_id] for series_id in ids[start : start + batch_size]})
        for start in range(0, len(ids), batch_size)
    ]


def merge(results: list[TargetForecast]) -> dict[str, TargetForecast]:
    """Combine batch results per target, in a deterministic order."""
    merged: dict[str, TargetForecast] = {}
    for result in sorted(results, key=lambda r: r.target):
        current = merged.get(result.target)
        if current is None:
            merged[result.target] = TargetForecast(
                result.target,
                result.values,
                result.backtests,
                result.fallbacks,
                dict(result.skipped),
                result.family_scores,
            )
            continue
        current.values = pl.concat([current.values, result.values])
        current.backtests = pl.concat([current.backtests, result.backtests])
        current.fallbacks = pl.concat([current.fallbacks, result.fallbacks])
        current.skipped.update(result.skipped)
        current.family_scores = pl.concat([current.family_scores, result.family_scores])
    for forecast in merged.values():
        forecast.values = forecast.values.sort("series_id", "ds")
        forecast.backtests = forecast.backtests.sort("series_id", "model")
    return merged
