"""Forecast a family of series with one champion chosen on their pooled backtests.

Single series are short (a price tier has a few dozen months, a vendor a dozen quarters), so
a champion chosen on one series' backtest rests on a handful of overlapping windows. Pooling
the family's rolling-origin errors scores every candidate on all of them at once. The score
is the weighted interval score on logs (`forecasts.backtest`), at the lead times the report
shows (`score_leads`); the rule is `forecasts.selection`'s. The champion is then refitted on
each series' full history.

Outputs: per-series backtest rows (as `forecasts.runner`), family rows per model and lead
(coverage, WIS, WIS relative to naive and drift, MASE as a column) for forecast.backtest_family,
and the champion's values.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from forecasts.backtest import ERRORS_SCHEMA, backtest_errors, summarize_backtest
from forecasts.base import DEFAULT_LEVELS, ForecastModel, Freq
from forecasts.candidates import make_candidates
from forecasts.conformal import calibrate_where_it_helps, final_offsets, widen_forecast
from forecasts.fallback import Fallback, ModelFitError, fit_with_fallback
from forecasts.growth_consistency import growth_mismatches
from forecasts.runner import BACKTESTS_SCHEMA, values_schema
from forecasts.selection import SelectionRule, choose_champion

ALL_LEADS = 0  # the `lead` of a family row that pools every scored lead
MAX_FALLBACK_SHARE = 0.1

FAMILY_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.String(),
    "lead": pl.Int64(),
    "n_series": pl.Int64(),
    "n_points": pl.Int64(),
    "wis": pl.Float64(),
    "wis_vs_naive": pl.Float64(),
    "wis_vs_drift": pl.Float64(),
    "mean_log_error": pl.Float64(),
    "mean_abs_log_error": pl.Float64(),
    "mase": pl.Float64(),
    "coverage_80": pl.Float64(),
    "coverage_95": pl.Float64(),
    "is_champion": pl.Boolean(),
    "champion_reason": pl.String(),
}


@dataclass
class FamilyForecast:
    values: pl.DataFrame
    backtests: pl.DataFrame
    family_scores: pl.DataFrame
    fallbacks: list[Fallback] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def with_peers(prototypes: Sequence[ForecastModel], series: Mapping[str, pl.DataFrame]) -> list[ForecastModel]:
    """Candidates that pool across the family (they have a `peers` field) get its series."""
    ready = []
    for prototype in prototypes:
        model = copy.deepcopy(prototype)
        if hasattr(model, "peers"):
            model.peers = {key: frame.select("ds", "y") for key, frame in series.items()}
        ready.append(model)
    return ready


def family_scores(errors: pl.DataFrame, leads: Sequence[int]) -> pl.DataFrame:
    """Per model, per lead in `leads` and pooled over them (lead = ALL_LEADS): the family's scores.

    Errors are on logs (positive series): `mean_log_error` is the mean of ln(median / outcome),
    positive when forecasts were too high. Relative scores divide by naive's and drift's WIS
    on the same lead; they are null when the benchmark is not among the candidates.
    """
    scored = errors.filter(pl.col("lead").is_in(list(leads)))
    signed = (pl.col("mean").log() - pl.col("y").log()).filter((pl.col("mean") > 0) & (pl.col("y") > 0))
    metrics = [
        pl.col("series_id").n_unique().cast(pl.Int64).alias("n_series"),
        pl.len().cast(pl.Int64).alias("n_points"),
        pl.col("wis").mean().alias("wis"),
        signed.mean().alias("mean_log_error"),
        pl.col("abs_error").mean().alias("mean_abs_log_error"),
        (pl.col("abs_error") / pl.col("scale")).filter(pl.col("scale") > 0).mean().alias("mase"),
        pl.col("covered_80").cast(pl.Float64).mean().alias("coverage_80"),
        pl.col("covered_95").cast(pl.Float64).mean().alias("coverage_95"),
    ]
    by_lead = scored.group_by("model", "lead").agg(metrics)
    pooled = scored.group_by("model").agg(metrics).with_columns(lead=pl.lit(ALL_LEADS, pl.Int64))
    frame = pl.concat([by_lead, pooled.select(by_lead.columns)])
    for benchmark, column in (("naive", "wis_vs_naive"), ("drift_rw", "wis_vs_drift")):
        reference = frame.filter(pl.col("model") == benchmark).select("lead", pl.col("wis").alias("_reference"))
        frame = (
            frame.join(reference, on="lead", how="left")
            .with_columns(pl.when(pl.col("_reference") > 0).then(pl.col("wis") / pl.col("_reference")).alias(column))
            .drop("_reference")
        )
    return (
        frame.with_columns(is_champion=pl.lit(False), champion_reason=pl.lit(None, pl.String()))
        .select(list(FAMILY_SCHEMA))
        .cast(FAMILY_SCHEMA)  # type: ignore[arg-type]
        .sort("model", "lead")
    )


def forecast_family(
    series: Mapping[str, pl.DataFrame],
    horizon: int,
    *,
    backtest_horizon: int,
    backtest_windows: int,
    score_leads: Sequence[int],
    min_train: int = 6,
    backtest_step: int = 1,
    freq: Freq = "month",
    candidates: Sequence[str] | None = None,
    rule: SelectionRule | None = None,
    levels: tuple[int, ...] = DEFAULT_LEVELS,
    growth_ci: Mapping[str, tuple[float, float]] | None = None,
) -> FamilyForecast:
    """Backtest every candidate on every series, choose one champion on the pooled score at
    `score_leads` (those within `backtest_horizon`), refit it per series and predict.

    With `growth_ci` (series_id -> 90% CI of the measured growth factor per year), a champion
    whose first-year growth leaves that CI for any series is passed over for the next-best
    candidate (`forecasts.growth_consistency`); if every candidate does, the first choice stays
    and the reason says so."""
    prototypes = make_candidates(freq, candidates)
    aliases = [model.alias for model in prototypes]
    leads = [lead for lead in score_leads if lead <= backtest_horizon] or [backtest_horizon]
    histories = {key: frame.select("ds", "y").sort("ds") for key, frame in series.items()}
    models = with_peers(prototypes, histories)
    error_parts, fallbacks, skipped = [], [], {}
    for series_id, history in histories.items():
        try:
            errors, series_fallbacks = backtest_errors(
                history,
                models,
                horizon=backtest_horizon,
                windows=backtest_windows,
                min_train=min_train,
                step=backtest_step,
                freq=freq,
                series_id=series_id,
                min_lead=min(leads),
            )
        except (ModelFitError, ValueError) as exc:
            skipped[series_id] = str(exc)
            continue
        error_parts.append(errors)
        fallbacks.extend(series_fallbacks)
    raw_errors = pl.concat(error_parts) if error_parts else pl.DataFrame()
    errors, calibrated = calibrate_where_it_helps(raw_errors, leads)
    scored = errors.filter(pl.col("lead").is_in(leads)) if errors.height else errors
    summary = summarize_backtest(scored, aliases) if scored.height else _empty_summary(aliases)
    summary, fallback_note = _tolerate_rare_fallbacks(summary, scored)
    champion, reason = choose_champion(summary, rule)
    predicted = _predict_all(champion, prototypes, aliases, histories, horizon, freq, levels, skipped)
    if growth_ci:
        champion, reason, predicted = _growth_consistent(
            summary,
            rule,
            (champion, reason, predicted),
            histories,
            growth_ci,
            freq,
            lambda model: _predict_all(model, prototypes, aliases, histories, horizon, freq, levels, skipped),
        )
    values, champion_fallbacks, fit_failures = predicted
    if champion in calibrated:
        values = widen_forecast(values, final_offsets(raw_errors, champion))
        reason += "; bands conformally calibrated on its backtest errors (they lowered its WIS)"
    fallbacks.extend(champion_fallbacks)
    n_scored = scored["series_id"].n_unique() if scored.height else 0
    reason = f"pooled over {n_scored} series at leads {', '.join(map(str, leads))}{fallback_note}: {reason}"

    backtest_rows = []
    for series_id in histories:
        own = scored.filter(pl.col("series_id") == series_id) if scored.height else scored
        if series_id in skipped:
            continue
        backtest_rows.append(
            (summarize_backtest(own, aliases) if own.height else _empty_summary(aliases))
            .with_columns(
                series_id=pl.lit(series_id),
                horizon=pl.lit(backtest_horizon, pl.Int64()),
                is_champion=pl.col("model") == champion,
                champion_reason=pl.lit(reason),
            )
            .select(list(BACKTESTS_SCHEMA))
        )
    family = family_scores(errors, leads) if errors.height else pl.DataFrame(schema=FAMILY_SCHEMA)
    family = family.with_columns(
        is_champion=pl.col("model") == champion,
        champion_reason=pl.when(pl.col("model") == champion).then(pl.lit(reason)),
    )

    skipped.update(fit_failures)  # after the backtest rows: a series that failed only its final fit keeps them
    return FamilyForecast(
        values=values,
        backtests=pl.concat(backtest_rows) if backtest_rows else pl.DataFrame(schema=BACKTESTS_SCHEMA),
        family_scores=family,
        fallbacks=fallbacks,
        skipped=skipped,
    )


Predicted = tuple[pl.DataFrame, list[Fallback], dict[str, str]]


def _predict_all(
    champion: str,
    prototypes: Sequence[ForecastModel],
    aliases: Sequence[str],
    histories: Mapping[str, pl.DataFrame],
    horizon: int,
    freq: Freq,
    levels: tuple[int, ...],
    skipped: Mapping[str, str],
) -> Predicted:
    """The champion refitted on each series' full history: (values, fallbacks, series that failed)."""
    values, fallbacks, failed = [], [], {}
    for series_id, history in histories.items():
        if series_id in skipped:
            continue
        model = with_peers([prototypes[aliases.index(champion)]], histories)[0]
        try:
            fitted, fallback = fit_with_fallback(
                [model], history, freq=freq, check_horizon=horizon, series_id=series_id
            )
        except ModelFitError as exc:
            failed[series_id] = str(exc)
            continue
        if fallback is not None:
            fallbacks.append(fallback)
        values.append(
            fitted.predict(horizon, levels)
            .with_columns(series_id=pl.lit(series_id), model=pl.lit(fitted.alias))
            .select(list(values_schema(levels)))
        )
    frame = pl.concat(values) if values else pl.DataFrame(schema=values_schema(levels))
    return frame, fallbacks, failed


