"""pandera contracts for the staging tables: what a row must satisfy to be loaded.

Rows that fail a check are quarantined (see warehouse.validate), not loaded.
"""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

# A price above this is far above any listed LLM API price (GPT-4-32k output was $120),
# so it is treated as a unit mistake rather than a fact.
MAX_PLAUSIBLE_USD_PER_MTOK = 1000.0

BENCHMARKS = ("mmlu", "gpqa_diamond", "humaneval", "math_500", "chatbot_arena_elo", "math_level_5")
EARLIEST_PLAUSIBLE_DATE = dt.date(2015, 1, 1)

_PRICE_FIELD = {"ge": 0.0, "le": MAX_PLAUSIBLE_USD_PER_MTOK, "nullable": True}


class TokenPriceContract(pa.DataFrameModel):
    source: str = pa.Field(str_length={"min_value": 1})
    provider: str = pa.Field(str_length={"min_value": 1})
    model: str = pa.Field(str_length={"min_value": 1})
    model_version: str = pa.Field()
    observed_on: dt.date = pa.Field(ge=EARLIEST_PLAUSIBLE_DATE)
    input_usd_per_mtok: float = pa.Field(**_PRICE_FIELD)  # type: ignore[arg-type]
    output_usd_per_mtok: float = pa.Field(**_PRICE_FIELD)  # type: ignore[arg-type]
    blended_usd_per_mtok: float = pa.Field(**_PRICE_FIELD)  # type: ignore[arg-type]
    cached_input_usd_per_mtok: float = pa.Field(**_PRICE_FIELD)  # type: ignore[arg-type]
    reasoning_usd_per_mtok: float = pa.Field(**_PRICE_FIELD)  # type: ignore[arg-type]
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["source", "provider", "model", "model_version", "observed_on"]

    @pa.dataframe_check(name="has_a_token_price")
    def has_a_token_price(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.any_horizontal(
                pl.col("input_usd_per_mtok").is_not_null(),
                pl.col("output_usd_per_mtok").is_not_null(),
                pl.col("blended_usd_per_mtok").is_not_null(),
            )
        )


class ModelCapabilityContract(pa.DataFrameModel):
    source: str = pa.Field(str_length={"min_value": 1})
    model: str = pa.Field(str_length={"min_value": 1})
    observed_on: dt.date = pa.Field(ge=EARLIEST_PLAUSIBLE_DATE)
    benchmark: str = pa.Field(isin=list(BENCHMARKS))
    score: float = pa.Field(ge=0.0, le=3000.0)
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["source", "model", "observed_on", "benchmark"]

    @pa.dataframe_check(name="percent_scores_within_0_100")
    def percent_scores_within_0_100(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # Every benchmark here is a percentage except the Arena Elo rating.
        return data.lazyframe.select(
            (pl.col("benchmark") == "chatbot_arena_elo") | (pl.col("score") <= 100.0)
        )


CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "token_prices": TokenPriceContract,
    "model_capabilities": ModelCapabilityContract,
}
