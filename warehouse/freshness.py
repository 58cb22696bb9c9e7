"""Per-feed freshness thresholds: how old a feed's newest observation may be before it is stale.

The thresholds are configuration (`data/freshness_thresholds.csv`: feed, max_age_days, why);
every marts build copies them to meta.freshness_thresholds, where marts.feed_freshness and
marts.feed_status compare them with each feed's newest observation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from warehouse.sqlfiles import read_sql

DEFAULT_THRESHOLDS_FILE = Path(__file__).parent / "data" / "freshness_thresholds.csv"
THRESHOLD_SCHEMA: dict[str, pl.DataType] = {"feed": pl.String(), "max_age_days": pl.Int32(), "why": pl.String()}


class FreshnessConfigError(ValueError):
    """The thresholds file is unreadable or a row is invalid."""


def read_thresholds(path: Path = DEFAULT_THRESHOLDS_FILE) -> pl.DataFrame:
    """The thresholds in `path`; a bad row is an error naming file, row and field."""
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise FreshnessConfigError(f"{path}: {error}") from error
    missing = [c for c in THRESHOLD_SCHEMA if c not in raw.columns]
    if missing:
        raise FreshnessConfigError(f"{path}: missing column(s) {', '.join(missing)}")
    rows = []
    for number, row in enumerate(raw.iter_rows(named=True), start=2):
        feed, age = (row["feed"] or "").strip(), (row["max_age_days"] or "").strip()
        if not feed:
            raise FreshnessConfigError(f"{path}, row {number}, field feed: empty")
        if not age.isdigit() or int(age) <= 0:
            raise FreshnessConfigError(f"{path}, row {number}, field max_age_days: {age!r} is not a positive integer")
        rows.append({"feed": feed, "max_age_days": int(age), "why": (row["why"] or "").strip()})
    frame = pl.DataFrame(rows, schema=THRESHOLD_SCHEMA)
    duplicated = frame.filter(pl.col("feed").is_duplicated())["feed"].unique().to_list()
    if duplicated:
        raise FreshnessConfigError(f"{path}: feed listed twice: {', '.join(duplicated)}")
    return frame


def data_through_by_family(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """Per data family: data_through, age_days at `as_of`, newest_feed, stale_feeds."""
    return con.sql(read_sql("data_through_by_family"), params=[as_of]).pl()


def data_gap_notes(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    """Sentences for a forecast run: per family, the last observation and its gap to the as-of date."""
    notes = []
    for row in data_through_by_family(con, as_of).iter_rows(named=True):
        gap = row["age_days"]
        when = f"{gap} days before the as-of date {as_of}" if gap >= 0 else f"{-gap} days after the as-of date {as_of}"
        stale = f" (stale: {row['stale_feeds']})" if row["stale_feeds"] else ""
        notes.append(f"{row['family']}: data through {row['data_through']}, {when}{stale}")
    return notes
