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

PERCENT_BENCHMARKS = (
    "mmlu",
    "gpqa_diamond",
    "humaneval",
    "math_500",
    "math_level_5",
    "otis_mock_aime",
    "frontiermath",
    "frontiermath_tier_4",
    "swe_bench_verified",
)
# Index points, 0..100 like a percent: Artificial Analysis indices (via OpenRouter).
INDEX_BENCHMARKS = ("aa_intelligence_index", "aa_coding_index", "aa_agentic_index")
# Benchmarks on their own scale, with the range a score must lie in. The Epoch Capabilities
# Index spans about 75..150 in the 2025-11 export; 0..400 leaves room for later models while
# still catching a percent or a fraction loaded by mistake only when far off.
SCALED_BENCHMARKS: dict[str, tuple[float, float]] = {"chatbot_arena_elo": (0.0, 3000.0), "eci": (0.0, 400.0)}
BENCHMARKS = (*PERCENT_BENCHMARKS, *INDEX_BENCHMARKS, *SCALED_BENCHMARKS)
EARLIEST_PLAUSIBLE_DATE = dt.date(2015, 1, 1)
# Epoch's Notable AI Models reach back to the 1950s (Theseus, Perceptron).
EARLIEST_MODEL_RELEASE = dt.date(1950, 1, 1)

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
        # Every benchmark here is a percentage (or 0..100 index points) except the scaled ones.
        return data.lazyframe.select(pl.col("benchmark").is_in(list(SCALED_BENCHMARKS)) | (pl.col("score") <= 100.0))

    @pa.dataframe_check(name="scaled_scores_within_bounds")
    def scaled_scores_within_bounds(cls, data: pa.PolarsData) -> pl.LazyFrame:
        within = pl.lit(True)
        for benchmark, (low, high) in SCALED_BENCHMARKS.items():
            score = pl.col("score")
            within = within & ((pl.col("benchmark") != benchmark) | ((score >= low) & (score <= high)))
        return data.lazyframe.select(within)


CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "token_prices": TokenPriceContract,
    "model_capabilities": ModelCapabilityContract,
}


REASONING_MODES = ("always_on", "hybrid", "none")
MATCH_METHODS = ("exact", "normalized", "manual")


def _ordered(low: str, mid: str, high: str) -> pl.Expr:
    return (pl.col(low) <= pl.col(mid)) & (pl.col(mid) <= pl.col(high))


class ModelContract(pa.DataFrameModel):
    source: str = pa.Field(str_length={"min_value": 1})
    model_id: str = pa.Field(str_length={"min_value": 1})
    model_name: str = pa.Field(str_length={"min_value": 1})
    organization: str = pa.Field()
    released_on: dt.date = pa.Field(ge=EARLIEST_MODEL_RELEASE, nullable=True)
    open_weights: bool = pa.Field(nullable=True)
    is_reasoning: bool = pa.Field(nullable=True)
    reasoning_mode: str = pa.Field(isin=list(REASONING_MODES), nullable=True)
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["source", "model_id"]

    @pa.dataframe_check(name="reasoning_mode_agrees_with_flag")
    def reasoning_mode_agrees_with_flag(cls, data: pa.PolarsData) -> pl.LazyFrame:
        mode, flag = pl.col("reasoning_mode"), pl.col("is_reasoning")
        return data.lazyframe.select(
            mode.is_null() | flag.is_null() | ((mode == "none") & ~flag) | (mode.is_in(["always_on", "hybrid"]) & flag)
        )


class ModelAliasContract(pa.DataFrameModel):
    feed: str = pa.Field(str_length={"min_value": 1})
    alias: str = pa.Field(str_length={"min_value": 1})
    model_id: str = pa.Field(str_length={"min_value": 1})
    match_method: str = pa.Field(isin=list(MATCH_METHODS))
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["feed", "alias"]


class ChipShipmentContract(pa.DataFrameModel):
    vendor: str = pa.Field(str_length={"min_value": 1})
    chip: str = pa.Field(str_length={"min_value": 1})
    period_start: dt.date = pa.Field(ge=EARLIEST_PLAUSIBLE_DATE)
    period_end: dt.date = pa.Field()
    units_p5: float = pa.Field(ge=0.0)
    units_p50: float = pa.Field(ge=0.0)
    units_p95: float = pa.Field(ge=0.0)
    h100e_p5: float = pa.Field(ge=0.0)
    h100e_p50: float = pa.Field(ge=0.0)
    h100e_p95: float = pa.Field(ge=0.0)
    estimate_vintage: dt.date = pa.Field(ge=EARLIEST_PLAUSIBLE_DATE)
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["vendor", "chip", "period_start", "estimate_vintage"]

    @pa.dataframe_check(name="period_start_before_end")
    def period_start_before_end(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("period_start") < pl.col("period_end"))

    @pa.dataframe_check(name="units_p5_le_p50_le_p95")
    def units_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ordered("units_p5", "units_p50", "units_p95"))

    @pa.dataframe_check(name="h100e_p5_le_p50_le_p95")
    def h100e_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ordered("h100e_p5", "h100e_p50", "h100e_p95"))


