"""Reasoning flags for releases before the first reasoning model.

Most release sources say nothing about reasoning (the flag is unknown). Before the first
release any source flags as a reasoning model (OpenAI's o1-preview, 2024-09-12, in the
bundled data) no model could be one, so those releases are set to non-reasoning; unknown
flags after that date stay unknown and are excluded from the share (with bounds shown).
"""

from __future__ import annotations

import polars as pl


def infer_pre_reasoning_era(models: pl.DataFrame) -> pl.DataFrame:
    first = models.filter(pl.col("is_reasoning").fill_null(False) & pl.col("released_on").is_not_null())[
        "released_on"
    ].min()
    if first is None:
        return models
    before = pl.col("is_reasoning").is_null() & (pl.col("released_on") < first)
    return models.with_columns(
        is_reasoning=pl.when(before).then(pl.lit(False)).otherwise(pl.col("is_reasoning")),
        reasoning_mode=pl.when(before).then(pl.lit("none")).otherwise(pl.col("reasoning_mode")),
    )
