"""Feed `epoch_usage`: reported AI usage (tokens, messages, active users per day) from Epoch AI.

Source: the usage-reports table of Epoch AI's "AI companies" data (CC BY 4.0). There is no
public endpoint for it; the bundled snapshot or a `--file` export in the same format loads.
One row is one reported figure, dated when it applied (`Date`, M/D/YYYY), to
`demand_observations`:

* `observation_id` is "<Id> @ <Date as YYYY-MM-DD>". The source's `Id` is a label, not a key:
  in the 2025-12 export "ChatGPT 700M WAU" and "Meta AI 1B MAU" each name two reports on
  different dates. Adding the date makes every id unique and keeps it stable when a later
  export adds another report under the same label. Should one label repeat on one date, the
  later rows get " #2", " #3" in file order.
* `tokens_per_day` = `Daily tokens`, `messages_per_day` = `Daily messages`, `active_users` =
  `Active users` over `active_users_period` (Daily / Weekly / Monthly); a blank is null. Rows
  with none of the three (a market-share report) are kept: they are dated company reports.
* `source_url` is `Source 1` (else `Source 2`); the report date, and Epoch AI's "exclude from
  graph view" flag where set, are noted in the provenance.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import polars as pl

from sources.csvio import decode_text, read_csv_rows
from sources.errors import FeedError, StructuralError
from sources.schemas import frame_from_records
from sources.values import ValueParseError, parse_date, parse_float

FEED_ID = "epoch_usage"
LICENCE = "CC BY 4.0, Epoch AI"

REQUIRED_COLUMNS = ("Id", "Company", "Date")
# Any one of these in the header marks the usage-reports format.
SIGNATURE_COLUMNS = ("Daily tokens", "Daily messages", "Active users")


def parse(payload: bytes, source: str, observed_on: dt.date) -> dict[str, pl.DataFrame]:
    """Parse a usage-reports export; every row carries its own date, so `observed_on` is unused."""
    if not any(name in _header(payload, source) for name in SIGNATURE_COLUMNS):
        raise StructuralError(
            "not an Epoch AI usage-reports export: expected a 'Daily tokens', 'Daily messages' "
            "or 'Active users' column",
            feed=FEED_ID,
            source=source,
        )
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=REQUIRED_COLUMNS)
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows):
        row_number = offset + 2
        observed = _value(parse_date, row, "Date", source, row_number)
        observation_id = _observation_id(row["Id"], observed, seen)
        records.append(
            {
                "observation_id": observation_id,
                "company": row["Company"],
                "product": row.get("Product", ""),
                "observed_on": observed,
                "tokens_per_day": _value(parse_float, row, "Daily tokens", source, row_number),
                "messages_per_day": _value(parse_float, row, "Daily messages", source, row_number),
                "active_users": _value(parse_float, row, "Active users", source, row_number),
                "active_users_period": row.get("Active users time period", ""),
                "source_type": row.get("Source type", ""),
                "confidence": row.get("Confidence", ""),
                "source_url": row.get("Source 1", "") or row.get("Source 2", ""),
                "source_row": row_number,
                "provenance": _provenance(row, source, row_number),
            }
        )
    return {"demand_observations": frame_from_records(records, "demand_observations")}


def _header(payload: bytes, source: str) -> list[str]:
    text = decode_text(payload, feed=FEED_ID, source=source)
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:
        raise StructuralError(f"malformed CSV header: {exc}", feed=FEED_ID, source=source, row=1) from exc
    return [name.strip() for name in first]


def _value(parser: Callable[[str], Any], row: dict[str, str], field: str, source: str, row_number: int) -> Any:
    try:
        return parser(row.get(field, ""))
    except ValueParseError as exc:
        raise FeedError(str(exc), feed=FEED_ID, source=source, row=row_number, field=field) from exc


def _observation_id(label: str, observed: dt.date | None, seen: dict[str, int]) -> str:
    """'<Id> @ <date>', unique within the file; "" when the source gives no Id (quarantined)."""
    if not label:
        return ""
    base = f"{label} @ {observed.isoformat()}" if observed else label
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base} #{seen[base]}"


def _provenance(row: dict[str, str], source: str, row_number: int) -> str:
    note = f"Epoch AI AI-companies usage reports ({source}), row {row_number}"
    if row.get("Report date"):
        note += f", reported {row['Report date']}"
    if row.get("Exclude from graph view", "").lower() == "true":
        note += "; excluded from Epoch AI's graph view"
    return f"{note}; {LICENCE}"
