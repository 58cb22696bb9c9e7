"""Price observations from every price source, keyed by canonical model id.

Epoch's hand-collected prices, its price-vs-benchmark tables and the LiteLLM/OpenRouter
vintages name models differently; `canonical_model_id` gives them one id so a LiteLLM
price can meet an Epoch benchmark score. Each observation keeps its listing (source,
provider, feed identifier) for display and for first-party vs third-party comparisons.
"""

from __future__ import annotations

import polars as pl

from sources.identity import canonical_model_id

# A listing in a regularly re-fetched source that stops appearing has been withdrawn; its
# last price stays "current" only this long. Hand-collected sources are sparse, so their
# last observation stands until a newer one.
LISTING_MAX_AGE_DAYS = {"litellm": 45, "openrouter": 45}

# The staging.token_prices columns price_observations reads: loading only these keeps provenance
# strings of millions of rows out of memory.
PRICE_INPUT_COLUMNS = (
    "source",
    "provider",
    "model",
    "observed_on",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "blended_usd_per_mtok",
)

OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "provider": pl.String(),
    "model": pl.String(),
    "model_id": pl.String(),
    "observed_on": pl.Date(),
    "input_usd_per_mtok": pl.Float64(),
    "output_usd_per_mtok": pl.Float64(),
    "blended_usd_per_mtok": pl.Float64(),
    "max_age_days": pl.Int64(),
}


def with_model_id(frame: pl.DataFrame, column: str = "model") -> pl.DataFrame:
    """Add `model_id` (canonical) for the identifiers in `column`, computed once per distinct name."""
    names = frame.select(pl.col(column).unique()).to_series().to_list()
    mapping = pl.DataFrame(
        {column: names, "model_id": [canonical_model_id(name) for name in names]},
        schema={column: pl.String(), "model_id": pl.String()},
    )
    return frame.join(mapping, on=column, how="left")


def price_observations(prices: pl.DataFrame, blend_input_weight: float = 3.0) -> pl.DataFrame:
    """Blended price observations with model ids.

    The blend is `(w * input + output) / (w + 1)`; with w = 3 (the default, Epoch's
    convention) a source's own blended price is used when it gives no input/output split.
    Other weights need both prices, so observations without them drop out.
    """
    weight = float(blend_input_weight)
    computed = (pl.lit(weight) * pl.col("input_usd_per_mtok") + pl.col("output_usd_per_mtok")) / (weight + 1)
    blended = pl.coalesce(computed, pl.col("blended_usd_per_mtok")) if weight == 3.0 else computed
    return (
        with_model_id(prices)
        .with_columns(
            blended_usd_per_mtok=blended,
            max_age_days=pl.col("source").replace_strict(LISTING_MAX_AGE_DAYS, default=None, return_dtype=pl.Int64),
        )
        .filter(pl.col("blended_usd_per_mtok").is_not_null() & (pl.col("blended_usd_per_mtok") > 0))
        .select(list(OBSERVATION_SCHEMA))
    )


def scored_capabilities(capabilities: pl.DataFrame) -> pl.DataFrame:
    """Capability scores with model ids: model_id, benchmark, score, scored_on."""
    return with_model_id(capabilities).select(
        "model_id", "benchmark", "score", pl.col("observed_on").alias("scored_on")
    )
