"""What every report section gets: the connection, the run, the feeds, and query helpers.

Sections read marts.* and forecast.* through named SQL files in reports/sql/ (`ctx.frame`) or
one-line queries (`ctx.query`). A section that finds nothing returns a note saying why
("not available for this run: ..."), never an exception.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

SQL_DIR = Path(__file__).parent / "sql"
NOT_AVAILABLE = "not available for this run"


@cache
def read_report_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Run:
    run_id: str
    as_of: dt.date
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    status: str
    message: str | None
    vintage: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class FeedInfo:
    feed: str
    citation: str
    licence: str
    family: str


@dataclass
class ReportContext:
    con: duckdb.DuckDBPyConnection
    run: Run
    feeds: tuple[FeedInfo, ...]
    generated_at: dt.datetime
    _cache: dict[tuple[str, tuple[Any, ...]], pl.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def run_id(self) -> str:
        return self.run.run_id

    def frame(self, name: str, *params: Any) -> pl.DataFrame:
        """The result of reports/sql/<name>.sql with positional parameters ($1, $2, ...)."""
        return self.query(read_report_sql(name), *params)

    def query(self, sql: str, *params: Any) -> pl.DataFrame:
        key = (sql, params)
        if key not in self._cache:
            self._cache[key] = self.con.sql(sql, params=list(params)).pl()
        return self._cache[key]

    def values(self, target: str) -> pl.DataFrame:
        """This run's forecasts of one target, by series and period."""
        return self.query(
            "select * from forecast.values where run_id = $1 and target = $2 order by series_id, ds",
            self.run_id,
            target,
        )

    def feed(self, feed_id: str) -> FeedInfo | None:
        return next((f for f in self.feeds if f.feed == feed_id), None)

    def citation(self, *feed_ids: str) -> str:
        """'Source: <citation of each feed>; infercast run <id>' for a chart or table."""
        named = [self.feed(f) for f in feed_ids]
        cited = [f"{f.citation} ({f.licence})" for f in named if f is not None]
        missing = [feed for feed, f in zip(feed_ids, named, strict=True) if f is None]
        parts = [*cited, *(f"feed {feed}" for feed in missing)]
        return f"Source: {'; '.join(parts)}; infercast forecast run {self.run_id} (as of {self.run.as_of})."


def empty_note(table: str, run_id: str, what: str = "") -> str:
    detail = f" {what}" if what else ""
    return f"{table} has no rows{detail} for run {run_id}"


def load_run(con: duckdb.DuckDBPyConnection, run_id: str) -> Run:
    rows = con.execute(
        "select run_id, as_of, started_at, finished_at, status, message, data_vintage from forecast.runs "
        "where run_id = ?",
        [run_id],
    ).fetchall()
    if not rows:
        raise ValueError(f"no forecast run {run_id!r}")
    found, as_of, started_at, finished_at, status, message, vintage_json = rows[0]
    vintage = json.loads(vintage_json) if vintage_json else []
    return Run(
        run_id=str(found),
        as_of=as_of,
        started_at=started_at,
        finished_at=finished_at,
        status=str(status),
        message=message,
        vintage=tuple(dict(entry) for entry in vintage if isinstance(entry, dict)),
    )


def feed_infos(feeds: Sequence[Mapping[str, Any]]) -> tuple[FeedInfo, ...]:
    return tuple(
        FeedInfo(
            feed=str(item["feed"]),
            citation=str(item.get("citation") or "(citation not given)"),
            licence=str(item.get("licence") or "(licence not given)"),
            family=str(item.get("family") or ""),
        )
        for item in feeds
    )
