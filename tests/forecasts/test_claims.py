import datetime as dt
import math
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from scipy import stats

from forecasts.claims import (
    CLAIMS_SCHEMA,
    CONTRADICTED,
    DEFAULT_CLAIMS_FILE,
    EVALUATORS,
    INCONCLUSIVE,
    NOT_TESTABLE,
    SUPPORTED,
    evaluate_claims,
    jeffreys_interval,
    load_claims,
    lognormal_from_bands,
)
from warehouse.migrate import apply_migrations

D = dt.date
RUN = "run-test"
Z80, Z90, Z95 = stats.norm.ppf(0.90), stats.norm.ppf(0.95), stats.norm.ppf(0.975)


def insert(con: duckdb.DuckDBPyConnection, table: str, **row: Any) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values()))


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
    insert(
        connection,
        "meta.ingest_batches",
        batch_id="b1",
        feed="epoch_models",
        source="fixture",
        fetched_at=dt.datetime(2025, 12, 31),
        sha256="0",
        rows_in=0,
        rows_loaded=0,
        rows_quarantined=0,
        rows_duplicate=0,
        status="ok",
        finished_at=dt.datetime(2025, 12, 31),
    )
    return connection


def claim(con: duckdb.DuckDBPyConnection, claim_id: str) -> dict[str, Any]:
    frame = evaluate_claims(con, RUN)
    return frame.filter(pl.col("claim_id") == claim_id).row(0, named=True)


def lognormal_row(con, target: str, series_id: str, ds: D, median: float, sigma: float, model: str = "m") -> None:
    """A forecast.values row whose bounds are exactly those of a lognormal(ln median, sigma)."""
    insert(
        con,
        "forecast.values",
        run_id=RUN,
        target=target,
        series_id=series_id,
        model=model,
        ds=ds,
        median=median,
        lo_80=median * math.exp(-Z80 * sigma),
        hi_80=median * math.exp(Z80 * sigma),
        lo_95=median * math.exp(-Z95 * sigma),
        hi_95=median * math.exp(Z95 * sigma),
        unit="u",
    )


# --- registry and the whole table ------------------------------------------------------------


def test_registry_lists_eleven_claims_with_known_evaluators():
    attribution, claims = load_claims()
    assert "2026 article on inference scaling" in attribution
    assert [c.id for c in claims if c.id.startswith("C")] == [f"C{i:02d}" for i in range(1, 12)]
    assert all(c.evaluator in EVALUATORS and c.verdict_rule for c in claims)
    # Claims our data cannot settle name the data that would.
    for claim_id in ("C03", "C04", "C07", "C09", "C10", "C11"):
        assert next(c for c in claims if c.id == claim_id).data_needed


def test_unknown_evaluator_is_refused(tmp_path: Path):
    path = tmp_path / "claims.toml"
    path.write_text(
        'attribution = "x"\n[[claim]]\nid = "X"\ntext = "t"\nmetric = "m"\nevaluator = "nope"\nverdict_rule = "r"\n'
    )
    with pytest.raises(ValueError, match="unknown evaluator"):
        load_claims(path)


def test_an_empty_run_gives_a_verdict_for_every_claim_and_never_raises(con):
    frame = evaluate_claims(con, RUN)
    assert frame.schema == pl.Schema(CLAIMS_SCHEMA)
    assert frame.height == len(load_claims()[1])
    assert all(
        text.endswith("(claim in a widely circulated 2026 article on inference scaling vs test-time compute)")
        for text in frame["claim_text"]
    )
    verdicts = dict(zip(frame["claim_id"], frame["verdict"], strict=True))
    # Missing inputs: inconclusive, naming the missing table.
    for claim_id in ("C01", "C02", "C05", "C06", "C07", "C08"):
        assert verdicts[claim_id] == INCONCLUSIVE
    row = frame.filter(pl.col("claim_id") == "C01").row(0, named=True)
    assert "forecast.decline_rates" in row["evidence"] and "step_decline_pooled" in row["data_needed"]
    for claim_id in ("C03", "C04", "C09", "C10", "C11"):
        assert verdicts[claim_id] == NOT_TESTABLE


# --- C01: decline rate -----------------------------------------------------------------------


