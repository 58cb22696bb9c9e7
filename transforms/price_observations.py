"""Price observations from every price source, keyed by canonical model id.

Epoch's hand-collected prices, its price-vs-benchmark tables and the LiteLLM/OpenRouter
vintages name models differently; `canonical_model_id` gives them one id so a LiteLLM
price can meet an Epoch benchmark score. Each observation keeps its listing (source,
provider, feed identifier) for display and for first-party vs third-party comparisons.
"""

from __future__ import annotations

import polars as pl

from sources.identity import canonical_model_id

# Sources whose every download lists the market on its date (a vintage). In them a listing
# persists until the first vintage after its last sighting (a removal, not an expiry by age);
# a vintage that omits a listing seen again later is a gap, and the listing's last price
# carries through it: the bundled LiteLLM history mixes full files with end-of-month panels
# of chat entries only, which omit completion and responses entries without removing them.
# A listing already present in the source's first vintage is left-censored (listed since
# some unknown earlier date). Hand-collected sources (Epoch's dated prices) observe single
# prices, not the market: their last observation of a listing stands until a newer one.
VINTAGE_SOURCES = ("litellm", "openrouter")
LISTING = ("source", "provider", "model")

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
    # Exclusive end of the offer in a vintage source: the listing's next observation (which
    # takes over), or after its last one the source's next vintage (the removal); null when
    # no later vintage exists, and for hand-collected sources.
    "valid_until": pl.Date(),
    # Observed in the source's first vintage: not a price change, so never a new price low.
    "left_censored": pl.Boolean(),
}


def with_model_id(frame: pl.DataFrame, column: str = "model") -> pl.DataFrame:
    """Add `model_id` (canonical) for the identifiers in `column`, computed once per distinct name."""
    names = frame.select(pl.col(column).unique()).to_series().to_list()
    mapping = pl.DataFrame(
        {column: names, "model_id": [canonical_model_id(name) for name in names]},
        schema={column: pl.String(), "model_id": pl.String()},
    )
    return frame.join(mapping, on=column, how="left")


def price_model_ids(listings: pl.DataFrame) -> pl.DataFrame:
    """One row per (source, model) name a price feed uses, with the canonical id the price index
    gives it (so marts.model_price_history keys a name no alias covers by the index's id too)."""
    return with_model_id(listings.select("source", "model").unique()).sort("source", "model")


def price_observations(prices: pl.DataFrame, blend_input_weight: float = 3.0) -> pl.DataFrame:
    """Blended price observations with model ids.

    The blend is `(w * input + output) / (w + 1)`; with w = 3 (the default, Epoch's
    convention) a source's own blended price is used when it gives no input/output split.
    Other weights need both prices, so observations without them drop out.
    """
    weight = float(blend_input_weight)
    computed = (pl.lit(weight) * pl.col("input_usd_per_mtok") + pl.col("output_usd_per_mtok")) / (weight + 1)
    blended = pl.coalesce(computed, pl.col("blended_usd_per_mtok")) if weight == 3.0 else computed
    observations = (
        with_model_id(prices)
        .with_columns(blended_usd_per_mtok=blended)
        .filter(pl.col("blended_usd_per_mtok").is_not_null() & (pl.col("blended_usd_per_mtok") > 0))
    )
    return with_vintages(observations, vintage_dates(prices)).select(list(OBSERVATION_SCHEMA))


def vintage_dates(prices: pl.DataFrame) -> pl.DataFrame:
    """The vintages of each vintage source: source, vintage_on, next_vintage_on (null for the last).

    Taken from every staged row of the source, priced or not, so a vintage in which a listing
    has no usable price still counts as a vintage that omits it.
    """
    return (
        prices.filter(pl.col("source").is_in(VINTAGE_SOURCES))
        .select("source", pl.col("observed_on").alias("vintage_on"))
        .unique()
        .sort("source", "vintage_on")
        .with_columns(
            next_vintage_on=pl.col("vintage_on").shift(-1).over("source"),
            first_vintage_on=pl.col("vintage_on").min().over("source"),
        )
    )


def with_vintages(observations: pl.DataFrame, vintages: pl.DataFrame) -> pl.DataFrame:
    """Add `valid_until` and `left_censored` from the source's vintages and the listing's own dates."""
    next_seen = (
        observations.select(*LISTING, "observed_on")
        .unique()
        .with_columns(next_seen_on=pl.col("observed_on").shift(-1).over(LISTING, order_by="observed_on"))
    )
    return (
        observations.join(vintages, left_on=["source", "observed_on"], right_on=["source", "vintage_on"], how="left")
        .join(next_seen, on=[*LISTING, "observed_on"], how="left")
        .with_columns(
            valid_until=pl.when(pl.col("first_vintage_on").is_not_null()).then(
                pl.coalesce("next_seen_on", "next_vintage_on")
            ),
            left_censored=(pl.col("observed_on") == pl.col("first_vintage_on")).fill_null(False),
        )
        .drop("next_vintage_on", "first_vintage_on", "next_seen_on")
    )


def scored_capabilities(capabilities: pl.DataFrame) -> pl.DataFrame:
    """Capability scores with model ids: model_id, benchmark, score, scored_on."""
    return with_model_id(capabilities).select(
        "model_id", "benchmark", "score", pl.col("observed_on").alias("scored_on")
    )
