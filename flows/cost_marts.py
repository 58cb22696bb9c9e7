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


def cost_marts(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    tiers: pl.DataFrame,
    models: pl.DataFrame,
    end_month: dt.date,
    flagged: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """`flagged` holds the observations the price plausibility check flagged in this build
    (source, provider, model, observed_on); they never price a run."""
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
    cost = build_cost_per_task(usage, prices, capabilities, deduped, deduped, end_month, flagged=flagged)
    return {
        "marts.cost_per_task": cost,
        "marts.cost_quality_frontier": cost_quality_frontier(cost),
        "marts.cost_per_task_index": cost_per_task_index(cost, tiers),
    }
