"""Forecast accuracy: backtest metrics with the champion and why, fallbacks, and earlier runs'
forecasts against what happened since."""

from __future__ import annotations

import math
import re
from typing import Any

import polars as pl

from reports.charts import BENCHMARK_LABELS
from reports.context import ReportContext, empty_note
from reports.sections.base import Chart, Section
from reports.sections.hindcast_chart import coverage_chart

TARGET_LABELS = {
    "price_index": "price index (tier)",
    "frontier_price": "frontier price (benchmark)",
    "installed_h100e": "installed compute (vendor)",
    "nvidia_datacenter_revenue": "NVIDIA data-center revenue",
    "token_demand": "token demand (company)",
    "reasoning_share": "reasoning share",
    "shipped_h100e": "shipments (vendor)",
    "cost_per_task": "cost per task (threshold)",
}
WORST_MISSES = 10


def backtest_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """One row per target and series: the champion's metrics and the letter of the reason it won
    (the reasons are listed once under the table: most rows share a handful of them)."""
    rows = []
    letters: dict[str, str] = {}
    for (target, series_id), group in frame.group_by("target", "series_id", maintain_order=True):
        candidates = group.to_dicts()
        champion = next((c for c in candidates if c["is_champion"]), None)
        reason = (champion or {}).get("champion_reason") or ""
        if reason and reason not in letters:
            letters[reason] = _letter(len(letters))
        rows.append(
            {
                "target": target,
                "target_label": TARGET_LABELS.get(str(target), str(target)),
                "series_id": series_id,
                "champion": champion,
                "reason_letter": letters.get(reason, ""),
                "candidates": len(candidates),
            }
        )
    return rows


