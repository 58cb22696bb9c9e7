"""Feed `epoch_chips`: Epoch AI's AI chip counts, shipments per calendar quarter and chip type.

Source: github.com/epoch-research/ai-chip-counts, `csv_export/*_chip_timelines.csv`
(MIT licence, © Epoch AI). One payload per file: NVIDIA and Google TPU by calendar quarter,
AMD Instinct and Amazon Trainium (also calendar quarters). Each row is one chip type in one
quarter: units and H100-equivalents (H100e), median with 5th and 95th percentiles.

Choices a user should know:

* Columns are found by name (their order differs between the files, and the Trainium file
  has extra power columns, which are ignored).
* `vendor` is normalised from "Chip manufacturer" to Nvidia, Google, AMD or Amazon
  (case-insensitive; "Amazon AWS"/"AWS" -> Amazon); any other manufacturer is kept as given.
* `estimate_vintage` is the date in the row's note "Estimates generated on: MM-DD-YYYY
  HH:MM"; a row without that note gets the payload's `observed_on` date. The rest of the
  note (e.g. TPU's "Incomplete: based on Broadcom fiscal quarters ...") goes into provenance.
* Only calendar quarters are accepted. The repository also publishes NVIDIA by fiscal
  quarter and cumulative (installed-base) exports with the same columns; loaded next to the
  calendar-quarter rows they would double count, so such a file is refused with a message
  saying what it is.
* A missing number (empty cell) becomes null and the row is quarantined by the contract;
  a value that is not a number rejects the payload, naming row and column.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import polars as pl

from sources.csvio import read_csv_rows
from sources.errors import StructuralError
from sources.fields import RowReader, parse_finite
from sources.lookalike import read_header, reject_foreign
from sources.schemas import frame_from_records
from sources.values import parse_date

FEED_ID = "epoch_chips"
LICENCE = "MIT licence, © Epoch AI (epoch-research/ai-chip-counts)"
BASE_URL = "https://raw.githubusercontent.com/epoch-research/ai-chip-counts/main/csv_export/"
TIMELINE_FILES = (
    "nvidia_calendar_quarter_chip_timelines.csv",
    "tpu_calendar_quarter_chip_timelines.csv",
    "amd_chip_timelines.csv",
    "trainium_chip_timelines.csv",
)
DEFAULT_ENDPOINTS = tuple(BASE_URL + name for name in TIMELINE_FILES)

# canonical column -> source column
NUMBER_COLUMNS: dict[str, str] = {
    "units_p5": "Number of Units (5th percentile)",
    "units_p50": "Number of Units",
    "units_p95": "Number of Units (95th percentile)",
    "h100e_p5": "H100e (5th percentile)",
    "h100e_p50": "Compute estimate in H100e (median)",
    "h100e_p95": "H100e (95th percentile)",
}
REQUIRED_COLUMNS = ("Chip manufacturer", "Chip type", "Start date", "End date", *NUMBER_COLUMNS.values())

VENDORS = {
    "nvidia": "Nvidia",
    "google": "Google",
    "amd": "AMD",
    "amazon": "Amazon",
    "amazon aws": "Amazon",
    "aws": "Amazon",
}

_VINTAGE = re.compile(r"Estimates generated on:?\s*(\d{1,2})-(\d{1,2})-(\d{4})", re.IGNORECASE)
_VINTAGE_FRAGMENT = re.compile(r"Estimates generated on:?\s*\S+(?:\s+\d{1,2}:\d{2})?", re.IGNORECASE)
# Names of rows in the cumulative exports: "Trainium1 Q1 2024 to Q3 2024", "... through Q1 2024".
_CUMULATIVE_NAME = re.compile(r"\bcumulative\b|\bthrough\b|\bQ[1-4] \d{4} to Q[1-4] \d{4}\b", re.IGNORECASE)


def parse(payload: bytes, source: str, observed_on: dt.date) -> dict[str, pl.DataFrame]:
    """One chip-timeline CSV -> {"chip_shipments": frame}."""
    header = read_header(payload, feed=FEED_ID, source=source)
    reject_foreign(header, ("epoch_chips_timeline",), feed=FEED_ID, source=source)
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=REQUIRED_COLUMNS)
    records = [_record(RowReader(FEED_ID, source, row, offset + 2), observed_on) for offset, row in enumerate(rows)]
    return {"chip_shipments": frame_from_records(records, "chip_shipments")}


def _record(reader: RowReader, observed_on: dt.date) -> dict[str, Any]:
    name = reader.text("Name")
    if _CUMULATIVE_NAME.search(name):
        raise StructuralError(
            f"row name {name!r} is a cumulative total; this looks like a cumulative (installed-base) "
            "export, and feed epoch_chips takes the per-quarter *_chip_timelines.csv files",
            feed=FEED_ID,
            source=reader.source,
            row=reader.row_number,
            field="Name",
        )
    period_start = reader.value(parse_date, "Start date")
    period_end = reader.value(parse_date, "End date")
    if period_start is not None and period_end is not None and not is_calendar_quarter(period_start, period_end):
        raise StructuralError(
            f"period {period_start}..{period_end} is not a calendar quarter; chip_shipments holds "
            "calendar quarters (a fiscal-quarter or cumulative export would double count against them)",
            feed=FEED_ID,
            source=reader.source,
            row=reader.row_number,
            field="Start date",
        )
    notes = reader.text("Notes")
    record: dict[str, Any] = {
        "vendor": normalise_vendor(reader.text("Chip manufacturer")),
        "chip": reader.text("Chip type"),
        "period_start": period_start,
        "period_end": period_end,
        "estimate_vintage": _vintage(reader, notes) or observed_on,
        "source_row": reader.row_number,
        "provenance": _provenance(reader, name, notes),
    }
    for column, source_column in NUMBER_COLUMNS.items():
        record[column] = reader.value(parse_finite, source_column)
    return record


def normalise_vendor(manufacturer: str) -> str:
    return VENDORS.get(" ".join(manufacturer.lower().split()), manufacturer)


def is_calendar_quarter(start: dt.date, end: dt.date) -> bool:
    if start.day != 1 or start.month not in (1, 4, 7, 10):
        return False
    last_month = start.month + 2
    return end == dt.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def _vintage(reader: RowReader, notes: str) -> dt.date | None:
    match = _VINTAGE.search(notes)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise reader.error(f"estimate date in {match.group(0)!r} is not a date", field="Notes") from exc


def _provenance(reader: RowReader, name: str, notes: str) -> str:
    parts = [f"Epoch AI AI chip counts ({reader.source}), row {reader.row_number}"]
    if name:
        parts[0] += f" {name!r}"
    remark = " ".join(_VINTAGE_FRAGMENT.sub("", notes).split())
    if remark:
        parts.append(f"source note: {remark}")
    link = reader.text("Source / Link")
    if link:
        parts.append(f"source: {link}")
    parts.append(LICENCE)
    return "; ".join(parts)
