"""Opening the working database (read-write, migrated) and the published copy (read-only)."""

from __future__ import annotations

import duckdb

from warehouse.migrate import apply_migrations
from warehouse.publish import sweep_stale_temp_files
from warehouse.settings import Settings


class NoPublishedWarehouse(RuntimeError):
    pass


def open_work(settings: Settings) -> duckdb.DuckDBPyConnection:
    settings.ensure()
    sweep_stale_temp_files(settings)
    con = duckdb.connect(str(settings.work_db))
    apply_migrations(con)
    return con


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    path = settings.published_db
    if not path.exists():
        raise NoPublishedWarehouse(f"no published warehouse at {path}; run `infercast refresh` first")
    return duckdb.connect(str(path), read_only=True)
