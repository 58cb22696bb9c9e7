"""A backdated forecast (`infercast forecast --as-of` a past date) leaves the current state alone.

Its report and exports go to their own folder, `exports/as-of-<date>/`, and once they are
written the marts are rebuilt as of the current date, so the published copy keeps serving the
current marts; the run itself is kept in `forecast.*` like every run, and it becomes "latest"
only if no successful run has a later as-of (see `forecast.latest_successful_run`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from warehouse.settings import Settings


def is_backdated(as_of: dt.date, today: dt.date) -> bool:
    return as_of < today


def exports_dir(settings: Settings, as_of: dt.date) -> Path:
    return settings.exports_dir / f"as-of-{as_of.isoformat()}"


def current_as_of(con: duckdb.DuckDBPyConnection, backdated_as_of: dt.date, today: dt.date) -> dt.date:
    """The as-of the current marts are built at: the latest successful run's, if later than the
    backdated one, else today (what a plain `forecast` or `refresh` builds)."""
    rows = con.sql("select as_of from forecast.latest_successful_run").fetchall()
    latest = rows[0][0] if rows else None
    return latest if latest is not None and latest > backdated_as_of else today
