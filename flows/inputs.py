"""Checks of a command's inputs that need the warehouse: an as-of date must have data behind it.

A run as of a date nothing was known on would "succeed" with empty marts and publish an empty
investor report; these checks stop it first with a message that says what to do.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.db import fetch_first
from warehouse.sqlfiles import read_sql


class NothingKnown(ValueError):
    pass


def check_as_of_not_in_future(as_of: dt.date, today: dt.date | None = None) -> None:
    today = today or dt.datetime.now(dt.UTC).date()
    if as_of > today:
        raise NothingKnown(f"--as-of {as_of} is after today ({today}, UTC): a forecast can only use data already known")


def check_data_known(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dt.date:
    """The earliest observation in staging; NothingKnown when there is none, or none by `as_of`."""
    row = fetch_first(con, read_sql("earliest_observation"))
    earliest = row[0] if row else None
    if earliest is None:
        raise NothingKnown(
            "the warehouse has no data (staging is empty): run `infercast refresh` or `infercast ingest FEED` first; "
            "nothing was published"
        )
    if as_of < earliest:
        raise NothingKnown(
            f"nothing was known on {as_of}: the earliest observation in the warehouse is from {earliest}; "
            "choose a later --as-of (nothing was published)"
        )
    return earliest
