"""The cost-per-task marts (marts.cost_per_task, marts.cost_quality_frontier,
marts.cost_per_task_index) for the marts stage."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from transforms.adoption import dedupe_models
from transforms.cost_per_task import build_cost_per_task
from transforms.cost_quality import cost_per_task_index, cost_quality_frontier
from transforms.price_observations import PRICE_INPUT_COLUMNS

COST_PRICE_COLUMNS = (*PRICE_INPUT_COLUMNS, "reasoning_usd_per_mtok")


def flagged_listings(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """Listings the price plausibility check flagged, if the warehouse has that check (else None)."""
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'flagged_price_listings'"
    ).fetchall()
    if not found or not found[0][0]:
        return None
    return con.sql("select source, provider, model, observed_on from marts.flagged_price_listings").pl()


def cost_marts(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, tiers: pl.DataFrame, models: pl.DataFrame, end_month: dt.date
) -> dict[str, pl.DataFrame]:
    columns = ", ".join(COST_PRICE_COLUMNS)
    # Only listings that split input and output prices can price a token mix.
    prices = con.sql(
        f"select {columns} from staging.token_prices_as_of(?) "
        "where input_usd_per_mtok is not null and output_usd_per_mtok is not null",
        params=[as_of],
    ).pl()
    usage = con.sql("select * from staging.eval_token_usage").pl()
    capabilities = con.sql("select * from staging.model_capabilities_as_of(?)", params=[as_of]).pl()
    deduped = (
        dedupe_models(models)
        if models.height
        else pl.DataFrame(
            schema={
                "model_id": pl.String(),
                "organization": pl.String(),
                "is_reasoning": pl.Boolean(),
                "reasoning_mode": pl.String(),
            }
        )
    )
    cost = build_cost_per_task(usage, prices, capabilities, deduped, deduped, end_month, flagged=flagged_listings(con))
    return {
        "marts.cost_per_task": cost,
        "marts.cost_quality_frontier": cost_quality_frontier(cost),
        "marts.cost_per_task_index": cost_per_task_index(cost, tiers),
    }
