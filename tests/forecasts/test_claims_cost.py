"""Per-query claims on cost per task (Q01, Q02) against hand-built marts."""

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest

from forecasts.claims import CONTRADICTED, INCONCLUSIVE, SUPPORTED, evaluate_claims
from forecasts.claims_cost import geometric_ratio_interval
from warehouse.migrate import apply_migrations

D = dt.date
RUN = "run-test"
MONTH = D(2025, 12, 1)


def insert(con: duckdb.DuckDBPyConnection, table: str, **row: Any) -> None:
    con.execute(f"insert into {table} ({', '.join(row)}) values ({', '.join('?' for _ in row)})", list(row.values()))


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    apply_migrations(connection)
    insert(
        connection,
        "forecast.runs",
        run_id=RUN,
        as_of=D(2026, 1, 15),
        started_at=dt.datetime(2026, 1, 15),
        data_vintage="[]",
        status="success",
    )
    return connection


def run(con, model, task, reasoning, cost, score=None, tokens=500.0, price_in=1.0, price_out=4.0, month=MONTH):
    insert(
        con,
        "marts.cost_per_task",
        task=task,
        benchmark="b",
        model=model,
        model_id=model,
        is_reasoning=reasoning,
        month=month,
        samples=10,
        input_tokens_per_sample=100.0,
        output_tokens_per_sample=tokens,
        input_usd_per_mtok=price_in,
        output_usd_per_mtok=price_out,
        output_rate="output",
        cost_usd_per_sample=cost,
        price_choice="first_party",
        price_source="s",
        price_provider="p",
        price_model=model,
        price_observed_on=month,
        score=score,
        tokens_provenance="t",
    )


def per_token(con, factor=10.0, low=3.0, high=30.0):
    insert(
        con,
        "forecast.decline_rates",
        run_id=RUN,
        tier_id="t",
        benchmark="gpqa_diamond",
        threshold_score=50.0,
        n=6,
        start_date=D(2023, 1, 1),
        end_date=D(2025, 1, 1),
        factor_per_year=factor,
        ci90_low=low,
        ci90_high=high,
        r_squared=0.9,
        method="frontier_lows_ols",
    )


def claim(con, claim_id):
    return evaluate_claims(con, RUN).filter(pl.col("claim_id") == claim_id).row(0, named=True)


def test_geometric_ratio_by_hand():
    # Geometric means 4 (2 and 8) and 1 (0.5 and 2): ratio 4; every resample stays within 1..64 / 0.25..4.
    ratio, low, high = geometric_ratio_interval(np.array([2.0, 8.0]), np.array([0.5, 2.0]))
    assert ratio == pytest.approx(4.0)
    assert 1.0 <= low <= ratio <= high <= 16.0


def test_q01_supported_when_reasoning_questions_cost_more_and_tokens_get_cheaper(con):
    per_token(con)
    for name, cost in (("r1", 0.5), ("r2", 0.8), ("r3", 0.6)):
        run(con, name, "OTIS Mock AIME 2024-2025", True, cost)
    for name, cost in (("n1", 0.01), ("n2", 0.02), ("n3", 0.015)):
        run(con, name, "OTIS Mock AIME 2024-2025", False, cost)
    run(con, "old", "OTIS Mock AIME 2024-2025", False, 100.0, month=D(2025, 1, 1))  # not the latest month
    row = claim(con, "Q01")
    assert row["verdict"] == SUPPORTED
    assert row["estimate"] == pytest.approx((0.5 * 0.8 * 0.6) ** (1 / 3) / (0.01 * 0.02 * 0.015) ** (1 / 3))
    assert row["ci90_low"] > 1
    assert "n = 3 reasoning and 3 other runs" in row["evidence"]


def test_q01_contradicted_when_reasoning_questions_are_cheaper_and_inconclusive_with_too_few_runs(con):
    per_token(con)
    for name, cost in (("r1", 0.001), ("r2", 0.002)):
        run(con, name, "GPQA Diamond", True, cost)
    for name, cost in (("n1", 0.5), ("n2", 0.4)):
        run(con, name, "GPQA Diamond", False, cost)
    run(con, "only", "OTIS Mock AIME 2024-2025", True, 1.0)  # one run: this task cannot decide
    row = claim(con, "Q01")
    assert row["verdict"] == CONTRADICTED
    assert "OTIS Mock AIME 2024-2025: too few runs (1 reasoning, 0 other)" in row["evidence"]


def test_q01_without_per_token_declines_is_inconclusive_naming_the_table(con):
    run(con, "r1", "GPQA Diamond", True, 1.0)
    row = claim(con, "Q01")
    assert row["verdict"] == INCONCLUSIVE and "forecast.decline_rates" in row["evidence"]


def test_q02_supported_when_a_cheaper_per_token_reasoning_run_matches_the_best_other_run(con):
    # Blended (3 in + out) / 4: big 2.5x... = (3*2.5 + 10) / 4 = 4.375; small = (3*1.1 + 4.4) / 4 = 1.925.
    run(con, "big", "GPQA Diamond", False, 0.01, score=50.0, tokens=600.0, price_in=2.5, price_out=10.0)
    run(con, "small", "GPQA Diamond", True, 0.02, score=60.0, tokens=5000.0, price_in=1.1, price_out=4.4)
    run(con, "weak", "GPQA Diamond", False, 0.001, score=30.0, tokens=400.0, price_in=0.1, price_out=0.4)
    row = claim(con, "Q02")
    assert row["verdict"] == SUPPORTED
    assert row["estimate"] == pytest.approx(0.5)  # big is matched; weak is cheaper per token than small
    assert "small" in row["evidence"] and "big" in row["evidence"] and "2x its cost per question" in row["evidence"]


def test_q02_contradicted_when_no_reasoning_run_matches(con):
    run(con, "big", "GPQA Diamond", False, 0.01, score=70.0, tokens=600.0, price_in=2.5, price_out=10.0)
    run(con, "small", "GPQA Diamond", True, 0.02, score=60.0, tokens=5000.0, price_in=1.1, price_out=4.4)
    assert claim(con, "Q02")["verdict"] == CONTRADICTED
