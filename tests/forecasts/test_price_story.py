"""The price-story check: headline decline, price forecast and claims C01/C02 agree."""

import datetime as dt

import duckdb
import polars as pl
import pytest

from forecasts.price_story import implied_annual_factors, price_story_checks
from warehouse.migrate import apply_migrations

RUN = "run-test"


def _index(price=10.0):
    return pl.DataFrame({"tier_id": ["t1"], "month": [dt.date(2025, 12, 1)], "cheapest_blended_usd_per_mtok": [price]})


def _values(medians):
    return pl.DataFrame(
        {
            "series_id": ["t1"] * len(medians),
            "model": ["step_decline"] * len(medians),
            "ds": [dt.date(2026 + (m // 12), m % 12 + 1, 1) for m in range(len(medians))],
            "mean": medians,
        }
    )


def test_implied_factor_is_last_value_over_the_median_a_year_on():
    factors = implied_annual_factors(_values([10.0] * 11 + [2.5, 2.0]), _index(10.0))
    assert factors == {"t1": pytest.approx(4.0)}
    # Fewer than twelve months of forecast: no implied annual factor.
    assert implied_annual_factors(_values([10.0] * 6), _index()) == {}


@pytest.fixture()
def con():
    connection = duckdb.connect()
    apply_migrations(connection)
    yield connection
    connection.close()


def _load(con, factor, low, high, medians, c01=None, c02=None):
    con.register("index_frame", _index(10.0))
    con.execute(
        "insert into marts.price_index by name select tier_id, month, cheapest_blended_usd_per_mtok, "
        "'gpqa' as benchmark, 0.5 as threshold_score, 'm' as cheapest_model, month as price_observed_on, "
        "1 as qualifying_models from index_frame"
    )
    con.execute(
        "insert into forecast.decline_rates values (?, 't1', 'gpqa', null, 0.5, 24, '2024-01-01', "
        "'2025-12-01', ?, ?, ?, 'nan', 'step_decline_pooled')",
        [RUN, factor, low, high],
    )
    values = (
        _values(medians)
        .with_columns(
            run_id=pl.lit(RUN),
            target=pl.lit("price_index"),
            lo_80=pl.col("mean"),
            hi_80=pl.col("mean"),
            lo_95=pl.col("mean"),
            hi_95=pl.col("mean"),
            unit=pl.lit("usd_per_mtok"),
        )
        .rename({"mean": "median"})
    )  # the stored name (migration 015)
    con.register("values_frame", values)
    con.execute("insert into forecast.values by name select * from values_frame")
    for claim_id, claim in (("C01", c01), ("C02", c02)):
        if claim is not None:
            verdict, estimate, low_ci, high_ci = claim
            con.execute(
                "insert into forecast.claims (run_id, claim_id, claim_text, metric, estimate, ci90_low, ci90_high, "
                "verdict, evidence) values (?, ?, 'text', 'metric', ?, ?, ?, ?, 'evidence')",
                [RUN, claim_id, estimate, low_ci, high_ci, verdict],
            )


def test_a_flat_forecast_under_a_declining_headline_fails(con):
    _load(con, 10.0, 5.0, 20.0, [10.0] * 24)
    checks = price_story_checks(con, RUN)
    row = checks.filter(pl.col("check_id") == "price_forecast_matches_headline").row(0, named=True)
    assert row["passed"] is False
    assert row["observed"] == pytest.approx(1.0)
    assert "disagree" in row["message"]


def test_a_forecast_declining_at_the_headline_rate_passes(con):
    _load(con, 10.0, 5.0, 20.0, [10.0 * 0.1 ** ((m + 1) / 12) for m in range(24)])
    row = price_story_checks(con, RUN).row(0, named=True)
    assert row["passed"] is True and row["observed"] == pytest.approx(10.0)


def test_claims_that_contradict_each_other_fail(con):
    # C01: measured 10x/yr with CI 5x..20x, far faster than the claimed 2.32x; C02 says the claimed
    # decline will not continue — the two cannot both hold.
    _load(con, 10.0, 5.0, 20.0, [1.0] * 24, c01=("contradicted", 10.0, 5.0, 20.0), c02=("contradicted", 0.1, 0.0, 0.2))
    row = price_story_checks(con, RUN).filter(pl.col("check_id") == "price_claims_agree").row(0, named=True)
    assert row["passed"] is False
    con.execute("update forecast.claims set verdict = 'supported' where claim_id = 'C02'")
    row = price_story_checks(con, RUN).filter(pl.col("check_id") == "price_claims_agree").row(0, named=True)
    assert row["passed"] is True