class VendorRevenueContract(pa.DataFrameModel):
    company: str = pa.Field(str_length={"min_value": 1})
    fiscal_quarter: str = pa.Field(str_matches=r"^FY\d{2}Q[1-4]$")
    period_start: dt.date = pa.Field(ge=EARLIEST_PLAUSIBLE_DATE)
    period_end: dt.date = pa.Field()
    total_revenue_usd: float = pa.Field(ge=0.0)
    datacenter_revenue_usd: float = pa.Field(ge=0.0, nullable=True)
    compute_revenue_usd: float = pa.Field(ge=0.0, nullable=True)
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["company", "fiscal_quarter"]

    @pa.dataframe_check(name="period_start_before_end")
    def period_start_before_end(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("period_start") < pl.col("period_end"))

    @pa.dataframe_check(name="fiscal_quarter_matches_period_end")
    def fiscal_quarter_matches_period_end(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # NVIDIA's fiscal year FYnn ends in late January of 20nn: its quarters end in 20nn-1 or 20nn.
        fiscal_year = 2000 + pl.col("fiscal_quarter").str.slice(2, 2).cast(pl.Int32, strict=False)
        end_year = pl.col("period_end").dt.year().cast(pl.Int32)
        return data.lazyframe.select(end_year.is_between(fiscal_year - 1, fiscal_year).fill_null(False))

    @pa.dataframe_check(name="datacenter_le_total")
    def datacenter_le_total(cls, data: pa.PolarsData) -> pl.LazyFrame:
        dc = pl.col("datacenter_revenue_usd")
        return data.lazyframe.select(dc.is_null() | (dc <= pl.col("total_revenue_usd")))


class GpuPriceContract(pa.DataFrameModel):
    chip: str = pa.Field(str_length={"min_value": 1})
    year: int = pa.Field(ge=2015, le=2040)
    price_low_usd: float = pa.Field(gt=0.0)
    price_high_usd: float = pa.Field(gt=0.0)
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["chip", "year"]

    @pa.dataframe_check(name="price_low_le_high")
    def low_le_high(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("price_low_usd") <= pl.col("price_high_usd"))


_NONNEGATIVE_OPTIONAL = {"ge": 0.0, "nullable": True}


class HardwareSpecContract(pa.DataFrameModel):
    chip: str = pa.Field(str_length={"min_value": 1})
    vendor: str = pa.Field()
    chip_type: str = pa.Field()
    released_on: dt.date = pa.Field(ge=dt.date(1990, 1, 1), nullable=True)
    release_price_usd: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    fp64_flop_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    fp32_flop_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    fp16_flop_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    tf32_flop_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    tensor_fp16_bf16_flop_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    int8_op_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    fp8_flop_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    fp4_flop_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    memory_bytes: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    memory_bandwidth_bytes_per_s: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    tdp_w: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["chip"]


class DemandObservationContract(pa.DataFrameModel):
    observation_id: str = pa.Field(str_length={"min_value": 1})
    company: str = pa.Field(str_length={"min_value": 1})
    product: str = pa.Field()
    observed_on: dt.date = pa.Field(ge=EARLIEST_PLAUSIBLE_DATE)
    tokens_per_day: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    messages_per_day: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    active_users: float = pa.Field(**_NONNEGATIVE_OPTIONAL)  # type: ignore[arg-type]
    active_users_period: str = pa.Field()
    source_type: str = pa.Field()
    confidence: str = pa.Field()
    source_url: str = pa.Field()
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["observation_id"]


class EvalTokenUsageContract(pa.DataFrameModel):
    model: str = pa.Field(str_length={"min_value": 1})
    task: str = pa.Field(str_length={"min_value": 1})
    epochs: int = pa.Field(ge=1)
    samples: int = pa.Field(ge=1)
    input_tokens: float = pa.Field(ge=0.0)
    output_tokens: float = pa.Field(ge=0.0)
    total_tokens: float = pa.Field(ge=0.0)
    provenance: str = pa.Field(str_length={"min_value": 1})

    class Config:
        unique = ["model", "task"]

    @pa.dataframe_check(name="total_ge_output")
    def total_ge_output(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("total_tokens") >= pl.col("output_tokens"))


CONTRACTS.update(
    {
        "models": ModelContract,
        "model_aliases": ModelAliasContract,
        "chip_shipments": ChipShipmentContract,
        "vendor_revenue": VendorRevenueContract,
        "gpu_prices": GpuPriceContract,
        "hardware_specs": HardwareSpecContract,
        "demand_observations": DemandObservationContract,
        "eval_token_usage": EvalTokenUsageContract,
    }
)