def _growth_consistent(
    summary: pl.DataFrame,
    rule: SelectionRule | None,
    first: tuple[str, str, Predicted],
    histories: Mapping[str, pl.DataFrame],
    growth_ci: Mapping[str, tuple[float, float]],
    freq: Freq,
    predict: Callable[[str], Predicted],
) -> tuple[str, str, Predicted]:
    """The best-ranked candidate whose forecast growth agrees with the measured growth."""
    champion, reason, predicted = first
    rejected: list[str] = []
    why: list[str] = []
    while mismatches := growth_mismatches(predicted[0], histories, growth_ci, freq):
        rejected.append(champion)
        why.append(f"{champion} ({'; '.join(m.describe() for m in mismatches)})")
        remaining = summary.filter(~pl.col("model").is_in(rejected))
        if remaining.height == 0:
            first_champion, first_reason, first_predicted = first
            return (
                first_champion,
                f"{first_reason}; no candidate's forecast growth lies inside the measured growth CI for every "
                f"series, so the first choice stands: {'; '.join(why)}",
                first_predicted,
            )
        champion, reason = choose_champion(remaining, rule)
        predicted = predict(champion)
    if rejected:
        reason = (
            f"{reason}; passed over because their first-year growth contradicts the measured growth: {', '.join(why)}"
        )
    return champion, reason, predicted


