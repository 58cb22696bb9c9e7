"""Warnings and data quality: stale feeds, failed batches, quarantined rows, implausible price
listings left out (with their effect on the headline), fallbacks, skipped series."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from forecasts.sanity import FAILED_CHECK_NOTE, split_notes
from reports.context import ReportContext
from reports.sections.base import Section
from transforms.price_plausibility import read_rules

# Forecast targets and the mart series they are built from (see reports/sql/actuals.sql).
FORECAST_TARGETS = ("price_index", "frontier_price", "installed_h100e", "nvidia_datacenter_revenue", "reasoning_share")


def reference_time(ctx: ReportContext) -> dt.datetime:
    """When the run happened: the age of stale data is measured at this time, so the report is reproducible."""
    return ctx.run.finished_at or ctx.run.started_at or dt.datetime.combine(ctx.run.as_of, dt.time())


DATA_GAP_NOTE = ": data through "  # warehouse.freshness.data_gap_notes; shown on the cover, not as a skip


def skipped_from_message(message: str | None) -> list[str]:
    """The run's notes of skipped series: not its data gaps (on the cover) nor its failed checks."""
    return [note for note in split_notes(message) if DATA_GAP_NOTE not in note and not FAILED_CHECK_NOTE.match(note)]


def failed_checks_from_message(message: str | None) -> list[dict[str, str]]:
    """The run's failed sanity checks, each with what the run did about it ("...; capped at all's")."""
    found = (FAILED_CHECK_NOTE.match(note) for note in split_notes(message))
    return [{"check_id": m["check_id"], "message": m["message"]} for m in found if m]


def unforecast_series(ctx: ReportContext) -> list[dict[str, Any]]:
    """Per target the run forecast at all: series with history in the marts but no forecast."""
    actuals = ctx.frame("actuals")
    forecast = ctx.query(
        "select distinct target, series_id from forecast.values where run_id = $1 order by all", ctx.run_id
    )
    rows = []
    for target in FORECAST_TARGETS:
        done = set(forecast.filter(pl.col("target") == target)["series_id"].to_list())
        if not done:
            continue
        history = set(actuals.filter(pl.col("target") == target)["series_id"].to_list())
        missing = sorted(history - done)
        if missing:
            rows.append({"target": target, "series": missing})
    return rows


FLAGGED_VARIANT = "with_flagged_listings"
PUBLISHED_VARIANT = "blend_3to1"


def flagged_decline_effect(ctx: ReportContext) -> dict[str, Any]:
    """Frontier-lows decline per tier without (as published) and with flagged listings, and the medians."""
    sensitivity = ctx.frame("decline_sensitivity", ctx.run_id).filter(
        pl.col("variant").is_in([PUBLISHED_VARIANT, FLAGGED_VARIANT])
    )
    if sensitivity.select("variant").n_unique() < 2:
        return {"tiers": [], "median_without": None, "median_with": None, "changed": 0, "tiers_compared": 0}
    pairs = sensitivity.pivot(on="variant", index=["tier_id", "label"], values="factor_per_year").sort("tier_id")
    rows = pairs.rename({PUBLISHED_VARIANT: "without_flagged", FLAGGED_VARIANT: "with_flagged"}).to_dicts()
    changed = [r for r in rows if r["without_flagged"] != r["with_flagged"]]
    return {
        "tiers": changed,
        "median_without": pairs[PUBLISHED_VARIANT].median(),
        "median_with": pairs[FLAGGED_VARIANT].median(),
        "changed": len(changed),
        "tiers_compared": pairs.height,
    }


def build(ctx: ReportContext) -> Section:
    section = Section("warnings", "Warnings and data quality", "sections/quality.html.j2")
    data = section.data
    data["run_status"] = ctx.run.status
    data["no_vintage"] = not ctx.run.vintage
    data["notes"] = split_notes(ctx.run.message)
    data["skipped"] = skipped_from_message(ctx.run.message)
    data["failed_checks"] = failed_checks_from_message(ctx.run.message)
    data["unforecast"] = unforecast_series(ctx)
    data["reference_time"] = reference_time(ctx)
    data["stale"] = ctx.frame("stale_feeds", data["reference_time"]).to_dicts()
    data["stale_data"] = ctx.frame("stale_data", ctx.run.as_of).to_dicts()
    data["failed_batches"] = ctx.frame("failed_batches").to_dicts()
    data["flagged"] = ctx.frame("flagged_listings").to_dicts()
    data["flagged_effect"] = ctx.frame("flagged_effect_summary").row(0, named=True)
    data["flagged_decline"] = flagged_decline_effect(ctx)
    data["plausibility_rules"] = read_rules()
    quarantine = ctx.frame("quarantine_by_feed")
    data["feeds"] = quarantine.to_dicts()
    data["quarantined"] = quarantine.filter(pl.col("rows_quarantined") > 0).to_dicts()
    fallbacks = ctx.frame("fallbacks", ctx.run_id)
    data["fallbacks"] = fallbacks.height
    data["fallback_series"] = fallbacks.select("target", "series_id").unique().height if fallbacks.height else 0
    loaded = set(quarantine["feed"].to_list())
    data["never_loaded"] = [f.feed for f in ctx.feeds if f.feed not in loaded]
    data["render_problems"] = []  # filled by the renderer if a section could not be built
    return section


def warning_count(section: Section) -> int:
    data = section.data
    return (
        (data["run_status"] != "success")
        + data["no_vintage"]
        + len(data["stale"])
        + len(data["stale_data"])
        + (len(data["flagged"]) > 0)
        + len(data["failed_batches"])
        + len(data["quarantined"])
        + (data["fallbacks"] > 0)
        + len(data["skipped"])
        + len(data["failed_checks"])
        + len(data["unforecast"])
        + len(data["render_problems"])
    )
