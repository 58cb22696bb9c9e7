"""Parsing of individual values as they appear in source files (prices, dates, scores)."""

from __future__ import annotations

import datetime as dt
import re

_MONEY = re.compile(r"^\$?\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)$")


class ValueParseError(ValueError):
    """A single value could not be parsed; the caller adds file, row and field."""


def parse_usd(text: str) -> float | None:
    """'$2.50000' -> 2.5; empty -> None."""
    cleaned = text.strip()
    if not cleaned:
        return None
    match = _MONEY.match(cleaned)
    if not match:
        raise ValueParseError(f"not a USD amount: {text!r}")
    return float(match.group(1).replace(",", ""))


def parse_float(text: str) -> float | None:
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError as exc:
        raise ValueParseError(f"not a number: {text!r}") from exc


def parse_date(text: str) -> dt.date | None:
    """ISO dates (2024-08-06, optionally with a time) and US dates (8/6/2024)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        if "/" in cleaned:
            month, day, year = cleaned.split(" ")[0].split("/")
            return dt.date(int(year), int(month), int(day))
        return dt.date.fromisoformat(cleaned[:10])
    except (ValueError, OverflowError) as exc:  # OverflowError: a year like 1864373399218475440
        raise ValueParseError(f"not a date: {text!r}") from exc
