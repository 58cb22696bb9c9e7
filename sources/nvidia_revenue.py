"""Feed `nvidia_revenue`: NVIDIA revenue per fiscal quarter and GPU price ranges per year.

Both tables come from Epoch AI's ai-chip-counts repository (MIT licence, © Epoch AI), which
uses them as inputs to its shipment estimates. Two formats are accepted, detected by header:

* "Nvidia quarterly revenue" (`data_inputs/Nvidia quarterly revenue.csv`, the live
  endpoint): Quarter (FY26Q3), Start Date, End Date, total_revenue, dc_revenue,
  compute_revenue, ... in **USD billions**. Stored in USD (times 1e9, rounded to the
  dollar) in `vendor_revenue`: total -> `total_revenue_usd`, dc_revenue ->
  `datacenter_revenue_usd`, compute_revenue (Epoch AI's estimate of data-center compute
  revenue, excluding networking) -> `compute_revenue_usd`. The quarters are NVIDIA's fiscal
  quarters (FY26Q3 = 2025-07-28 .. 2025-10-26), with the dates the file gives. A revenue
  above USD 10,000 bn in a quarter is refused as a unit mistake (a file already in USD).
  Epoch AI's chip-mix shares (A100, H100, ...) and network revenue are not loaded.
* GPU annual prices (no known live URL: bundled, or loaded with `--file`): one row per
  year, a "<chip> low" / "<chip> high" column pair per chip (A100, H100, GB200, GB300, H20)
  in USD per unit, with interleaved "Notes" and derived "Geomean" columns (ignored) and a
  trailing unnamed notes column. -> `gpu_prices`. A chip without both a low and a high
  price for a year is skipped: no price is invented. Notes next to a chip's prices (e.g.
  "A100 is stub and to-do") are kept in the row's provenance.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from sources.csvio import decode_text, read_csv_rows
from sources.errors import StructuralError
from sources.fields import RowReader, parse_finite, parse_finite_usd
from sources.lookalike import identify, read_header
from sources.schemas import frame_from_records
from sources.values import ValueParseError, parse_date

FEED_ID = "nvidia_revenue"
LICENCE = "MIT licence, © Epoch AI (epoch-research/ai-chip-counts)"
REVENUE_URL = (
    "https://raw.githubusercontent.com/epoch-research/ai-chip-counts/main/data_inputs/Nvidia%20quarterly%20revenue.csv"
)
COMPANY = "Nvidia"
USD_PER_BILLION = 1e9
# NVIDIA's largest quarter so far is below USD 100 bn; a figure this large means the file is
# already in USD (or another unit), and multiplying it by 1e9 would be nonsense.
MAX_PLAUSIBLE_QUARTER_USD_BN = 10_000.0

REVENUE_REQUIRED = ("Quarter", "Start Date", "End Date", "total_revenue")
REVENUE_AMOUNTS: dict[str, str] = {
    "total_revenue_usd": "total_revenue",
    "datacenter_revenue_usd": "dc_revenue",
    "compute_revenue_usd": "compute_revenue",
}
_FISCAL_QUARTER = re.compile(r"^FY\s*(?:20)?(\d{2})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_NOTE_COLUMNS = ("Notes", "")


def parse(payload: bytes, source: str, observed_on: dt.date | None = None) -> dict[str, pl.DataFrame]:
    """Either format -> {"vendor_revenue": frame} or {"gpu_prices": frame}.

    Every row carries its own period, so `observed_on` is unused.
    """
    header = read_header(payload, feed=FEED_ID, source=source)
    known = identify(header)
    if known is not None and known.key == "nvidia_quarterly_revenue":
        return {"vendor_revenue": parse_quarterly_revenue(payload, source)}
    if known is not None and known.key == "nvidia_gpu_prices":
        return {"gpu_prices": parse_gpu_prices(payload, source)}
    what = f"this looks like {known.description}" if known else f"header has {header[:8]}"
    raise StructuralError(
        "not an NVIDIA quarterly revenue table (columns Quarter, total_revenue, ...) or a GPU "
        f"annual price table (Year and '<chip> low' / '<chip> high' columns): {what}",
        feed=FEED_ID,
        source=source,
    )


def parse_quarterly_revenue(payload: bytes, source: str) -> pl.DataFrame:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=REVENUE_REQUIRED)
    records = [_revenue_record(RowReader(FEED_ID, source, row, offset + 2)) for offset, row in enumerate(rows)]
    return frame_from_records(records, "vendor_revenue")


def normalise_fiscal_quarter(text: str) -> str:
    """'FY26Q3', 'FY 26 Q3', 'FY2026 Q3' -> 'FY26Q3'; anything else is kept for the contract to judge."""
    match = _FISCAL_QUARTER.match(text.strip())
    return f"FY{match.group(1)}Q{match.group(2)}" if match else text.strip()


def _revenue_record(reader: RowReader) -> dict[str, Any]:
    fiscal_quarter = normalise_fiscal_quarter(reader.text("Quarter"))
    record: dict[str, Any] = {
        "company": COMPANY,
        "fiscal_quarter": fiscal_quarter,
        "period_start": reader.value(parse_date, "Start Date"),
        "period_end": reader.value(parse_date, "End Date"),
        "source_row": reader.row_number,
        "provenance": _revenue_provenance(reader, fiscal_quarter),
    }
    for column, source_column in REVENUE_AMOUNTS.items():
        billions = reader.value(parse_finite, source_column)
        if billions is not None and abs(billions) > MAX_PLAUSIBLE_QUARTER_USD_BN:
            raise reader.error(
                f"{billions:g} is not a plausible quarterly revenue in USD billions (is the file already in USD?)",
                field=source_column,
            )
        record[column] = None if billions is None else float(round(billions * USD_PER_BILLION))
    return record


def _revenue_provenance(reader: RowReader, fiscal_quarter: str) -> str:
    parts = [
        f"Epoch AI, NVIDIA quarterly revenue ({reader.source}), row {reader.row_number} {fiscal_quarter}, "
        "USD bn x 1e9; compute revenue is Epoch AI's estimate"
    ]
    link = reader.text("CFO commentary link")
    if link:
        parts.append(f"CFO commentary: {link}")
    parts.append(LICENCE)
    return "; ".join(parts)


def parse_gpu_prices(payload: bytes, source: str) -> pl.DataFrame:
    text = decode_text(payload, feed=FEED_ID, source=source)
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise StructuralError(f"malformed CSV: {exc}", feed=FEED_ID, source=source) from exc
    header = [name.strip() for name in table[0]]
    if "Year" not in header:
        raise StructuralError("missing required column 'Year'", feed=FEED_ID, source=source)
    chips = _price_columns(header, source)
    data_rows = [(offset + 2, cells) for offset, cells in enumerate(table[1:]) if any(c.strip() for c in cells)]
    if not data_rows:
        raise StructuralError("the CSV has a header but no rows", feed=FEED_ID, source=source)
    records: list[dict[str, Any]] = []
    for row_number, cells in data_rows:
        if len(cells) > len(header):
            raise StructuralError("a row has more fields than the header", feed=FEED_ID, source=source, row=row_number)
        padded = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
        records.extend(_price_records(header, chips, padded, source, row_number))
    return frame_from_records(records, "gpu_prices")


@dataclass(frozen=True)
class _ChipColumns:
    """Where one chip's prices and notes sit in the price table (header names repeat, so by index)."""

    chip: str
    low: int
    high: int
    notes: tuple[int, ...]


