"""`infercast hindcast` end to end on the bundled history (two as-of dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import stages
from flows.hindcast import hindcast, score_table_rows
from warehouse.connection import open_work
from warehouse.settings import Settings

DATES = [dt.date(2024, 12, 31), dt.date(2025, 6, 30)]


@pytest.fixture(scope="module")
def after(tmp_path_factory):
    settings = Settings.from_env(tmp_path_factory.mktemp("hindcast") / "home")
    con = open_work(settings)
    for feed_id in stages.default_feeds():
        stages.ingest_feed(con, settings, feed_id)
    stages.build_marts(con, None)
    current = stages.fit_forecasts(con, dt.date(2026, 1, 31)).notes[0]
    marts_before = con.execute("select count(*), max(month) from marts.price_index").fetchall()[0]
    runs_before = con.execute("select count(*) from forecast.runs").fetchall()[0][0]
    con.close()
    result = hindcast(settings, DATES)
    con = open_work(settings)
    yield con, result, current, marts_before, runs_before
    con.close()


def test_hindcast_runs_never_enter_forecast_runs_or_change_the_marts(after):
    con, result, current, marts_before, runs_before = after
    assert con.execute("select count(*) from forecast.runs").fetchall()[0][0] == runs_before
    latest = con.execute(
        "select run_id from forecast.runs where status = 'success' order by finished_at desc limit 1"
    ).fetchall()[0][0]
    assert latest == current
    assert con.execute("select count(*), max(month) from marts.price_index").fetchall()[0] == marts_before
    stored = con.execute(
        "select as_of, status from forecast.hindcast_runs where hindcast_id = ? order by as_of", [result.hindcast_id]
    ).fetchall()
    assert stored == [(day, "success") for day in DATES]


def test_points_were_forecast_after_their_as_of_date_and_observed_later(after):
    con, result, *_ = after
    # Price forecasts start the month after the last month known on the as-of date.
    early = con.execute(
        "select count(*) from forecast.hindcast_points where hindcast_id = ? and target = 'price_index' "
        "and ds <= date_trunc('month', as_of)",
        [result.hindcast_id],
    ).fetchall()[0][0]
    assert early == 0
    assert con.execute("select min(lead) from forecast.hindcast_points").fetchall()[0][0] == 1
    methods = {
        row[0]
        for row in con.execute(
            "select distinct method from forecast.hindcast_points where hindcast_id = ? and target = 'price_index'",
            [result.hindcast_id],
        ).fetchall()
    }
    assert methods == {"champion", "naive", "drift_rw"}


def test_scores_cover_every_scored_family_and_print(after):
    con, result, *_ = after
    families = {
        row[0]
        for row in con.execute(
            "select distinct target from forecast.hindcast_scores where hindcast_id = ? and method = 'champion'",
            [result.hindcast_id],
        ).fetchall()
    }
    assert {"price_index", "installed_h100e"} <= families
    naive = con.execute(
        "select min(crps_vs_naive), max(crps_vs_naive) from forecast.hindcast_scores "
        "where hindcast_id = ? and method = 'naive'",
        [result.hindcast_id],
    ).fetchall()[0]
    assert naive == (pytest.approx(1.0), pytest.approx(1.0))
    rows = score_table_rows(result.scores)
    assert any(row[0] == "price_index" and row[1] == "12" for row in rows)
