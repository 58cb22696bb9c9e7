"""Decoding CSV payloads from Epoch AI exports (BOMs, encodings, missing columns)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sources.errors import StructuralError


def decode_text(payload: bytes, *, feed: str, source: str) -> str:
    """UTF-8 text of a payload (a leading BOM is dropped); anything else is a clear error."""
    if not payload or not payload.strip():
        raise StructuralError("the payload is empty", feed=feed, source=source)
    if payload[:2] == b"\x1f\x8b":
        raise StructuralError("the payload is gzip-compressed; decompress it first", feed=feed, source=source)
    if payload[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise StructuralError("the payload is UTF-16 text; save it as UTF-8", feed=feed, source=source)
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StructuralError(f"the payload is not UTF-8 text (byte {exc.start})", feed=feed, source=source) from exc
    if "\x00" in text:
        raise StructuralError("the payload contains NUL bytes", feed=feed, source=source)
    return text.removeprefix("\ufeff")


def read_csv_rows(payload: bytes, *, feed: str, source: str, required: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a CSV payload as dicts; every required column must be in the header.

    Row numbers used in errors count the header as row 1, as a spreadsheet does.
    """
    text = decode_text(payload, feed=feed, source=source)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise StructuralError(
            f"missing required column(s) {', '.join(repr(m) for m in missing)}; "
            f"header has {', '.join(repr(h) for h in header[:12])}",
            feed=feed,
            source=source,
        )
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    try:
        for row in reader:
            if None in row:
                raise StructuralError(
                    "a row has more fields than the header",
                    feed=feed,
                    source=source,
                    row=reader.line_num,
                )
            rows.append({k: (v or "").strip() for k, v in row.items()})
    except csv.Error as exc:
        raise StructuralError(f"malformed CSV: {exc}", feed=feed, source=source, row=reader.line_num) from exc
    if not rows:
        raise StructuralError("the CSV has a header but no rows", feed=feed, source=source)
    return rows
