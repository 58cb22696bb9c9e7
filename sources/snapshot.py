"""The bundled snapshot: each feed's history in canonical form, one CSV per staging table.

Snapshot files are derived from the public reference downloads by `sources.build_snapshot`;
each row carries a provenance note naming the original file and row.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from sources.errors import StructuralError
from sources.registry import Feed
from sources.schemas import TABLE_COLUMNS

EMPTY_STRING_COLUMNS = (
    "model_version",
    "organization",
    "product",
    "active_users_period",
    "source_type",
    "confidence",
    "source_url",
    "vendor",
    "chip_type",
)


def snapshot_files(feed: Feed) -> list[tuple[str, Path]]:
    """(table, path) for every table of the feed that has a bundled file."""
    found = []
    for table in feed.tables:
        path = feed.snapshot_dir / f"{table}.csv"
        if path.exists():
            found.append((table, path))
    return found


def read_canonical(payload: bytes, table: str, source: str) -> pl.DataFrame:
    """Parse a canonical snapshot CSV for `table`; `source_row` is the CSV line number."""
    columns = TABLE_COLUMNS[table]
    stored = {name: dtype for name, dtype in columns.items() if name != "source_row"}
    try:
        frame = pl.read_csv(io.BytesIO(payload), schema_overrides=stored, try_parse_dates=False)
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise StructuralError(f"unreadable snapshot CSV: {exc}", source=source) from exc
    missing = [name for name in stored if name not in frame.columns]
    if missing:
        raise StructuralError(f"snapshot is missing columns {missing}", source=source)
    # An empty CSV field reads as null; these text columns use "" for "none given".
    text_fill = [pl.col(n).fill_null("") for n in EMPTY_STRING_COLUMNS if n in stored]
    return (
        frame.select(list(stored))
        .with_columns(*text_fill, source_row=pl.int_range(2, frame.height + 2, dtype=pl.Int64))
        .select(list(columns))
    )


def write_canonical(frame: pl.DataFrame, table: str, path: Path) -> None:
    columns = [name for name in TABLE_COLUMNS[table] if name != "source_row"]
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.select(columns).write_csv(path)