def decline(con, tier: str, factor: float, low: float, high: float, method: str = "step_decline_pooled") -> None:
    insert(
        con,
        "forecast.decline_rates",
        run_id=RUN,
        tier_id=tier,
        benchmark="mmlu",
        threshold_score=70.0,
        n=6,
        start_date=D(2023, 1, 1),
        end_date=D(2025, 1, 1),
        factor_per_year=factor,
        ci90_low=low,
        ci90_high=high,
        r_squared=0.9,
        method=method,
    )


def test_c01_supported_when_the_claimed_rate_is_inside_the_median_tier_interval(con):
    decline(con, "a", 2.0, 1.5, 3.0)
    decline(con, "b", 2.5, 1.8, 3.5)
    decline(con, "c", 10.0, 5.0, 20.0)
    row = claim(con, "C01")
    # Medians: factor 2.5, lower 1.8, upper 3.5; claimed (1/0.08)^(1/3) = 2.32.
    assert (row["estimate"], row["ci90_low"], row["ci90_high"]) == (2.5, 1.8, 3.5)
    assert row["verdict"] == SUPPORTED
    assert "1 tier(s) decline significantly faster than claimed, 2 are consistent" in row["evidence"]


def test_c01_contradicted_when_prices_fall_much_faster(con):
    decline(con, "a", 10.0, 5.0, 20.0)
    decline(con, "b", 50.0, 20.0, 100.0)
    decline(con, "c", 900.0, 100.0, 5000.0)
    decline(con, "a", 1.0, 0.5, 2.0, method="frontier_lows_ols")  # the cross-check, not the estimate
    row = claim(con, "C01")
    assert (row["estimate"], row["ci90_low"], row["ci90_high"]) == (50.0, 20.0, 100.0)
    assert row["verdict"] == CONTRADICTED
    assert "understates" in row["evidence"] and "Cross-check" in row["evidence"]
    # 50x a year for 3 years leaves 50**-3 = 0.0008% of the price (main printed "falls by 99.9992%").
    assert "a price falls to 0.0008% of its level in 3 years (a fall of more than 99.9%)" in row["evidence"]
    assert row["data_needed"] is None


def test_c01_contradicted_when_prices_fall_slower(con):
    decline(con, "a", 1.2, 1.1, 1.4)
    decline(con, "b", 1.5, 1.2, 1.9)
    row = claim(con, "C01")
    # Medians of two tiers: factor 1.35, bounds 1.15 and 1.65, all below 2.32.
    assert (row["estimate"], row["ci90_low"], row["ci90_high"]) == (
        pytest.approx(1.35),
        pytest.approx(1.15),
        pytest.approx(1.65),
    )
    assert row["verdict"] == CONTRADICTED and "overstates" in row["evidence"]
    assert "2 decline significantly slower" in row["evidence"]


def test_c01_only_other_method_is_missing_input(con):
    decline(con, "a", 10.0, 5.0, 20.0, method="monthly_index_loglinear_ols_hac")
    row = claim(con, "C01")
    assert row["verdict"] == INCONCLUSIVE and "Missing input" in row["evidence"]


# --- C02: does the decline continue ----------------------------------------------------------


def price_tier(con, tier: str, today: float, median_24: float, sigma: float) -> None:
    insert(
        con,
        "marts.price_index",
        tier_id=tier,
        benchmark="mmlu",
        threshold_score=70.0,
        month=D(2025, 12, 1),
        cheapest_blended_usd_per_mtok=today,
        cheapest_model="m",
        price_observed_on=D(2025, 12, 1),
        qualifying_models=1,
    )
    lognormal_row(con, "price_index", tier, D(2026, 1, 1), today, sigma)
    lognormal_row(con, "price_index", tier, D(2027, 12, 1), median_24, sigma)  # 24 months after 2025-12
    lognormal_row(con, "price_index", tier, D(2029, 12, 1), 100 * today, sigma)  # beyond 36 months: ignored


def test_c02_probability_from_the_forecast_distribution(con):
    price_tier(con, "a", 1.0, 0.1, 1.0)
    row = claim(con, "C02")
    # At 24 months the claimed rate leaves 0.08^(2/3) of today's price; log-sd 1.
    expected = stats.norm.cdf(math.log(0.08 ** (2 / 3)) - math.log(0.1))
    assert row["estimate"] == pytest.approx(expected)
    assert 0.2 < expected < 0.8 and row["verdict"] == INCONCLUSIVE
    assert "24 months" in row["evidence"]


