"""Where a report's numbers come from: the forecast run and the batches of each feed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

# The latest loaded batch per feed and source, as in warehouse/sql/data_vintage.sql, plus the
# time the load finished ("loaded at") next to the time the payload was fetched.
LATEST_LOADED_BATCHES = """
with loaded_batches as (
    select
        feed, source, batch_id, fetched_at, finished_at, sha256, rows_loaded,
        row_number() over (partition by feed, source order by fetched_at desc, batch_id desc) as recency
    from meta.ingest_batches
    where status = 'loaded'
)
select feed, source, batch_id, fetched_at, finished_at, sha256, rows_loaded
from loaded_batches
where recency = 1
order by feed, source
"""


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    as_of: dt.date
    status: str
    batch_ids: frozenset[str]


@dataclass(frozen=True)
class BatchProvenance:
    feed: str
    citation: str
    licence: str
    source: str | None
    batch_id: str | None
    fetched_at: dt.datetime | None
    loaded_at: dt.datetime | None
    sha256: str | None
    rows_loaded: int | None
    used_by_run: bool | None


def run_info(con: duckdb.DuckDBPyConnection, run_id: str) -> RunInfo:
    rows = con.execute(
        "select run_id, as_of, status, data_vintage from forecast.runs where run_id = ?", [run_id]
    ).fetchall()
    if not rows:
        raise ValueError(f"no forecast run {run_id!r}")
    found, as_of, status, vintage_json = rows[0]
    vintage = json.loads(vintage_json) if vintage_json else []
    batch_ids = frozenset(str(entry["batch_id"]) for entry in vintage if entry.get("batch_id"))
    return RunInfo(str(found), as_of, str(status), batch_ids)


def batch_provenance(
    con: duckdb.DuckDBPyConnection,
    feeds_provenance: Sequence[Mapping[str, str]],
    run: RunInfo | None = None,
) -> list[BatchProvenance]:
    """One row per feed and source with its latest loaded batch, and the feed's citation and licence.

    Feeds named in `feeds_provenance` that never loaded get a row without a batch, so a report
    still credits them; feeds that loaded but are not named get an explicit "not given".
    """
    credits = {str(item["feed"]): item for item in feeds_provenance}
    rows: list[BatchProvenance] = []
    loaded_feeds: set[str] = set()
    for feed, source, batch_id, fetched_at, finished_at, sha256, rows_loaded in con.execute(
        LATEST_LOADED_BATCHES
    ).fetchall():
        loaded_feeds.add(feed)
        credit = credits.get(feed, {})
        rows.append(
            BatchProvenance(
                feed=feed,
                citation=str(credit.get("citation", "(not given)")),
                licence=str(credit.get("licence", "(not given)")),
                source=source,
                batch_id=batch_id,
                fetched_at=fetched_at,
                loaded_at=finished_at,
                sha256=sha256,
                rows_loaded=rows_loaded,
                used_by_run=None if run is None else batch_id in run.batch_ids,
            )
        )
    for feed, credit in credits.items():
        if feed not in loaded_feeds:
            rows.append(
                BatchProvenance(
                    feed=feed,
                    citation=str(credit.get("citation", "")),
                    licence=str(credit.get("licence", "")),
                    source=None,
                    batch_id=None,
                    fetched_at=None,
                    loaded_at=None,
                    sha256=None,
                    rows_loaded=None,
                    used_by_run=None,
                )
            )
    return sorted(rows, key=lambda row: (row.feed, row.source or ""))
