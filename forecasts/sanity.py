"""Physical and logical sanity checks run on every forecast run (pure frames in, check rows out).

Each check returns rows of CHECKS_SCHEMA (the rows of forecast.checks), one per subject it
looked at, passed or not; the forecast stage stores them all and copies every failure into
the run's message, so a run that breaks one says so where its warnings are read.

* compute_growth_in_ci: the compute forecast's growth over its first four quarters (median
  four quarters ahead over the last observed value) lies inside the 90% CI of the growth
  measured on the same series (forecast.growth_rates). It is run on the modelled series, the
  quarterly shipments (target shipped_h100e) that the installed-compute forecast accumulates;
  a forecast that grows faster or slower than the data it was fitted on says something the
  data do not. (The stock's own growth slows mechanically towards the shipments' growth as
  the stock grows, so the stock's past growth is not the yardstick of its future growth.)
* scenario_drivers_ordered: for every scenario parameter, bear <= base <= bull, so "bull"
  means more of everything (demand and capacity) and the scenarios bracket each other.
* utilization_within_capacity: a scenario year whose demand exceeds its inference capacity
  (implied utilization above 100%) is not a forecast; it fails, and the scenario row must be
  marked (capacity_consistent = false) for the check to say so rather than hide it.
* shares_in_unit_interval: every share (reasoning share of scenarios, forecast shares and
  their bounds) lies in [0, 1].

The run's message (forecast.runs.message) is its notes, one a line: `join_notes` writes it and
`split_notes` reads it back. A note may contain "; " (a failure and what the run did about it:
"...; marked inconsistent (not a forecast)"), so the notes are not joined with "; ".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import polars as pl

CHECKS_SCHEMA: dict[str, pl.DataType] = {
    "check_id": pl.String(),
    "subject": pl.String(),
    "passed": pl.Boolean(),
    "observed": pl.Float64(),
    "expected_low": pl.Float64(),
    "expected_high": pl.Float64(),
    "message": pl.String(),
}

QUARTERS_PER_YEAR = 4
SCENARIO_ORDER = ("bear", "base", "bull")


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CHECKS_SCHEMA) if rows else pl.DataFrame(schema=CHECKS_SCHEMA)


def compute_growth_in_ci(
    values: pl.DataFrame, history: pl.DataFrame, growth_rates: pl.DataFrame, target: str = "shipped_h100e"
) -> pl.DataFrame:
    """values: forecast rows [target, series_id, ds, mean]; history: [series_id, ds, y] observed;
    growth_rates: [target, series_id, ci90_low, ci90_high]."""
    rows = []
    rates = growth_rates.filter(pl.col("target") == target)
    for rate in rates.iter_rows(named=True):
        series_id = rate["series_id"]
        observed = history.filter(pl.col("series_id") == series_id).sort("ds")
        ahead = values.filter((pl.col("target") == target) & (pl.col("series_id") == series_id)).sort("ds")
        if observed.height == 0 or ahead.height < QUARTERS_PER_YEAR:
            rows.append(
                {
                    "check_id": "compute_growth_in_ci",
                    "subject": f"{target}/{series_id}",
                    "passed": False,
                    "message": f"{target}/{series_id}: no forecast four quarters ahead to compare with measured growth",
                }
            )
            continue
        implied = float(ahead["mean"][QUARTERS_PER_YEAR - 1]) / float(observed["y"][-1])
        low, high = float(rate["ci90_low"]), float(rate["ci90_high"])
        passed = low <= implied <= high
        rows.append(
            {
                "check_id": "compute_growth_in_ci",
                "subject": f"{target}/{series_id}",
                "passed": passed,
                "observed": implied,
                "expected_low": low,
                "expected_high": high,
                "message": f"{target}/{series_id}: forecast grows {implied:.2f}x over its first four quarters; "
                f"measured growth 90% CI {low:.2f}x to {high:.2f}x"
                + ("" if passed else ": the forecast contradicts the measured growth"),
            }
        )
    return _frame(rows)


def scenario_drivers_ordered(parameters: pl.DataFrame) -> pl.DataFrame:
    """parameters: [scenario, parameter, value] (forecast.scenario_parameters)."""
    rows: list[dict[str, Any]] = []
    present = set(parameters["scenario"].to_list())
    if not set(SCENARIO_ORDER) <= present:
        return _frame(rows)
    wide = parameters.pivot(on="scenario", index="parameter", values="value").sort("parameter")
    for row in wide.iter_rows(named=True):
        bear, base, bull = (row[s] for s in SCENARIO_ORDER)
        if any(v is None for v in (bear, base, bull)):
            continue
        passed = bear <= base <= bull
        rows.append(
            {
                "check_id": "scenario_drivers_ordered",
                "subject": row["parameter"],
                "passed": passed,
                "observed": bull - bear,
                "message": f"{row['parameter']}: bear {bear:.4g}, base {base:.4g}, bull {bull:.4g}"
                + ("" if passed else ": not ordered bear <= base <= bull"),
            }
        )
    return _frame(rows)


def utilization_within_capacity(scenarios: pl.DataFrame) -> pl.DataFrame:
    """scenarios: forecast.demand_scenarios rows (implied_utilization, capacity_consistent)."""
    rows = []
    for row in scenarios.iter_rows(named=True):
        utilization = float(row["implied_utilization"])
        within = utilization <= 1.0
        marked = row.get("capacity_consistent") is False
        if within:
            message = f"{row['scenario']} {row['year']}: implied utilization {utilization:.0%}"
        elif marked:
            message = (
                f"{row['scenario']} {row['year']}: demand would need {utilization:.0%} of inference capacity; "
                "marked inconsistent (not a forecast)"
            )
        else:
            message = (
                f"{row['scenario']} {row['year']}: implied utilization {utilization:.0%} above 100% and NOT marked "
                "inconsistent"
            )
        rows.append(
            {
                "check_id": "utilization_within_capacity",
                "subject": f"{row['scenario']}/{row['year']}",
                "passed": within,
                "observed": utilization,
                "expected_low": 0.0,
                "expected_high": 1.0,
                "message": message,
            }
        )
    return _frame(rows)


def shares_in_unit_interval(scenarios: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    """Scenario reasoning shares and every bound of forecast rows with unit 'share'."""
    rows = []
    for row in scenarios.iter_rows(named=True):
        rows.append(_share_row(f"scenario {row['scenario']}/{row['year']} reasoning_share", row["reasoning_share"]))
    shares = values.filter(pl.col("unit") == "share") if "unit" in values.columns else values.clear()
    bounds = [c for c in ("mean", "lo_80", "hi_80", "lo_95", "hi_95") if c in shares.columns]
    for row in shares.iter_rows(named=True):
        worst = [row[c] for c in bounds if row[c] is not None and not 0.0 <= row[c] <= 1.0]
        if worst:
            rows.append(_share_row(f"{row['target']}/{row['series_id']} {row['ds']}", worst[0]))
    if shares.height and not any(r["subject"].startswith(str(shares["target"][0])) for r in rows):
        low = min(float(shares[c].min()) for c in bounds)  # type: ignore[arg-type]
        high = max(float(shares[c].max()) for c in bounds)  # type: ignore[arg-type]
        rows.append(
            {
                "check_id": "shares_in_unit_interval",
                "subject": "forecast shares",
                "passed": True,
                "observed": high,
                "expected_low": 0.0,
                "expected_high": 1.0,
                "message": f"{shares.height} forecast share rows, bounds within {low:.3f}..{high:.3f}",
            }
        )
    return _frame(rows)


def _share_row(subject: str, value: float | None) -> dict[str, Any]:
    passed = value is not None and math.isfinite(value) and 0.0 <= value <= 1.0
    return {
        "check_id": "shares_in_unit_interval",
        "subject": subject,
        "passed": passed,
        "observed": value,
        "expected_low": 0.0,
        "expected_high": 1.0,
        "message": f"{subject} = {value}" + ("" if passed else ": a share outside [0, 1]"),
    }


# A failed check as a note of the run's message: `failures` here and in forecasts.price_story.
FAILED_CHECK_NOTE = re.compile(r"^check (?P<check_id>\S+) failed: (?P<message>.+)$", flags=re.DOTALL)


def failures(checks: pl.DataFrame) -> list[str]:
    """Messages of the failed checks, for the run's warnings (FAILED_CHECK_NOTE)."""
    failed = checks.filter(~pl.col("passed"))
    return [f"check {r['check_id']} failed: {r['message']}" for r in failed.iter_rows(named=True)]


NOTE_SEPARATOR = "\n"
# Runs written before the notes went one a line joined them with "; ", which also occurs inside a
# note; there a piece with no "label: " (a failure's consequence) belongs to the note before it.
LEGACY_SEPARATOR = "; "
_LABELLED = re.compile(r"^\S[^:]*: ")


def join_notes(notes: Iterable[str | None]) -> str | None:
    """The run's message: one note a line (whitespace inside a note collapsed, so no note spans lines)."""
    lines = [" ".join(note.split()) for note in notes if note and note.strip()]
    return NOTE_SEPARATOR.join(lines) or None


def split_notes(message: str | None) -> list[str]:
    """The notes of a run's message (join_notes), or of an older message joined with "; "."""
    text = (message or "").strip()
    if not text:
        return []
    if NOTE_SEPARATOR in text:
        return [line.strip() for line in text.split(NOTE_SEPARATOR) if line.strip()]
    notes: list[str] = []
    for piece in (part.strip() for part in text.split(LEGACY_SEPARATOR)):
        if notes and piece and not _LABELLED.match(piece):
            notes[-1] += LEGACY_SEPARATOR + piece
        elif piece:
            notes.append(piece)
    return notes
