"""Feed `epoch_prices`: Epoch AI's hand-collected API prices and price-vs-benchmark tables.

Two export formats are accepted (detected from the header):

* the "API prices" full view: one row per (model, vendor, date, price unit), with mixed
  units. Only per-token text prices are kept: input, output, "input or output" (both),
  and cached input. Prices above a 128k context tier, images, training (fine-tuning),
  embeddings, per-hour storage, characters and flat fees are dropped on purpose, and
  rows for fine-tuned models are dropped (they price a customer's own weights).
* the price-vs-benchmark tables: model, date, blended price (3 input : 1 output) and
  scores on MMLU, GPQA Diamond, HumanEval, MATH-500, Chatbot Arena Elo, MATH level 5.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from sources.csvio import read_csv_rows
from sources.errors import FeedError, StructuralError
from sources.schemas import CAPABILITY_COLUMNS, PRICE_COLUMNS, empty_frame
from sources.values import ValueParseError, parse_date, parse_float, parse_usd

FEED_ID = "epoch_prices"
LICENCE = "CC BY 4.0, Epoch AI"

API_PRICES_COLUMNS = (
    "Price",
    "Price Unit",
    "Model",
    "Price date",
    "Model Version",
    "Organization (model developer)",
    "Organization (API vendor)",
)
BENCHMARK_TABLE_COLUMNS = ("Model Name", "Release Date", "USD per 1M Tokens")

# Unit text in the export -> which price it sets. "cashed" is the export's own spelling.
_UNIT_ROLES: dict[str, tuple[str, ...]] = {
    "$/1M input tokens": ("input",),
    "$/1M input tokens (for <=128k tokens)": ("input",),
    "$/1M output tokens": ("output",),
    "$/1M output tokens (for <= 128k tokens)": ("output",),
    "$/1M tokens (input or output)": ("input", "output"),
    "$/1M cashed tokens (for <= 128k tokens)": ("cached_input",),
    "$/1M cached tokens (for <= 128k tokens)": ("cached_input",),
    "$/1M cached input tokens": ("cached_input",),
}

# Benchmark column in the export -> our benchmark id.
BENCHMARK_COLUMNS: dict[str, str] = {
    "MMLU": "mmlu",
    "GPQA Diamond": "gpqa_diamond",
    "HumanEval": "humaneval",
    "MATH-500": "math_500",
    "LMSys Chatbot Arena ELO": "chatbot_arena_elo",
    "MATH 5": "math_level_5",
}


def blended_3to1(input_usd: float | None, output_usd: float | None) -> float | None:
    """The blended price of 3 input tokens to 1 output token, the convention Epoch AI uses."""
    if input_usd is None or output_usd is None:
        return None
    return (3.0 * input_usd + output_usd) / 4.0


def parse(payload: bytes, source: str, observed_on: dt.date | None = None) -> dict[str, pl.DataFrame]:
    """Parse either export format into canonical frames keyed by staging table.

    Every row carries its own price date, so `observed_on` (the file's vintage) is unused.
    """
    head = payload[:4096].decode("utf-8", errors="replace").lstrip("\ufeff")
    first_line = head.splitlines()[0] if head.strip() else ""
    if "Price Unit" in first_line:
        return {"token_prices": parse_api_prices(payload, source)}
    if "USD per 1M Tokens" in first_line:
        prices, capabilities = parse_benchmark_table(payload, source)
        return {"token_prices": prices, "model_capabilities": capabilities}
    # Let the generic reader report empty/encoding problems before the format complaint.
    read_csv_rows(payload, feed=FEED_ID, source=source, required=())
    raise StructuralError(
        "not an Epoch AI price export: expected an 'API prices' view (with a 'Price Unit' "
        "column) or a price-vs-benchmark table (with 'USD per 1M Tokens')",
        feed=FEED_ID,
        source=source,
    )


def _value(parser: Any, row: dict[str, str], field: str, source: str, row_number: int) -> Any:
    try:
        return parser(row.get(field, ""))
    except ValueParseError as exc:
        raise FeedError(str(exc), feed=FEED_ID, source=source, row=row_number, field=field) from exc


def parse_api_prices(payload: bytes, source: str) -> pl.DataFrame:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=API_PRICES_COLUMNS)
    grouped: dict[tuple[str, str, str, Any], dict[str, Any]] = {}
    for offset, row in enumerate(rows):
        row_number = offset + 2
        roles = _UNIT_ROLES.get(row["Price Unit"])
        if roles is None or row.get("Fine Tuned Model", "").lower() == "checked":
            continue
        price = _value(parse_usd, row, "Price", source, row_number)
        observed_on = _value(parse_date, row, "Price date", source, row_number)
        provider = row["Organization (API vendor)"] or row["Organization (model developer)"] or "unspecified"
        key = (provider, row["Model"], row["Model Version"], observed_on)
        record = grouped.setdefault(
            key,
            {
                "source": "epoch_api_prices",
                "provider": provider,
                "model": row["Model"],
                "model_version": row["Model Version"],
                "observed_on": observed_on,
                "input_usd_per_mtok": None,
                "output_usd_per_mtok": None,
                "cached_input_usd_per_mtok": None,
                "reasoning_usd_per_mtok": None,
                "source_row": row_number,
                "provenance": _api_provenance(source, row_number, row.get("Archived price link", "")),
            },
        )
        for role in roles:
            record[f"{role}_usd_per_mtok"] = price
    records = list(grouped.values())
    for record in records:
        record["blended_usd_per_mtok"] = blended_3to1(record["input_usd_per_mtok"], record["output_usd_per_mtok"])
    if not records:
        return empty_frame(PRICE_COLUMNS)
    return pl.DataFrame(records, schema=PRICE_COLUMNS).select(list(PRICE_COLUMNS))


def _api_provenance(source: str, row_number: int, archive_link: str) -> str:
    note = f"Epoch AI API prices export ({source}), row {row_number}"
    if archive_link:
        note += f"; archived at {archive_link}"
    return f"{note}; {LICENCE}"


def parse_benchmark_table(payload: bytes, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=BENCHMARK_TABLE_COLUMNS)
    prices: list[dict[str, Any]] = []
    capabilities: list[dict[str, Any]] = []
    for offset, row in enumerate(rows):
        row_number = offset + 2
        model = row["Model Name"]
        observed_on = _value(parse_date, row, "Release Date", source, row_number)
        blended = _value(parse_float, row, "USD per 1M Tokens", source, row_number)
        provenance = f"Epoch AI price-vs-benchmark table ({source}), row {row_number}; {LICENCE}"
        prices.append(
            {
                "source": "epoch_price_benchmarks",
                "provider": "unspecified",
                "model": model,
                "model_version": "",
                "observed_on": observed_on,
                "input_usd_per_mtok": None,
                "output_usd_per_mtok": None,
                "blended_usd_per_mtok": blended,
                "cached_input_usd_per_mtok": None,
                "reasoning_usd_per_mtok": None,
                "source_row": row_number,
                "provenance": provenance,
            }
        )
        for column, benchmark in BENCHMARK_COLUMNS.items():
            score = _value(parse_float, row, column, source, row_number)
            if score is None:
                continue
            capabilities.append(
                {
                    "source": "epoch_price_benchmarks",
                    "model": model,
                    "observed_on": observed_on,
                    "benchmark": benchmark,
                    "score": score,
                    "source_row": row_number,
                    "provenance": provenance,
                }
            )
    price_frame = pl.DataFrame(prices, schema=PRICE_COLUMNS) if prices else empty_frame(PRICE_COLUMNS)
    capability_frame = (
        pl.DataFrame(capabilities, schema=CAPABILITY_COLUMNS) if capabilities else empty_frame(CAPABILITY_COLUMNS)
    )
    return price_frame, capability_frame
