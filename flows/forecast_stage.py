"""Stage: fit every forecast family for an as-of date and write forecast.* in one transaction.

Split in three so a flow can distribute the expensive part: `prepare` reads the marts and
builds engine jobs (pure data), `run_job` (forecasts.engine) fits one job anywhere, and
`finish` computes the cheap families and writes everything. `fit_forecasts` runs the three
in-process. A run on identical inputs (same as-of date, payloads, tiers and method) already
in forecast.runs is reused, not repeated.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows.marts_stage import as_of_frame
from flows.progress import report
from flows.stages import StageSummary, data_vintage, run_id_for
from forecasts.adoption_family import adoption_backtests, adoption_fits, adoption_history, multiplier_rows
from forecasts.coherence import coherent_compute
from forecasts.compute_family import compute_growth, compute_jobs
from forecasts.cost_family import cost_decline_rows, cost_jobs
from forecasts.engine import EngineJob, TargetForecast, merge, run_job
from forecasts.price_family import decline_rows, price_jobs, sensitivity_rows
from forecasts.published_reproduction import epoch_reasoning_ids, published_points, read_published, reproduce
from forecasts.sanity import CHECKS_SCHEMA, join_notes
from forecasts.usage_family import demand_growth, demand_values
from transforms.adoption import dedupe_models
from transforms.observation_thinning import new_listing_lows
from transforms.price_index import scored_prices
from transforms.price_observations import PRICE_INPUT_COLUMNS, price_observations, scored_capabilities
from transforms.price_plausibility import flag_observations, read_rules, without_flagged
from transforms.price_variants import reasoning_model_ids, with_party
from transforms.reasoning_era import infer_pre_reasoning_era
from transforms.tiers import DEFAULT_TIERS_FILE
from warehouse.db import fetch_first, insert_frame
from warehouse.freshness import data_gap_notes

VALUE_COLUMNS = ["target", "series_id", "model", "ds", "mean", "lo_80", "hi_80", "lo_95", "hi_95", "unit"]
# The model contract calls the point forecast `mean`; on the original scale it is the median
# (the models forecast logs), so the warehouse stores it as `median` (migration 015).
STORED_NAMES = {"mean": "median"}


@dataclass
class Prepared:
    as_of: dt.date
    run_id: str
    vintage: list[dict[str, Any]]
    reused: bool
    jobs: list[EngineJob] = field(default_factory=list)


def prepare(con: duckdb.DuckDBPyConnection, as_of: dt.date, tiers_path: Path = DEFAULT_TIERS_FILE) -> Prepared:
    report("prepare forecasts")
    vintage = data_vintage(con)
    run_id = run_id_for(as_of, vintage, tiers_path)
    done = fetch_first(con, "select count(*) from forecast.runs where run_id = ? and status = 'success'", [run_id])
    if done and done[0]:
        return Prepared(as_of, run_id, vintage, reused=True)
    return Prepared(as_of, run_id, vintage, reused=False, jobs=build_jobs(con, as_of))


def build_jobs(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[EngineJob]:
    """The engine families' jobs from the marts (built as of `as_of`), one job per family: its
    champion is chosen on the family's pooled backtest."""
    index = con.sql("select * from marts.price_index").pl()
    frontier = con.sql("select * from marts.frontier_price").pl()
    installed = con.sql("select * from marts.installed_compute").pl()
    revenue = as_of_frame(con, "vendor_revenue", as_of)
    cost_index = con.sql("select * from marts.cost_per_task_index").pl()
    jobs = [*price_jobs(index, frontier), *compute_jobs(installed, revenue), *cost_jobs(cost_index)]
    return [job for job in jobs if job.series]


def fit_forecasts(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    *,
    tiers_path: Path = DEFAULT_TIERS_FILE,
    map_jobs: Callable[[list[EngineJob]], Iterable[TargetForecast]] | None = None,
) -> StageSummary:
    prepared = prepare(con, as_of, tiers_path)
    if prepared.reused:
        return StageSummary("forecasts", notes=[prepared.run_id, "inputs unchanged since this run; reused"])
    report("fit forecast models")
    results = list(map_jobs(prepared.jobs) if map_jobs else map(run_job, prepared.jobs))
    return finish(con, prepared, results)


