"""One failing live feed does not stop the others: the run completes as PartialSuccess, the feed is stale."""

from __future__ import annotations

import datetime as dt
import socket

import duckdb
import pytest


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the socket is closed


@pytest.mark.integration
def test_unreachable_feed_ends_in_partial_success(tmp_path, monkeypatch, prefect_harness):
    from flows.refresh import refresh_flow
    from warehouse.settings import Settings

    monkeypatch.setenv("INFERCAST_ENDPOINT_LITELLM", f"http://127.0.0.1:{_closed_port()}/prices.json")
    monkeypatch.setenv("INFERCAST_HTTP_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("INFERCAST_HTTP_BASE_DELAY_S", "0.01")
    settings = Settings.from_env(tmp_path / "home")
    state = refresh_flow(
        home=str(settings.home),
        as_of=dt.date(2025, 12, 31),
        feeds=["epoch_prices", "litellm"],
        mode="live",
        return_state=True,
    )
    assert state.is_completed()
    assert state.name == "PartialSuccess"
    assert "litellm" in (state.message or "") and "stale" in (state.message or "")
    summary = state.result()
    assert summary["status"] == "partial"
    by_feed = {item["feed"]: item for item in summary["ingested"]}
    assert by_feed["litellm"]["status"] == "stale"
    assert by_feed["litellm"]["rows_loaded"] > 10_000  # the bundled history still loaded
    assert by_feed["epoch_prices"]["status"] == "ok"

    con = duckdb.connect(str(settings.published_db), read_only=True)
    try:
        run = con.execute("select status, warnings from meta.flow_runs").fetchall()
        health = con.execute("select feed, stale from marts.feed_status where feed = 'litellm'").fetchall()
        fetch = con.execute("select last_status, last_error from meta.fetch_state").fetchall()
        priced = con.execute("select count(*) from marts.price_index").fetchall()[0][0]
    finally:
        con.close()
    assert run[0][0] == "partial" and "litellm" in run[0][1]
    assert fetch[0][0] == "failed" and "127.0.0.1" in fetch[0][1]
    assert health == [("litellm", True)]
    assert priced > 0  # the rest of the pipeline ran