def test_c02_median_across_tiers_and_supported(con):
    price_tier(con, "a", 1.0, 0.01, 1.0)  # P = Phi(ln 18.57) ~ 0.998
    price_tier(con, "b", 2.0, 0.02, 1.0)  # same relative path
    price_tier(con, "c", 1.0, 1.0, 0.5)  # no decline expected: P = Phi(ln 0.186 / 0.5) ~ 0.0004
    row = claim(con, "C02")
    assert row["estimate"] == pytest.approx(stats.norm.cdf(math.log(0.08 ** (2 / 3) / 0.01)))
    assert row["verdict"] == SUPPORTED


def test_c02_contradicted_when_no_decline_is_expected(con):
    price_tier(con, "a", 1.0, 1.0, 0.3)
    assert claim(con, "C02")["verdict"] == CONTRADICTED


def test_lognormal_reading_recovers_sigma():
    mu, sigma = lognormal_from_bands(
        2.0, 2 * math.exp(-Z80 * 0.7), 2 * math.exp(Z80 * 0.7), 2 * math.exp(-Z95 * 0.7), 2 * math.exp(Z95 * 0.7)
    )
    assert (mu, sigma) == (pytest.approx(math.log(2.0)), pytest.approx(0.7))


# --- C03, C04: chip revenue context ----------------------------------------------------------


def test_c03_not_testable_reports_the_2026_revenue_sum_as_context(con):
    for month in (1, 4, 7, 10):
        lognormal_row(con, "nvidia_datacenter_revenue", "Nvidia", D(2026, month, 1), 10e9, 0.1)
    lognormal_row(con, "nvidia_datacenter_revenue", "Nvidia", D(2027, 1, 1), 99e9, 0.1)  # other year
    row = claim(con, "C03")
    assert row["verdict"] == NOT_TESTABLE
    assert row["estimate"] == pytest.approx(40e9)
    assert row["ci90_low"] == pytest.approx(40e9 * math.exp(-Z90 * 0.1))
    assert row["ci90_high"] == pytest.approx(40e9 * math.exp(Z90 * 0.1))
    assert "125% of the median" in row["evidence"]
    assert "inference-optimized" in row["data_needed"]


def test_c04_partial_horizon_gives_no_estimate(con):
    for month in (1, 4, 7):
        lognormal_row(con, "nvidia_datacenter_revenue", "Nvidia", D(2026, month, 1), 10e9, 0.1)
    row = claim(con, "C04")
    assert row["verdict"] == NOT_TESTABLE and row["estimate"] is None
    assert "only 3 of the 8" in row["evidence"] and "$30B" in row["evidence"]
    assert "bookings" in row["data_needed"]


# --- C05: token demand growth ----------------------------------------------------------------


def growth(con, series_id: str, factor: float, low: float, high: float, n: int) -> None:
    insert(
        con,
        "forecast.growth_rates",
        run_id=RUN,
        target="token_demand",
        series_id=series_id,
        factor_per_year=factor,
        ci90_low=low,
        ci90_high=high,
        n=n,
        start_date=D(2024, 4, 15),
        end_date=D(2025, 9, 30),
        method="ols",
    )


def test_c05_uses_the_series_with_most_reports(con):
    growth(con, "OpenAI", 1.5, 1.2, 1.9, 3)
    growth(con, "Google", 32.0, 16.0, 63.0, 4)
    row = claim(con, "C05")
    assert (row["estimate"], row["ci90_low"], row["ci90_high"]) == (32.0, 16.0, 63.0)
    assert row["verdict"] == SUPPORTED and "OpenAI: 1.5x" in row["evidence"]


def test_c05_contradicted_below_doubling(con):
    growth(con, "OpenAI", 1.5, 1.2, 1.9, 3)
    assert claim(con, "C05")["verdict"] == CONTRADICTED


# --- C06, C07: reasoning tokens --------------------------------------------------------------


