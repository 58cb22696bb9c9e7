"""Canonical column sets (names and polars types) of each staging table, as parsers emit them.

Every feed's parser returns frames with exactly these columns for the tables it fills.
`source_row` is the 1-based row (or entry) number in the parsed payload; it names
quarantined rows and is not stored in staging. `batch_id` is added by the loader.
"""

from __future__ import annotations

import polars as pl

S = pl.String()
D = pl.Date()
F = pl.Float64()
I = pl.Int64()  # noqa: E741
B = pl.Boolean()

PRICE_COLUMNS: dict[str, pl.DataType] = {
    "source": S,  # sub-source: epoch_api_prices, epoch_price_benchmarks, litellm, openrouter
    "provider": S,  # who sells the tokens (API vendor / LiteLLM provider / OpenRouter)
    "model": S,  # the feed's own identifier (LiteLLM key, OpenRouter id, Epoch name)
    "model_version": S,  # "" when the feed gives none
    "observed_on": D,  # the date the price was observed (vintage date for snapshots)
    "input_usd_per_mtok": F,
    "output_usd_per_mtok": F,
    "blended_usd_per_mtok": F,  # (3 input + 1 output) / 4, or as given by the source
    "cached_input_usd_per_mtok": F,
    "reasoning_usd_per_mtok": F,  # output reasoning tokens where priced separately
    "source_row": I,
    "provenance": S,
}

CAPABILITY_COLUMNS: dict[str, pl.DataType] = {
    "source": S,
    "model": S,
    "observed_on": D,
    "benchmark": S,  # mmlu, gpqa_diamond, humaneval, math_500, chatbot_arena_elo, math_level_5
    "score": F,
    "source_row": I,
    "provenance": S,
}

MODEL_COLUMNS: dict[str, pl.DataType] = {
    "source": S,  # which feed / file asserted these facts
    "model_id": S,  # canonical id (sources.identity.canonical_model_id)
    "model_name": S,  # display name as the source gives it
    "organization": S,  # developer organization; "" when unknown
    "released_on": D,  # null when unknown
    "open_weights": B,  # null when unknown
    "is_reasoning": B,  # null when the source says nothing about reasoning
    "reasoning_mode": S,  # always_on | hybrid | none | null (unknown)
    "source_row": I,
    "provenance": S,
}

MODEL_ALIAS_COLUMNS: dict[str, pl.DataType] = {
    "feed": S,  # feed id whose identifier this is
    "alias": S,  # the feed's identifier, exactly as given
    "model_id": S,  # canonical id it maps to
    "match_method": S,  # exact | normalized | manual
    "source_row": I,
    "provenance": S,
}

CHIP_SHIPMENT_COLUMNS: dict[str, pl.DataType] = {
    "vendor": S,  # Nvidia, Google, AMD, Amazon
    "chip": S,  # chip type, e.g. H100, TPU v5e, Instinct MI300X, Trainium2
    "period_start": D,
    "period_end": D,
    "units_p5": F,
    "units_p50": F,
    "units_p95": F,
    "h100e_p5": F,
    "h100e_p50": F,
    "h100e_p95": F,
    "estimate_vintage": D,  # "Estimates generated on" date of the source
    "source_row": I,
    "provenance": S,
}

VENDOR_REVENUE_COLUMNS: dict[str, pl.DataType] = {
    "company": S,
    "fiscal_quarter": S,  # e.g. FY26Q3
    "period_start": D,
    "period_end": D,
    "total_revenue_usd": F,
    "datacenter_revenue_usd": F,
    "compute_revenue_usd": F,  # data-center compute (ex networking) where estimated
    "source_row": I,
    "provenance": S,
}

GPU_PRICE_COLUMNS: dict[str, pl.DataType] = {
    "chip": S,  # A100, H100, GB200, GB300, H20
    "year": I,
    "price_low_usd": F,
    "price_high_usd": F,
    "source_row": I,
    "provenance": S,
}

HARDWARE_SPEC_COLUMNS: dict[str, pl.DataType] = {
    "chip": S,
    "vendor": S,
    "chip_type": S,  # GPU, TPU, ...
    "released_on": D,
    "release_price_usd": F,
    "fp64_flop_per_s": F,
    "fp32_flop_per_s": F,
    "fp16_flop_per_s": F,
    "tf32_flop_per_s": F,
    "tensor_fp16_bf16_flop_per_s": F,
    "int8_op_per_s": F,
    "fp8_flop_per_s": F,
    "fp4_flop_per_s": F,
    "memory_bytes": F,
    "memory_bandwidth_bytes_per_s": F,
    "tdp_w": F,
    "source_row": I,
    "provenance": S,
}

DEMAND_OBSERVATION_COLUMNS: dict[str, pl.DataType] = {
    "observation_id": S,  # the source's record id
    "company": S,
    "product": S,
    "observed_on": D,
    "tokens_per_day": F,
    "messages_per_day": F,
    "active_users": F,
    "active_users_period": S,  # Daily | Weekly | Monthly | ""
    "source_type": S,
    "confidence": S,
    "source_url": S,
    "source_row": I,
    "provenance": S,
}

EVAL_TOKEN_USAGE_COLUMNS: dict[str, pl.DataType] = {
    "model": S,
    "task": S,
    "epochs": I,
    "samples": I,
    "input_tokens": F,
    "output_tokens": F,
    "total_tokens": F,
    "source_row": I,
    "provenance": S,
}

TABLE_COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "token_prices": PRICE_COLUMNS,
    "model_capabilities": CAPABILITY_COLUMNS,
    "models": MODEL_COLUMNS,
    "model_aliases": MODEL_ALIAS_COLUMNS,
    "chip_shipments": CHIP_SHIPMENT_COLUMNS,
    "vendor_revenue": VENDOR_REVENUE_COLUMNS,
    "gpu_prices": GPU_PRICE_COLUMNS,
    "hardware_specs": HARDWARE_SPEC_COLUMNS,
    "demand_observations": DEMAND_OBSERVATION_COLUMNS,
    "eval_token_usage": EVAL_TOKEN_USAGE_COLUMNS,
}

# Natural keys: a row whose key is already in staging is not loaded again (history is kept).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "token_prices": ("source", "provider", "model", "model_version", "observed_on"),
    "model_capabilities": ("source", "model", "observed_on", "benchmark"),
    "models": ("source", "model_id"),
    "model_aliases": ("feed", "alias"),
    "chip_shipments": ("vendor", "chip", "period_start", "estimate_vintage"),
    "vendor_revenue": ("company", "fiscal_quarter"),
    "gpu_prices": ("chip", "year"),
    "hardware_specs": ("chip",),
    "demand_observations": ("observation_id",),
    "eval_token_usage": ("model", "task"),
}


def empty_frame(columns: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=columns)


def frame_from_records(records: list[dict[str, object]], table: str) -> pl.DataFrame:
    """A canonical frame for `table` from dict records (missing keys become null)."""
    columns = TABLE_COLUMNS[table]
    if not records:
        return empty_frame(columns)
    return pl.DataFrame([{name: record.get(name) for name in columns} for record in records], schema=columns)
