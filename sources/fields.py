"""Reading one field of a source row, so a bad value names its feed, file, row and column."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sources.errors import FeedError
from sources.values import ValueParseError, parse_float, parse_usd

T = TypeVar("T")


def parse_finite(text: str) -> float | None:
    """A number as exports write it ('1.979e+15', '1,024', '66883'); empty -> None.

    'inf' and 'nan' are refused: Epoch AI's derived columns write 'inf' for a division by
    an unknown, and such a value in a measured column would pass a `>= 0` check unnoticed.
    """
    return _finite(parse_float(text), text)


def parse_finite_usd(text: str) -> float | None:
    """A USD amount ('10000', '$36,742'); empty -> None; an overflowing '1e999' is refused."""
    return _finite(parse_usd(text), text)


def _finite(value: float | None, text: str) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueParseError(f"not a finite number: {text!r}")
    return value


@dataclass(frozen=True)
class RowReader:
    """Field access for one row of one payload, with error context filled in."""

    feed: str
    source: str
    row: dict[str, str]
    row_number: int

    def text(self, field: str) -> str:
        return self.row.get(field, "").strip()

    def value(self, parser: Callable[[str], T], field: str) -> T:
        try:
            return parser(self.text(field))
        except ValueParseError as exc:
            raise FeedError(str(exc), feed=self.feed, source=self.source, row=self.row_number, field=field) from exc

    def error(self, message: str, field: str | None = None) -> FeedError:
        return FeedError(message, feed=self.feed, source=self.source, row=self.row_number, field=field)