def multiplier(con, task: str, reasoning: float, other: float, low: float | None, high: float | None) -> None:
    insert(
        con,
        "forecast.token_multiplier",
        run_id=RUN,
        task=task,
        n_reasoning_models=3,
        n_other_models=4,
        multiplier=reasoning / other,
        ci90_low=low,
        ci90_high=high,
        reasoning_output_tokens_per_sample=reasoning,
        other_output_tokens_per_sample=other,
    )


def test_c06_supported_when_the_excess_is_in_the_thousands(con):
    multiplier(con, "GPQA Diamond", 2500.0, 400.0, 4.0, 9.0)
    multiplier(con, "all", 2500.0, 500.0, 3.5, 8.0)
    row = claim(con, "C06")
    # Excess = 500 x (5 - 1) = 2000; interval 500 x (3.5 - 1) .. 500 x (8 - 1).
    assert (row["estimate"], row["ci90_low"], row["ci90_high"]) == (2000.0, 1250.0, 3500.0)
    assert row["verdict"] == SUPPORTED


def test_c06_contradicted_when_even_total_output_is_below_a_thousand(con):
    multiplier(con, "GPQA Diamond", 800.0, 400.0, 1.5, 2.5)
    multiplier(con, "MATH level 5", 900.0, 450.0, 1.5, 2.5)
    multiplier(con, "all", 850.0, 425.0, 1.5, 2.5)
    assert claim(con, "C06")["verdict"] == CONTRADICTED


def test_c06_without_an_all_row_is_missing_input(con):
    multiplier(con, "GPQA Diamond", 2500.0, 400.0, None, None)
    row = claim(con, "C06")
    assert row["verdict"] == INCONCLUSIVE and "task 'all'" in row["evidence"]


def test_c07_reads_the_hardest_task_and_stays_inconclusive(con):
    multiplier(con, "GPQA Diamond", 2500.0, 400.0, 4.0, 9.0)
    multiplier(con, "OTIS Mock AIME 2024-2025", 6400.0, 800.0, 4.0, 14.0)
    multiplier(con, "all", 3400.0, 550.0, 3.9, 9.4)
    row = claim(con, "C07")
    assert row["estimate"] == 6400.0 and row["verdict"] == INCONCLUSIVE
    assert "OTIS Mock AIME 2024-2025" in row["evidence"] and "within a factor of 2" in row["evidence"]
    assert "simple" in row["data_needed"]


# --- C08: adoption by organization -----------------------------------------------------------


def adoption(con, period: D, organization: str, n: int, k: int, unknown: int = 0) -> None:
    insert(
        con,
        "marts.reasoning_adoption",
        period_type="quarter",
        period=period,
        organization=organization,
        n_releases=n + unknown,
        n_flag_known=n,
        n_reasoning=k,
        n_unknown=unknown,
    )


def open_models(con, count: int, reasoning: int) -> None:
    for i in range(count):
        insert(
            con,
            "staging.models",
            source="epoch_notable_models",
            model_id=f"open-{i}",
            model_name=f"Open {i}",
            organization="Meta AI",
            released_on=D(2025, 5, 1),
            open_weights=True,
            is_reasoning=i < reasoning,
            provenance="fixture",
            batch_id="b1",
        )
    insert(
        con,
        "staging.models",
        source="litellm",
        model_id="closed",
        model_name="Closed",
        organization="OpenAI",
        released_on=D(2025, 5, 1),
        open_weights=False,
        is_reasoning=False,
        provenance="fixture",
        batch_id="b1",
    )


def adoption_fixture(con, openai_reasoning: int) -> None:
    # Five quarters: only the latest four count.
    adoption(con, D(2024, 10, 1), "all", 10, 0)
    adoption(con, D(2024, 10, 1), "OpenAI", 10, 0)
    for period in (D(2025, 1, 1), D(2025, 4, 1), D(2025, 7, 1), D(2025, 10, 1)):
        adoption(con, period, "all", 9, 9)
    adoption(con, D(2025, 4, 1), "OpenAI", 10, openai_reasoning, unknown=2)
    adoption(con, D(2025, 7, 1), "Anthropic", 10, 10)
    adoption(con, D(2025, 1, 1), "Google DeepMind", 6, 6)
    adoption(con, D(2025, 10, 1), "Google,Stanford University", 4, 4)
    adoption(con, D(2026, 4, 1), "all", 50, 0)  # after the run's as-of date: ignored


