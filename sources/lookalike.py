"""Recognising which public export a CSV header belongs to, so a wrong file gets a clear error.

Epoch AI publishes many CSVs with overlapping column names (the chip-count repository
alone has per-quarter timelines, cumulative totals and per-owner breakdowns). A parser
that receives the wrong one should say what it got ("this is a cumulative export") rather
than only "column X is missing", because the fix is to pick another file, not to edit it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sources.csvio import decode_text
from sources.errors import StructuralError


@dataclass(frozen=True)
class KnownFormat:
    key: str  # stable id used by parsers to accept their own format
    description: str  # for messages: what the file is and which feed takes it
    matches: Callable[[frozenset[str]], bool]


def _has(*columns: str) -> Callable[[frozenset[str]], bool]:
    return lambda header: all(column in header for column in columns)


def _gpu_price_table(header: frozenset[str]) -> bool:
    return "Year" in header and any(name.endswith(" low") for name in header)


# Order matters: more specific formats first (the per-owner chip exports also carry every
# column of a chip timeline except "Chip type").
KNOWN_FORMATS: tuple[KnownFormat, ...] = (
    KnownFormat(
        "epoch_chips_owners",
        "an Epoch AI chip-count breakdown by owner (buyer), which feed epoch_chips does not load",
        _has("Owner", "Chip manufacturer"),
    ),
    KnownFormat(
        "epoch_chips_cumulative",
        "an Epoch AI chip-count cumulative (installed-base) export; feed epoch_chips takes the "
        "per-quarter *_chip_timelines.csv files",
        _has("Chip manufacturer", "Number of units (median)"),
    ),
    KnownFormat(
        "epoch_chips_timeline",
        "an Epoch AI chip-count timeline (feed epoch_chips)",
        _has("Chip manufacturer", "Compute estimate in H100e (median)", "Number of Units"),
    ),
    KnownFormat(
        "nvidia_quarterly_revenue",
        "Epoch AI's NVIDIA quarterly revenue table (feed nvidia_revenue)",
        _has("Quarter", "total_revenue"),
    ),
    KnownFormat(
        "broadcom_revenue",
        "Epoch AI's Broadcom AI-semiconductor revenue table, which no feed loads",
        _has("AI Semis Revenue (Billions)"),
    ),
    KnownFormat("nvidia_gpu_prices", "Epoch AI's GPU annual price table (feed nvidia_revenue)", _gpu_price_table),
    KnownFormat("epoch_hardware", "Epoch AI's ML Hardware export (feed epoch_hardware)", _has("Hardware name")),
    KnownFormat("epoch_api_prices", "an Epoch AI API prices export (feed epoch_prices)", _has("Price Unit")),
    KnownFormat(
        "epoch_price_benchmarks",
        "an Epoch AI price-vs-benchmark table (feed epoch_prices)",
        _has("USD per 1M Tokens"),
    ),
    KnownFormat(
        "epoch_notable_models",
        "Epoch AI's Notable AI Models export (feed epoch_models)",
        _has("Training compute (FLOP)"),
    ),
    KnownFormat(
        "epoch_usage_reports",
        "Epoch AI's AI-companies usage reports (feed epoch_usage)",
        _has("Daily tokens", "Active users"),
    ),
)


def read_header(payload: bytes, *, feed: str, source: str) -> list[str]:
    """The stripped header of a CSV payload; empty, binary and JSON payloads are clear errors."""
    text = decode_text(payload, feed=feed, source=source)
    if text.lstrip()[:1] in ("{", "["):
        raise StructuralError("the payload is JSON, not a CSV export", feed=feed, source=source)
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:
        raise StructuralError(f"malformed CSV header: {exc}", feed=feed, source=source, row=1) from exc
    return [name.strip() for name in first]


def identify(header: Sequence[str]) -> KnownFormat | None:
    names = frozenset(header)
    return next((known for known in KNOWN_FORMATS if known.matches(names)), None)


def reject_foreign(header: Sequence[str], accepted: Sequence[str], *, feed: str, source: str) -> None:
    """Raise if the header is recognisably another export than the `accepted` format keys.

    An unrecognised header passes: the caller's required-column check then names what is missing.
    """
    known = identify(header)
    if known is not None and known.key not in accepted:
        raise StructuralError(f"this looks like {known.description}", feed=feed, source=source)