def _tolerate_rare_fallbacks(summary: pl.DataFrame, scored: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """Pooled over many series, one failed window should not disqualify a model: its points
    there are already scored as the naive substitute (what production would publish). A model
    stays eligible when it fell back in at most MAX_FALLBACK_SHARE of its (series, origin)
    windows; the note says which models fell back and how often."""
    if scored.height == 0:
        return summary, ""
    windows = scored.group_by("model").agg(
        total=pl.struct("series_id", "origin").n_unique(),
        failed=pl.struct("series_id", "origin").filter(pl.col("fell_back")).n_unique(),
    )
    share = {row["model"]: (row["failed"], row["total"]) for row in windows.iter_rows(named=True)}
    rare = [model for model, (failed, total) in share.items() if 0 < failed <= MAX_FALLBACK_SHARE * total]
    note = "".join(
        f"; {model} fell back to naive in {share[model][0]} of {share[model][1]} windows (scored as naive there)"
        for model in sorted(rare)
    )
    return summary.with_columns(
        n_fallbacks=pl.when(pl.col("model").is_in(rare)).then(0).otherwise(pl.col("n_fallbacks"))
    ), note


def _empty_summary(aliases: Sequence[str]) -> pl.DataFrame:
    return summarize_backtest(pl.DataFrame(schema=ERRORS_SCHEMA), aliases)