def _price_columns(header: list[str], source: str) -> list[_ChipColumns]:
    chips: list[_ChipColumns] = []
    for name in header:
        if not name.endswith((" low", " high")):
            continue
        chip = name.rsplit(" ", 1)[0].strip()
        pair = (f"{chip} low", f"{chip} high")
        missing = [column for column in pair if column not in header]
        if missing:
            raise StructuralError(f"column {name!r} has no matching {missing[0]!r} column", feed=FEED_ID, source=source)
        if name != pair[0] or any(known.chip == chip for known in chips):
            continue
        low, high = header.index(pair[0]), header.index(pair[1])
        # Notes about a chip follow its price pair, up to the next chip's columns.
        notes = []
        for index in range(high + 1, len(header)):
            if header[index].endswith((" low", " high")):
                break
            if header[index] in _NOTE_COLUMNS:
                notes.append(index)
        chips.append(_ChipColumns(chip, low, high, tuple(notes)))
    if not chips:
        raise StructuralError(
            "no '<chip> low' / '<chip> high' price columns in the header", feed=FEED_ID, source=source
        )
    return chips


def _price_records(
    header: list[str], chips: list[_ChipColumns], cells: list[str], source: str, row_number: int
) -> list[dict[str, Any]]:
    named = {header[i]: cells[i] for i in range(len(header)) if header[i] not in _NOTE_COLUMNS}
    reader = RowReader(FEED_ID, source, named, row_number)
    year = reader.value(_parse_year, "Year")
    records = []
    for columns in chips:
        low = reader.value(parse_finite_usd, header[columns.low])
        high = reader.value(parse_finite_usd, header[columns.high])
        if low is None or high is None:
            continue  # no range for this chip this year: skipped, not invented
        notes = " | ".join(" ".join(cells[i].split()) for i in columns.notes if cells[i])
        provenance = f"Epoch AI, NVIDIA GPU annual prices ({source}), row {row_number} {columns.chip} {year}"
        if notes:
            provenance += f"; source note: {notes}"
        records.append(
            {
                "chip": columns.chip,
                "year": year,
                "price_low_usd": low,
                "price_high_usd": high,
                "source_row": row_number,
                "provenance": f"{provenance}; {LICENCE}",
            }
        )
    return records


def _parse_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueParseError(f"not a year: {text!r}")
    return int(text)
