"""Forecast one series end to end: backtest the candidates, pick a champion, refit it on the
full history and predict. A pure map over series — no I/O — so a flow can run one task per
batch of series (`forecast_many`) and a distributed task runner can spread the batches.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from forecasts.backtest import backtest_errors, summarize_backtest
from forecasts.base import DEFAULT_LEVELS, ForecastModel, Freq
from forecasts.candidates import make_candidates
from forecasts.fallback import Fallback, ModelFitError, fit_with_fallback
from forecasts.selection import SelectionRule, choose_champion

BACKTESTS_SCHEMA: dict[str, pl.DataType] = {
    "series_id": pl.String(),
    "model": pl.String(),
    "horizon": pl.Int64(),
    "mase": pl.Float64(),
    "mase_vs_drift": pl.Float64(),
    "coverage_80": pl.Float64(),
    "coverage_95": pl.Float64(),
    "winkler": pl.Float64(),
    "wis": pl.Float64(),
    "n_windows": pl.Int64(),
    "is_champion": pl.Boolean(),
    "champion_reason": pl.String(),
}


def values_schema(levels: tuple[int, ...] = DEFAULT_LEVELS) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {
        "series_id": pl.String(),
        "model": pl.String(),
        "ds": pl.Date(),
        "mean": pl.Float64(),
    }
    for level in levels:
        schema[f"lo_{level}"] = pl.Float64()
        schema[f"hi_{level}"] = pl.Float64()
    return schema


def forecast_series(
    series_frame: pl.DataFrame,
    horizon: int,
    levels: tuple[int, ...] = DEFAULT_LEVELS,
    backtest_windows: int = 6,
    *,
    backtest_horizon: int | None = None,
    backtest_step: int = 1,
    min_train: int = 6,
    freq: Freq = "month",
    candidates: Sequence[ForecastModel] | None = None,
    rule: SelectionRule | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[Fallback]]:
    """(values, backtests, fallbacks) for one series [series_id, ds, y].

    `values` holds the champion's forecast (or naive's, if the champion fails on the full
    history — then a Fallback says so); `backtests` has one row per candidate with the
    metrics of `forecasts.backtest` at `backtest_horizon` (default: `horizon`) and the
    champion flag and reason. `candidates` are unfitted prototypes (default: the registry).
    """
    series_ids = series_frame["series_id"].unique().to_list()
    if len(series_ids) != 1:
        raise ValueError(f"forecast_series takes exactly one series, got {len(series_ids)}")
    series_id = str(series_ids[0])
    history = series_frame.select("ds", "y").sort("ds")
    prototypes = list(candidates) if candidates is not None else make_candidates(freq)
    aliases = [model.alias for model in prototypes]
    if len(set(aliases)) != len(aliases):
        raise ValueError(f"candidate aliases must be unique: {aliases}")
    test_horizon = backtest_horizon or horizon

    errors, fallbacks = backtest_errors(
        history,
        prototypes,
        horizon=test_horizon,
        windows=backtest_windows,
        step=backtest_step,
        min_train=min_train,
        freq=freq,
        series_id=series_id,
    )
    summary = summarize_backtest(errors, aliases)
    champion_alias, reason = choose_champion(summary, rule)
    backtests = summary.with_columns(
        series_id=pl.lit(series_id),
        horizon=pl.lit(test_horizon, pl.Int64()),
        is_champion=pl.col("model") == champion_alias,
        champion_reason=pl.lit(reason),
    ).select(list(BACKTESTS_SCHEMA))

    champion = copy.deepcopy(prototypes[aliases.index(champion_alias)])
    model, fallback = fit_with_fallback([champion], history, freq=freq, check_horizon=horizon, series_id=series_id)
    if fallback is not None:
        fallbacks.append(fallback)
    values = (
        model.predict(horizon, levels)
        .with_columns(series_id=pl.lit(series_id), model=pl.lit(model.alias))
        .select(list(values_schema(levels)))
    )
    return values, backtests, fallbacks


@dataclass
class ForecastBatch:
    values: pl.DataFrame
    backtests: pl.DataFrame
    fallbacks: list[Fallback] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # series_id -> why it has no forecast

    def fallbacks_frame(self) -> pl.DataFrame:
        schema = {
            "series_id": pl.String(),
            "origin": pl.Date(),
            "model": pl.String(),
            "fallback_from": pl.String(),
            "reason": pl.String(),
        }
        rows = [record.as_dict() for record in self.fallbacks]
        return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def forecast_many(
    frames_by_series: Mapping[str, pl.DataFrame],
    horizon: int,
    levels: tuple[int, ...] = DEFAULT_LEVELS,
    backtest_windows: int = 6,
    **options: Any,
) -> ForecastBatch:
    """`forecast_series` over a batch; frames may omit series_id (the key supplies it).

    A series that cannot be forecast at all (every model including naive fails, e.g. a
    single observation or an irregular date grid) is skipped with its reason rather than
    failing the batch.
    """
    values, backtests, fallbacks, skipped = [], [], [], {}
    for series_id, frame in frames_by_series.items():
        if "series_id" not in frame.columns:
            frame = frame.with_columns(series_id=pl.lit(series_id))
        try:
            series_values, series_backtests, series_fallbacks = forecast_series(
                frame, horizon, levels, backtest_windows, **options
            )
        except (ModelFitError, ValueError) as exc:
            skipped[series_id] = str(exc)
            continue
        values.append(series_values)
        backtests.append(series_backtests)
        fallbacks.extend(series_fallbacks)
    return ForecastBatch(
        values=pl.concat(values) if values else pl.DataFrame(schema=values_schema(levels)),
        backtests=pl.concat(backtests) if backtests else pl.DataFrame(schema=BACKTESTS_SCHEMA),
        fallbacks=fallbacks,
        skipped=skipped,
    )


def split_series(long_frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """{series_id: frame} from a long frame [series_id, ds, y], ready for `forecast_many`."""
    return {
        str(key[0]): frame
        for key, frame in long_frame.partition_by("series_id", as_dict=True, maintain_order=True).items()
    }
