"""marts.model_reasoning: one reasoning flag per canonical model, with what it rests on.

The flag is the one the adoption mart counts (transforms.adoption.dedupe_models over the
release rows after transforms.reasoning_era), so a model's flag here and its place in
marts.reasoning_adoption never disagree. `reasoning_flag_basis` says where it came from:

* "source": at least one feed states it (`flag_sources` names them);
* "released before the first reasoning model": no feed states it, but the model was released
  before the first release any feed flags as reasoning, so it cannot be one;
* null: nothing known (the flag is null).
"""

from __future__ import annotations

import polars as pl

from transforms.adoption import dedupe_models
from transforms.reasoning_era import infer_pre_reasoning_era

SOURCE_BASIS = "source"
ERA_BASIS = "released before the first reasoning model"

MODEL_REASONING_SCHEMA: dict[str, pl.DataType] = {
    "model_id": pl.String(),
    "released_on": pl.Date(),
    "is_reasoning": pl.Boolean(),
    "reasoning_mode": pl.String(),
    "reasoning_flag_basis": pl.String(),
    "flag_sources": pl.String(),
    "sources": pl.String(),
}


def model_reasoning(models: pl.DataFrame) -> pl.DataFrame:
    """`models` as the feeds give them (staging.models rows, several sources per model)."""
    if models.height == 0:
        return pl.DataFrame(schema=MODEL_REASONING_SCHEMA)
    stated = dedupe_models(models).select("model_id", stated=pl.col("is_reasoning"))
    flag_sources = (
        models.filter(pl.col("is_reasoning").is_not_null())
        .group_by("model_id")
        .agg(flag_sources=pl.col("source").unique().sort().str.join(","))
    )
    merged = dedupe_models(infer_pre_reasoning_era(models))
    return (
        merged.join(stated, on="model_id", how="left")
        .join(flag_sources, on="model_id", how="left")
        .with_columns(
            reasoning_flag_basis=pl.when(pl.col("stated").is_not_null())
            .then(pl.lit(SOURCE_BASIS))
            .when(pl.col("is_reasoning").is_not_null())
            .then(pl.lit(ERA_BASIS))
        )
        .select(list(MODEL_REASONING_SCHEMA))
        .cast(MODEL_REASONING_SCHEMA)  # type: ignore[arg-type]
        .sort("model_id")
    )