def _variants(con: duckdb.DuckDBPyConnection, as_of: dt.date, models: pl.DataFrame) -> dict[str, pl.DataFrame]:
    prices = as_of_frame(con, "token_prices", as_of, PRICE_INPUT_COLUMNS)
    capabilities = scored_capabilities(as_of_frame(con, "model_capabilities", as_of))

    rules = read_rules()

    def scored_lows(blend_input_weight: float, keep_flagged: bool = False) -> pl.DataFrame:
        # Every variant feeds the frontier-lows method only, which needs each listing's new lows.
        observations = price_observations(prices, blend_input_weight=blend_input_weight)
        if not keep_flagged:
            observations = without_flagged(observations, flag_observations(observations, rules))
        return scored_prices(new_listing_lows(observations, capabilities), capabilities)

    scored = scored_lows(3.0)
    organizations = (
        dedupe_models(models)
        if models.height
        else pl.DataFrame(schema={"model_id": pl.String(), "organization": pl.String()})
    )
    with_parties = with_party(scored, organizations)
    reasoning = reasoning_model_ids(models) if models.height else []
    return {
        "blend_3to1": scored,
        "blend_1to1": scored_lows(1.0),
        "without_reasoning_models": scored.filter(~pl.col("model_id").is_in(reasoning)),
        "first_party_prices": with_parties.filter(pl.col("first_party").fill_null(False)),
        "third_party_prices": with_parties.filter(~pl.col("first_party").fill_null(True)),
        # What the headline would be had implausible listings been kept (the effect of the check).
        "with_flagged_listings": scored_lows(3.0, keep_flagged=True),
    }


def _published_reproduction(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, tiers: pl.DataFrame, models: pl.DataFrame, scored: pl.DataFrame
) -> pl.DataFrame:
    points = published_points(
        as_of_frame(con, "token_prices", as_of, PRICE_INPUT_COLUMNS),
        as_of_frame(con, "model_capabilities", as_of),
        epoch_reasoning_ids(models) if models.height else [],
    )
    return reproduce(points, tiers, read_published(), scored)


def finish(con: duckdb.DuckDBPyConnection, prepared: Prepared, results: list[TargetForecast]) -> StageSummary:
    report("write forecasts")
    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    as_of, run_id = prepared.as_of, prepared.run_id
    merged = merge(results)
    skipped = {f"{target}/{series}": why for target, r in merged.items() for series, why in r.skipped.items()}

    tiers = con.sql("select * from marts.capability_tiers").pl()
    index = con.sql("select * from marts.price_index").pl()
    models = infer_pre_reasoning_era(as_of_frame(con, "models", as_of))
    variants = _variants(con, as_of, models)
    declines, decline_skips = decline_rows(index, variants["blend_3to1"], tiers)
    skipped.update(decline_skips)
    sensitivity = sensitivity_rows(variants, tiers)
    reproduction = _published_reproduction(con, as_of, tiers, models, variants["blend_3to1"])
    cost_declines = cost_decline_rows(con.sql("select * from marts.cost_per_task").pl(), tiers, declines)

    installed = con.sql("select * from marts.installed_compute").pl()
    revenue = as_of_frame(con, "vendor_revenue", as_of)
    compute_rates, compute_skips = compute_growth(installed, revenue)
    demand = con.sql("select * from marts.token_demand").pl()
    demand_rates, demand_skips = demand_growth(demand)
    skipped.update(compute_skips | demand_skips)

    history = adoption_history(con.sql("select * from marts.reasoning_adoption").pl())
    fits, adoption_values, adoption_notes = adoption_fits(history, as_of)
    adoption_bt, backtest_notes = adoption_backtests(history)
    multiplier = multiplier_rows(con.sql("select * from staging.eval_token_usage").pl(), models)
    notes = adoption_notes + backtest_notes

    shipped = merged.get("shipped_h100e")
    installed_values, coherence_checks = pl.DataFrame(), pl.DataFrame(schema=CHECKS_SCHEMA)
    if shipped:
        shipped.values, installed_values, coherence_checks = coherent_compute(shipped.values, installed)
    values = [r.values for r in merged.values()] + [installed_values, demand_values(demand), adoption_values]
    tables: dict[str, pl.DataFrame] = {
        "forecast.values": _concat([v.select(VALUE_COLUMNS).rename(STORED_NAMES) for v in values if v.height]),
        "forecast.backtests": _concat(
            [b for b in [*(r.backtests for r in merged.values()), adoption_bt] if b.height], how="diagonal_relaxed"
        ),
        "forecast.backtest_family": _concat([r.family_scores for r in merged.values() if r.family_scores.height]),
        "forecast.fallbacks": pl.concat([r.fallbacks for r in merged.values() if r.fallbacks.height], how="diagonal")
        if any(r.fallbacks.height for r in merged.values())
        else pl.DataFrame(),
        "forecast.decline_rates": declines,
        "forecast.decline_sensitivity": sensitivity,
        "forecast.published_reproduction": reproduction,
        "forecast.cost_decline_rates": cost_declines,
        "forecast.growth_rates": pl.concat([compute_rates, demand_rates]),
        "forecast.adoption_fits": fits,
        "forecast.token_multiplier": multiplier.rename({"ci_low": "ci90_low", "ci_high": "ci90_high"}, strict=False),
    }
    notes = [*data_gap_notes(con, as_of), *notes]
    run_notes = [*(f"{k}: {v}" for k, v in skipped.items()), *notes]
    message = join_notes(run_notes)
    con.execute("begin transaction")
    try:
        for table in (
            *tables,
            "forecast.scenario_parameters",
            "forecast.demand_scenarios",
            "forecast.claims",
            "forecast.checks",
        ):
            con.execute(f"delete from {table} where run_id = ?", [run_id]).fetchall()
        con.execute("delete from forecast.runs where run_id = ?", [run_id]).fetchall()
        for table, frame in tables.items():
            _insert(con, table, frame, run_id)
        con.execute(
            "insert into forecast.runs (run_id, as_of, started_at, finished_at, data_vintage, status, message) "
            "values (?, ?, ?, ?, ?, 'success', ?)",
            [run_id, as_of, started_at, started_at, json.dumps(prepared.vintage, default=str), message],
        ).fetchall()
        extra = _scenarios_and_claims(con, run_id)
        # The checks read the models' in-memory names (mean), not the stored ones (median).
        in_memory_values = tables["forecast.values"].rename({v: k for k, v in STORED_NAMES.items()}, strict=False)
        extra += _sanity_checks(
            con, run_id, in_memory_values, installed, tables["forecast.growth_rates"], coherence_checks
        )
        con.execute(
            "update forecast.runs set finished_at = ?, message = ? where run_id = ?",
            [dt.datetime.now(dt.UTC).replace(tzinfo=None), join_notes([*run_notes, *extra]), run_id],
        ).fetchall()
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    rows = {name: frame.height for name, frame in tables.items()}
    return StageSummary("forecasts", rows=rows, notes=[run_id, *extra])


