"""Canonical column sets (names and polars types) of each staging table, as parsers emit them.

`source_row` is the 1-based row (or entry) number in the parsed payload; it is used to name
quarantined rows and is not stored in staging.
"""

from __future__ import annotations

import polars as pl

PRICE_COLUMNS: dict[str, pl.DataType] = {
    "source": pl.String(),
    "provider": pl.String(),
    "model": pl.String(),
    "model_version": pl.String(),
    "observed_on": pl.Date(),
    "input_usd_per_mtok": pl.Float64(),
    "output_usd_per_mtok": pl.Float64(),
    "blended_usd_per_mtok": pl.Float64(),
    "cached_input_usd_per_mtok": pl.Float64(),
    "reasoning_usd_per_mtok": pl.Float64(),
    "source_row": pl.Int64(),
    "provenance": pl.String(),
}

CAPABILITY_COLUMNS: dict[str, pl.DataType] = {
    "source": pl.String(),
    "model": pl.String(),
    "observed_on": pl.Date(),
    "benchmark": pl.String(),
    "score": pl.Float64(),
    "source_row": pl.Int64(),
    "provenance": pl.String(),
}

TABLE_COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "token_prices": PRICE_COLUMNS,
    "model_capabilities": CAPABILITY_COLUMNS,
}

# Natural keys: a row whose key is already in staging is not loaded again.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "token_prices": ("source", "provider", "model", "model_version", "observed_on"),
    "model_capabilities": ("source", "model", "observed_on", "benchmark"),
}


def empty_frame(columns: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=columns)