def test_c08_supported_when_every_group_mostly_reasons(con):
    adoption_fixture(con, openai_reasoning=10)
    open_models(con, 10, 10)
    row = claim(con, "C08")
    assert row["verdict"] == SUPPORTED
    assert "OpenAI: 10/10" in row["evidence"] and "Google: 10/10" in row["evidence"]
    assert "open models: 10/10" in row["evidence"]
    assert (row["ci90_low"], row["ci90_high"]) == (pytest.approx(jeffreys_interval(10, 10)[0]), 1.0)


def test_c08_contradicted_when_one_group_rarely_reasons(con):
    adoption_fixture(con, openai_reasoning=1)
    open_models(con, 10, 10)
    row = claim(con, "C08")
    assert row["verdict"] == CONTRADICTED
    assert row["estimate"] == pytest.approx(0.1)
    low, high = jeffreys_interval(1, 10)
    assert (row["ci90_low"], row["ci90_high"]) == (pytest.approx(low), pytest.approx(high)) and high < 0.5


def test_c08_inconclusive_without_open_weights_data(con):
    adoption_fixture(con, openai_reasoning=10)
    row = claim(con, "C08")
    assert row["verdict"] == INCONCLUSIVE and "open_weights" in row["evidence"]


def test_jeffreys_interval_by_hand():
    low, high = jeffreys_interval(3, 10)
    assert low == pytest.approx(stats.beta.ppf(0.05, 3.5, 7.5))
    assert high == pytest.approx(stats.beta.ppf(0.95, 3.5, 7.5))
    assert jeffreys_interval(0, 5)[0] == 0.0 and jeffreys_interval(5, 5)[1] == 1.0


# --- C09-C11 ---------------------------------------------------------------------------------


def test_c09_quotes_the_specs_present_but_is_not_testable(con):
    insert(
        con,
        "staging.hardware_specs",
        chip="NVIDIA Rubin CPX",
        vendor="Nvidia",
        chip_type="GPU",
        fp4_flop_per_s=3e16,
        provenance="f",
        batch_id="b1",
    )
    insert(
        con,
        "staging.hardware_specs",
        chip="NVIDIA B200",
        vendor="Nvidia",
        chip_type="GPU",
        fp4_flop_per_s=9e15,
        provenance="f",
        batch_id="b1",
    )
    insert(
        con,
        "staging.hardware_specs",
        chip="NVIDIA H100 SXM5 80GB",
        vendor="Nvidia",
        chip_type="GPU",
        provenance="f",
        batch_id="b1",
    )
    row = claim(con, "C09")
    assert row["verdict"] == NOT_TESTABLE and row["estimate"] is None
    assert "NVIDIA Rubin CPX (no release date; peak FLOP/s: FP4 3e+16)" in row["evidence"]
    assert "NVIDIA B200" in row["evidence"] and "H100" not in row["evidence"]
    assert "MLPerf" in row["data_needed"]


def test_c10_not_testable_without_aime_scores_and_inconclusive_with_one(con):
    insert(
        con,
        "staging.model_capabilities",
        source="s",
        model="DeepSeek-R1",
        observed_on=D(2025, 1, 20),
        benchmark="gpqa_diamond",
        score=71.5,
        provenance="f",
        batch_id="b1",
    )
    row = claim(con, "C10")
    assert row["verdict"] == NOT_TESTABLE and "gpqa_diamond" in row["evidence"]
    insert(
        con,
        "staging.model_capabilities",
        source="s",
        model="DeepSeek R1",
        observed_on=D(2025, 1, 20),
        benchmark="aime_2024",
        score=79.8,
        provenance="f",
        batch_id="b1",
    )
    row = claim(con, "C10")
    assert row["verdict"] == INCONCLUSIVE and row["estimate"] == 79.8


def test_c11_is_not_testable_and_names_the_data(con):
    row = claim(con, "C11")
    assert row["verdict"] == NOT_TESTABLE and "7B" in row["data_needed"]


def test_default_registry_path_is_the_shipped_file():
    assert DEFAULT_CLAIMS_FILE.name == "claims.toml" and DEFAULT_CLAIMS_FILE.exists()
