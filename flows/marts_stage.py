"""Stage: rebuild marts.* from staging.* as of a date, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl

from flows.cost_marts import cost_marts
from flows.progress import report
from flows.stages import StageSummary, replace_tables
from transforms.adoption import reasoning_share
from transforms.demand import token_demand
from transforms.developers import model_developers, organization_as_developer, provider_parties
from transforms.installed_compute import installed_compute
from transforms.model_reasoning import model_reasoning
from transforms.observation_thinning import last_in_month
from transforms.price_index import build_frontier_price, build_price_index, scored_prices
from transforms.price_observations import (
    PRICE_INPUT_COLUMNS,
    price_model_ids,
    price_observations,
    scored_capabilities,
)
from transforms.price_plausibility import (
    DEFAULT_RULES_FILE,
    flag_observations,
    flagged_listings,
    index_effect,
    read_rules,
    without_flagged,
)
from transforms.reasoning_era import infer_pre_reasoning_era
from transforms.revenue import reconcile_revenue
from transforms.tiers import DEFAULT_TIERS_FILE, read_tiers, resolve_thresholds
from warehouse.freshness import read_thresholds

FRONTIER_BENCHMARKS = ["gpqa_diamond", "chatbot_arena_elo", "mmlu", "eci", "aa_intelligence_index"]
SERVICE_LIFE_YEARS = 5.0
MONTE_CARLO_DRAWS = 2000


def as_of_frame(
    con: duckdb.DuckDBPyConnection, table: str, as_of: dt.date, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    selected = ", ".join(columns) if columns else "*"
    return con.sql(f"select {selected} from staging.{table}_as_of(?)", params=[as_of]).pl()


def build_marts(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date | None = None,
    tiers_path: Path = DEFAULT_TIERS_FILE,
    service_life_years: float = SERVICE_LIFE_YEARS,
    plausibility_path: Path = DEFAULT_RULES_FILE,
) -> StageSummary:
    """Rebuild every mart from what was known on `as_of` (default: everything loaded)."""
    report("build marts")
    as_of = as_of or dt.date(9999, 12, 31)
    prices = as_of_frame(con, "token_prices", as_of, PRICE_INPUT_COLUMNS)
    capabilities = as_of_frame(con, "model_capabilities", as_of)
    all_tiers = read_tiers(tiers_path)
    tiers = resolve_thresholds(all_tiers, capabilities, skip_unresolved=True)
    undefined = sorted(set(all_tiers["tier_id"]) - set(tiers["tier_id"]))
    scores = scored_capabilities(capabilities)
    observations = price_observations(prices)
    del prices
    flags = flag_observations(observations, read_rules(plausibility_path))
    # The index as published leaves flagged listings out; built with them too, only to show
    # which tier-months they would set (marts.flagged_price_effect).
    scored_all = scored_prices(last_in_month(observations, scores), scores)
    scored = scored_prices(last_in_month(without_flagged(observations, flags), scores), scores)
    del observations
    if scored_all.height:
        last = scored_all["observed_on"].max()
        end_month = dt.date(last.year, last.month, 1)  # type: ignore[union-attr]
        index = build_price_index(scored, tiers, end_month)
        frontier = build_frontier_price(scored, FRONTIER_BENCHMARKS, end_month)
        effect = index_effect(index, build_price_index(scored_all, tiers, end_month), flags)
    else:
        end_month = dt.date(2000, 1, 1)
        index = build_price_index(scored, tiers.head(0), end_month)
        frontier = build_frontier_price(scored, [], end_month)
        effect = index_effect(index, index, flags)
    del scored_all

    shipments = as_of_frame(con, "chip_shipments", as_of)
    installed = (
        installed_compute(shipments, service_life_years=service_life_years, n_draws=MONTE_CARLO_DRAWS)
        if shipments.height
        else None
    )
    reconciliation = reconcile_revenue(
        as_of_frame(con, "vendor_revenue", as_of), as_of_frame(con, "gpu_prices", as_of), shipments
    )
    demand = token_demand(as_of_frame(con, "demand_observations", as_of))
    release_rows = as_of_frame(con, "models", as_of)
    models = infer_pre_reasoning_era(release_rows)
    price_ids = price_model_ids(as_of_frame(con, "token_prices", as_of, columns=["source", "model"]))
    # Priced ids no release feed lists (Epoch's benchmark names) still get a developer from the id.
    priced = price_ids.select("model_id", organization=pl.lit(None, dtype=pl.String)).unique()
    developers = model_developers(pl.concat([models.select("model_id", "organization"), priced]))
    adoption = pl.concat(
        [
            _adoption(models, developers, period, by_organization)
            for period in ("month", "quarter")
            for by_organization in (False, True)
        ]
    )
    tables = {
        **cost_marts(con, as_of, tiers, models, end_month, flagged=flags),
        "marts.capability_tiers": tiers,
        "marts.price_index": index,
        "marts.frontier_price": frontier,
        "marts.flagged_price_listings": flagged_listings(flags, effect),
        "marts.flagged_price_effect": effect,
        "meta.freshness_thresholds": read_thresholds(),
        "marts.revenue_reconciliation": reconciliation,
        "marts.token_demand": demand,
        "marts.reasoning_adoption": adoption,
        "marts.model_developers": developers,
        "marts.model_reasoning": model_reasoning(release_rows),
        "marts.price_model_ids": price_ids,
        "marts.developer_providers": provider_parties(),
    }
    if installed is not None:
        tables["marts.installed_compute"] = installed
    replace_tables(con, tables, clear=["marts.installed_compute"])
    notes = [f"tiers not yet defined as of {as_of}: {', '.join(undefined)}"] if undefined else []
    return StageSummary("marts", rows={name: frame.height for name, frame in tables.items()}, notes=notes)


def _adoption(models: pl.DataFrame, developers: pl.DataFrame, period: str, by_organization: bool) -> pl.DataFrame:
    if by_organization:
        models = organization_as_developer(models, developers)
    shares = reasoning_share(models, period=period, by_organization=by_organization)  # type: ignore[arg-type]
    if not by_organization:
        shares = shares.with_columns(organization=pl.lit("all"))
    return shares.select(
        pl.lit(period).alias("period_type"),
        "period",
        "organization",
        "n_releases",
        "n_flag_known",
        "n_reasoning",
        "n_unknown",
        "share",
        "share_min",
        "share_max",
    )
