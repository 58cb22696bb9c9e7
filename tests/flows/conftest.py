"""Fixtures shared by the CLI tests."""

from __future__ import annotations

import pytest

from flows.stages import ingest_feed
from warehouse.connection import open_work
from warehouse.publish import publish
from warehouse.settings import Settings


@pytest.fixture(scope="session")
def published_prices(tmp_path_factory) -> Settings:
    """A home whose published warehouse holds the bundled Epoch prices (read, never written, by tests)."""
    settings = Settings.from_env(tmp_path_factory.mktemp("cli-sql") / "home")
    con = open_work(settings)
    ingest_feed(con, settings, "epoch_prices")
    con.close()
    publish(settings)
    return settings
