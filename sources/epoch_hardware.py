"""Feed `epoch_hardware`: Epoch AI's "Machine Learning Hardware" dataset, one row per accelerator.

Source: https://epoch.ai/data/ml_hardware.csv (CC BY 4.0, cite "Epoch AI"). Only the
columns of `hardware_specs` are kept (release date and price, FLOP/s by precision, memory,
bandwidth, TDP); die size, clocks, foundry, derived columns ("Max performance",
"Price-performance", ...) and free-text notes are not loaded.

Choices a user should know:

* Numbers are read as the export writes them ("1.979e+15", "192000000000.0", "1,024");
  'inf'/'nan' or words in a kept column reject the payload, naming row and column.
  Units are the source's: FLOP/s (OP/s for INT8), bytes, bytes/s, watts, USD at release.
* "Release date" is normally YYYY-MM-DD (M/D/YYYY is accepted too). A partial date is
  stored as the first day of the period it names — "2024-03" as 2024-03-01, "2024" as
  2024-01-01 — and the row's provenance says so, so no day is silently made up. Empty -> null.
* `vendor` is "Manufacturer", with the four vendors of `chip_shipments` spelled as there
  ("NVIDIA" -> Nvidia, "Amazon AWS" -> Amazon); other manufacturers are kept as given.
* Chip names are the natural key. If the export lists one name more than once (compared
  after trimming spaces), the row with the latest "Last modified" timestamp is kept (on a
  tie, or without timestamps, the first in the file); the kept row's provenance names the
  dropped rows. The 2025-12 export has no duplicate names.
* Only "Hardware name", "Manufacturer", "Type" and "Release date" are required; a missing
  spec column (Epoch AI has added precisions over time, e.g. FP4) loads as null.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl

from sources.csvio import read_csv_rows
from sources.fields import RowReader, parse_finite
from sources.lookalike import read_header, reject_foreign
from sources.schemas import frame_from_records
from sources.values import ValueParseError, parse_date

FEED_ID = "epoch_hardware"
LICENCE = "CC BY 4.0, Epoch AI"
DEFAULT_ENDPOINT = "https://epoch.ai/data/ml_hardware.csv"

REQUIRED_COLUMNS = ("Hardware name", "Manufacturer", "Type", "Release date")
# canonical column -> source column
NUMBER_COLUMNS: dict[str, str] = {
    "release_price_usd": "Release price (USD)",
    "fp64_flop_per_s": "FP64 (double precision) performance (FLOP/s)",
    "fp32_flop_per_s": "FP32 (single precision) performance (FLOP/s)",
    "fp16_flop_per_s": "FP16 (half precision) performance (FLOP/s)",
    "tf32_flop_per_s": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "tensor_fp16_bf16_flop_per_s": "Tensor-FP16/BF16 performance (FLOP/s)",
    "int8_op_per_s": "INT8 performance (OP/s)",
    "fp8_flop_per_s": "FP8 performance (FLOP/s)",
    "fp4_flop_per_s": "FP4 performance (FLOP/s)",
    "memory_bytes": "Memory size per board (Byte)",
    "memory_bandwidth_bytes_per_s": "Memory bandwidth (byte/s)",
    "tdp_w": "TDP (W)",
}
VENDORS = {"nvidia": "Nvidia", "google": "Google", "amd": "AMD", "amazon": "Amazon", "amazon aws": "Amazon"}

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse(payload: bytes, source: str, observed_on: dt.date | None = None) -> dict[str, pl.DataFrame]:
    """The ML Hardware CSV -> {"hardware_specs": frame}; `observed_on` is unused (no dated facts)."""
    header = read_header(payload, feed=FEED_ID, source=source)
    reject_foreign(header, ("epoch_hardware",), feed=FEED_ID, source=source)
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=REQUIRED_COLUMNS)
    readers = [RowReader(FEED_ID, source, row, offset + 2) for offset, row in enumerate(rows)]
    kept, dropped = deduplicate(readers)
    records = [_record(reader, dropped.get(reader.row_number, [])) for reader in kept]
    return {"hardware_specs": frame_from_records(records, "hardware_specs")}


def deduplicate(readers: list[RowReader]) -> tuple[list[RowReader], dict[int, list[int]]]:
    """One row per chip name: the latest "Last modified" wins, then the earliest row.

    Returns the kept rows in file order and, per kept row number, the row numbers dropped for it.
    """
    best: dict[str, RowReader] = {}
    losers: dict[str, list[int]] = {}
    for reader in readers:
        name = reader.text("Hardware name")
        if not name:
            best[f"\0row{reader.row_number}"] = reader  # nameless rows are left to the contract
            continue
        current = best.get(name)
        if current is None:
            best[name] = reader
        elif _modified(reader) > _modified(current):
            losers.setdefault(name, []).append(current.row_number)
            best[name] = reader
        else:
            losers.setdefault(name, []).append(reader.row_number)
    kept = sorted(best.values(), key=lambda reader: reader.row_number)
    dropped = {best[name].row_number: sorted(rows) for name, rows in losers.items()}
    return kept, dropped


def _modified(reader: RowReader) -> dt.datetime:
    """The row's "Last modified" as naive UTC; missing or unreadable sorts as oldest.

    It only breaks ties between duplicates, so a bad timestamp is not worth rejecting a payload.
    """
    text = reader.text("Last modified")
    try:
        stamp = dt.datetime.fromisoformat(text)
        return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp
    except (ValueError, OverflowError):  # OverflowError: an offset pushing year 1 below the minimum
        return dt.datetime.min


def parse_release_date(text: str) -> tuple[dt.date | None, str]:
    """(date, precision note): full dates as is; 'YYYY-MM' and 'YYYY' as the period's first day."""
    cleaned = text.strip()
    try:
        if match := _YEAR_MONTH.match(cleaned):
            return dt.date(int(match.group(1)), int(match.group(2)), 1), f"release date given as {cleaned!r}"
        if match := _YEAR.match(cleaned):
            return dt.date(int(match.group(1)), 1, 1), f"release date given as {cleaned!r}"
    except ValueError as exc:
        raise ValueParseError(f"not a date: {text!r}") from exc
    return parse_date(cleaned), ""


def normalise_vendor(manufacturer: str) -> str:
    return VENDORS.get(" ".join(manufacturer.lower().split()), manufacturer)


def _record(reader: RowReader, dropped_rows: list[int]) -> dict[str, Any]:
    released_on, precision_note = reader.value(parse_release_date, "Release date")
    record: dict[str, Any] = {
        "chip": reader.text("Hardware name"),
        "vendor": normalise_vendor(reader.text("Manufacturer")),
        "chip_type": reader.text("Type"),
        "released_on": released_on,
        "source_row": reader.row_number,
    }
    for column, source_column in NUMBER_COLUMNS.items():
        record[column] = reader.value(parse_finite, source_column)
    parts = [f"Epoch AI ML Hardware ({reader.source}), row {reader.row_number}"]
    if precision_note:
        parts.append(f"{precision_note}, stored as the first day")
    if dropped_rows:
        listed = ", ".join(str(row) for row in dropped_rows)
        parts.append(f"duplicate name: kept the most recently modified row, dropped row(s) {listed}")
    parts.append(LICENCE)
    record["provenance"] = "; ".join(parts)
    return record
