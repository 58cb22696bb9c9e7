"""`--as-of`: a run uses only observations known by that date, and past runs stay."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import stages
from warehouse.connection import open_work
from warehouse.settings import Settings

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    settings = Settings.from_env(tmp_path_factory.mktemp("asof") / "home")
    con = open_work(settings)
    for feed_id in stages.default_feeds():
        stages.ingest_feed(con, settings, feed_id)
    stages.build_marts(con, AS_OF)
    early = stages.fit_forecasts(con, AS_OF)
    yield con, early.notes[0]
    con.close()


def _one(con, query, params=None):
    return con.execute(query, params or []).fetchall()[0][0]


def test_marts_hold_nothing_observed_after_the_as_of_date(warehouse):
    con, _ = warehouse
    assert _one(con, "select max(month) from marts.price_index") <= dt.date(2025, 6, 1)
    assert _one(con, "select max(month) from marts.frontier_price") <= dt.date(2025, 6, 1)
    assert _one(con, "select max(quarter) from marts.installed_compute") <= dt.date(2025, 4, 1)
    assert _one(con, "select max(observed_on) from marts.token_demand") <= AS_OF
    assert _one(con, "select max(period) from marts.reasoning_adoption") <= AS_OF
    # ...while staging itself holds later data (LiteLLM vintages to 2026-01).
    assert _one(con, "select max(observed_on) from staging.token_prices") > AS_OF


def test_the_run_records_its_as_of_and_forecasts_start_after_it(warehouse):
    con, run_id = warehouse
    assert _one(con, "select as_of from forecast.runs where run_id = ?", [run_id]) == AS_OF
    first_price_month = _one(
        con, "select min(ds) from forecast.values where run_id = ? and target = 'price_index'", [run_id]
    )
    assert first_price_month == dt.date(2025, 7, 1)
    decline_end = _one(con, "select max(end_date) from forecast.decline_rates where run_id = ?", [run_id])
    assert decline_end <= AS_OF


def test_a_later_run_keeps_the_earlier_one(warehouse):
    con, early_run = warehouse
    stages.build_marts(con, None)
    later = stages.fit_forecasts(con, dt.date(2026, 1, 31))
    runs = {row[0] for row in con.execute("select run_id from forecast.runs").fetchall()}
    assert {early_run, later.notes[0]} <= runs
    assert _one(con, "select count(*) from forecast.values where run_id = ?", [early_run]) > 0


def test_an_as_of_date_before_a_reference_model_leaves_its_tier_out(warehouse):
    # GPT-4o (2024-05) had no scores in early 2023: its tiers are not defined yet, not an error.
    con, _ = warehouse
    marts = stages.build_marts(con, dt.date(2023, 6, 30))
    assert "gpqa_gpt4o_2024_05" in marts.notes[0]
    tiers = {row[0] for row in con.execute("select tier_id from marts.capability_tiers").fetchall()}
    assert "mmlu_gpt3" in tiers and "gpqa_gpt4o_2024_05" not in tiers
    summary = stages.fit_forecasts(con, dt.date(2023, 6, 30))
    assert summary.rows["forecast.values"] > 0


def test_an_as_of_date_before_any_data_gives_an_empty_run_not_a_crash(warehouse):
    con, _ = warehouse
    stages.build_marts(con, dt.date(2021, 1, 31))
    summary = stages.fit_forecasts(con, dt.date(2021, 1, 31))
    assert summary.rows["forecast.values"] == 0
    run_id = summary.notes[0]
    assert _one(con, "select status from forecast.runs where run_id = ?", [run_id]) == "success"