def champion_reasons(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(letter, reason) in letter order, for the list under the backtest table."""
    seen: dict[str, str] = {}
    for row in rows:
        champion = row["champion"] or {}
        if row["reason_letter"] and row["reason_letter"] not in seen:
            seen[row["reason_letter"]] = champion.get("champion_reason") or ""
    return list(seen.items())


def _letter(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"r{index + 1}"


# Reasons a fit failed, as recorded in forecast.fallbacks ("<model>: <Error>: <message>"), in words
# an investor can read; the raw text stays in the warehouse and the XLSX export.
TOO_SHORT = re.compile(r"need at least (\d+) observations, got (\d+)")


def plain_reason(reason: str) -> str:
    short = TOO_SHORT.search(reason)
    if short:
        return f"the history was too short for this model (it needs at least {short.group(1)} observations)"
    if "converge" in reason.lower():
        return "the model's fit did not converge"
    if "non-finite" in reason.lower() or "nan" in reason.lower():
        return "the model produced no finite forecast"
    return "the model could not be fitted to this series"


def fallback_summary(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """One row per failed model, replacement and plain reason: how many fits, at which origins, which series."""
    if frame.height == 0:
        return []
    labelled = frame.with_columns(
        plain=pl.col("reason").map_elements(plain_reason, return_dtype=pl.String),
        where=pl.when(pl.col("origin").is_null()).then(pl.lit("full history")).otherwise(pl.lit("backtest")),
    )
    grouped = (
        labelled.group_by("fallback_from", "model", "plain", maintain_order=True)
        .agg(
            pl.len().alias("fits"),
            (pl.col("where") == "full history").sum().alias("full_history"),
            pl.concat_str("target", pl.lit(" "), "series_id").unique(maintain_order=True).alias("series"),
        )
        .sort("fits", descending=True)
    )
    return [
        {
            **row,
            "series": ", ".join(row["series"][:6])
            + (f" and {len(row['series']) - 6} more" if len(row["series"]) > 6 else ""),
        }
        for row in grouped.to_dicts()
    ]


def compare_with_actuals(earlier: pl.DataFrame, actuals: pl.DataFrame) -> pl.DataFrame:
    """Earlier forecasts joined to what happened: inside the 80%/95% intervals, and the log error."""
    joined = earlier.join(actuals, on=["target", "series_id", "ds"], how="inner")
    positive = (pl.col("actual") > 0) & (pl.col("median") > 0)
    return joined.with_columns(
        inside_80=(pl.col("actual") >= pl.col("lo_80")) & (pl.col("actual") <= pl.col("hi_80")),
        inside_95=(pl.col("actual") >= pl.col("lo_95")) & (pl.col("actual") <= pl.col("hi_95")),
        log_error=pl.when(positive).then((pl.col("actual") / pl.col("median")).log()),
    )


def comparison_summary(compared: pl.DataFrame) -> list[dict[str, Any]]:
    summary = (
        compared.group_by("run_id", "forecast_as_of", "target", maintain_order=True)
        .agg(
            n=pl.len(),
            series=pl.col("series_id").n_unique(),
            first=pl.col("ds").min(),
            last=pl.col("ds").max(),
            inside_80=pl.col("inside_80").mean(),
            inside_95=pl.col("inside_95").mean(),
            median_abs_log_error=pl.col("log_error").abs().median(),
        )
        .sort("forecast_as_of", "run_id", "target")
    )
    rows = summary.to_dicts()
    for row in rows:
        error = row["median_abs_log_error"]
        row["typical_miss"] = None if error is None else math.exp(error) - 1
        row["target_label"] = TARGET_LABELS.get(row["target"], row["target"])
    return rows


def hindcast_rows(scores: pl.DataFrame) -> list[dict[str, Any]]:
    """The champion's hindcast scores per family and lead, with naive's and drift's beside them."""
    rows = []
    for row in scores.filter(pl.col("method") == "champion").to_dicts():
        row["target_label"] = TARGET_LABELS.get(row["target"], row["target"])
        row["lead_label"] = "all" if row["lead"] == 0 else str(row["lead"])
        rows.append(row)
    return rows


# A naive forecast scoring this far above MASE 1 says the scale, not the models, is at fault.
NAIVE_MASE_NOTE_FROM = 2.0


def mase_scale_notes(backtests: pl.DataFrame) -> list[str]:
    """Families where even the naive forecast has a large MASE: the in-sample one-step change that
    scales MASE is tiny for a series that holds flat for months, then steps, so every model's
    multi-step error is many times it (price MASE 4-17 read as 'far worse than naive')."""
    if backtests.height == 0:
        return []
    medians = backtests.group_by("target", "model").agg(pl.col("mase").median()).drop_nulls("mase")
    notes = []
    for target in sorted(set(medians["target"].to_list())):
        family = medians.filter(pl.col("target") == target)
        naive = family.filter(pl.col("model") == "naive")["mase"].to_list()
        if not naive or naive[0] < NAIVE_MASE_NOTE_FROM:
            continue
        listed = ", ".join(f"{m} {v:.1f}" for m, v in family.sort("model").select("model", "mase").iter_rows())
        notes.append(
            f"{TARGET_LABELS.get(target, target)}: every candidate scores a median MASE far above 1, the naive "
            f"forecast included ({listed}). The scale is the series' own one-step change, which is small for a "
            "series that holds flat for months and then steps, so multi-step errors of any model are many times "
            'it; compare models here by "vs drift" and coverage, not by MASE against 1.'
        )
    return notes


def build(ctx: ReportContext) -> Section:
    section = Section("forecast-accuracy", "Forecast accuracy", "sections/accuracy.html.j2")
    scores = ctx.frame("hindcast_scores")
    section.data["hindcast"] = hindcast_rows(scores)
    drawing = coverage_chart(scores, TARGET_LABELS)
    if drawing is not None:
        section.data["hindcast_chart"] = Chart(
            drawing,
            "Tables: forecast.hindcast_scores (latest hindcast, champion, every lead pooled).",
            "Hindcast coverage of the 80% and 95% bands per family",
        )
    section.data["hindcast_points"] = ctx.frame("hindcast_points").to_dicts()
    backtests = ctx.frame("backtests", ctx.run_id)
    # Series are tiers (price index, cost per task) or benchmarks (frontier price): named, not ids.
    tiers = ctx.query("select tier_id, label from marts.capability_tiers")
    section.data["series_labels"] = {**BENCHMARK_LABELS, **dict(tiers.iter_rows())}
    section.data["backtests"] = backtest_rows(backtests)
    section.data["mase_notes"] = mase_scale_notes(backtests)
    section.data["champion_reasons"] = champion_reasons(section.data["backtests"])
    if backtests.height == 0:
        section.note("backtests", empty_note("forecast.backtests", ctx.run_id))
    section.data["fallbacks"] = fallback_summary(ctx.frame("fallbacks", ctx.run_id))
    earlier = ctx.frame("earlier_forecasts", ctx.run_id)
    section.data["earlier_runs"] = earlier["run_id"].n_unique() if earlier.height else 0
    if earlier.height == 0:
        section.note(
            "past",
            f"no earlier forecast run (as of a date before {ctx.run.as_of}) forecast any period up to this run's "
            "as-of date, so no past forecast can be compared with what happened yet",
        )
        return section
    compared = compare_with_actuals(earlier, ctx.frame("actuals"))
    if compared.height == 0:
        section.note(
            "past",
            f"{section.data['earlier_runs']} earlier run(s) forecast {earlier.height} periods up to {ctx.run.as_of}, "
            "but the marts hold no actual value for any of them yet",
        )
        return section
    section.data["comparison"] = comparison_summary(compared)
    worst = compared.filter(pl.col("log_error").is_not_null()).sort(pl.col("log_error").abs(), descending=True)
    section.data["worst"] = worst.head(WORST_MISSES).to_dicts()
    return section