def _concat(frames: list[pl.DataFrame], how: Any = "vertical") -> pl.DataFrame:
    """Concatenate; an as-of date with no data for a family yields an empty frame, not an error."""
    return pl.concat(frames, how=how) if frames else pl.DataFrame()


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, run_id: str) -> None:
    """Insert the frame's columns that the table has (extra diagnostic columns are not stored)."""
    if frame.height == 0:
        return
    schema, name = table.split(".")
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ?", [schema, name]
        ).fetchall()
    }
    rows = frame.with_columns(run_id=pl.lit(run_id))
    insert_frame(con, table, rows.select([c for c in rows.columns if c in columns]))


def _sanity_checks(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    values: pl.DataFrame,
    installed: pl.DataFrame,
    growth_rates: pl.DataFrame,
    coherence_checks: pl.DataFrame,
) -> list[str]:
    """forecasts.sanity on this run's rows and the parts-within-total checks of the compute
    forecasts (forecasts.coherence): every check stored in forecast.checks, failures returned as notes."""
    from forecasts import sanity

    parameters = con.sql(
        "select scenario, parameter, value from forecast.scenario_parameters where run_id = ?", params=[run_id]
    ).pl()
    scenarios = con.sql("select * from forecast.demand_scenarios where run_id = ?", params=[run_id]).pl()
    history = installed.select(
        pl.col("vendor").alias("series_id"), pl.col("quarter").alias("ds"), pl.col("shipped_h100e_p50").alias("y")
    )
    checks = pl.concat(
        [
            sanity.compute_growth_in_ci(values, history, growth_rates)
            if values.height
            else pl.DataFrame(schema=sanity.CHECKS_SCHEMA),
            sanity.scenario_drivers_ordered(parameters),
            sanity.utilization_within_capacity(scenarios),
            sanity.shares_in_unit_interval(scenarios, values),
            coherence_checks,
        ]
    )
    _insert(con, "forecast.checks", checks, run_id)
    return sanity.failures(checks)


def _scenarios_and_claims(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Scenarios and claims read this run's rows; a failure is recorded on the run, not raised."""
    notes: list[str] = []
    from forecasts.scenarios import (
        DEFAULT_PARAMETERS_FILE,
        MissingEstimateError,
        ParameterFileError,
        demand_scenarios,
        resolve_parameters,
    )

    try:
        parameters = resolve_parameters(con, run_id, DEFAULT_PARAMETERS_FILE)
        _insert(con, "forecast.scenario_parameters", parameters, run_id)
        _insert(con, "forecast.demand_scenarios", demand_scenarios(parameters), run_id)
    except (MissingEstimateError, ParameterFileError, ValueError, KeyError) as error:
        notes.append(f"demand scenarios not computed: {error}")
    from forecasts.claims import evaluate_claims

    try:
        _insert(con, "forecast.claims", evaluate_claims(con, run_id), run_id)
    except (ValueError, KeyError) as error:
        notes.append(f"claims not evaluated: {error}")
    from forecasts.price_story import failures, price_story_checks

    checks = price_story_checks(con, run_id)
    if con.execute("select 1 from duckdb_tables() where schema_name = 'forecast' and table_name = 'checks'").fetchall():
        _insert(con, "forecast.checks", checks, run_id)
    return notes + failures(checks)
