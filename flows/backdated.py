"""A backdated forecast (`infercast forecast` or `refresh` with a past `--as-of`) leaves the current
state alone.

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


def render_leaving_current_state(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, as_of: dt.date, today: dt.date
) -> Path:
    """Write a run's report and exports; for a backdated run, into its own folder, and then rebuild
    the marts as of the current date so that the next publish serves them. Returns the HTML path."""
    from flows.stages import build_marts, render_reports

    if not is_backdated(as_of, today):
        return render_reports(con, settings, run_id)
    report_path = render_reports(con, settings, run_id, out_dir=exports_dir(settings, as_of))
    build_marts(con, current_as_of(con, as_of, today))
    return report_path


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
