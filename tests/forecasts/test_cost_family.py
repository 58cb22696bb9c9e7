"""Cost-per-task decline factors next to the per-token factor, and the engine job."""

import datetime as dt
import math

import polars as pl
import pytest

from forecasts.cost_family import METHOD, TARGET, contiguous_tail, cost_decline_rows, cost_jobs

D = dt.date
TIERS = pl.DataFrame(
    {
        "tier_id": ["gpqa_x", "gpqa_high", "mmlu_x"],
        "benchmark": ["gpqa_diamond", "gpqa_diamond", "mmlu"],
        "threshold_model": ["X", "Y", "Z"],
        "threshold_score": [50.0, 90.0, 70.0],
        "label": ["x", "high", "z"],
    }
)


def _cost(rows):
    """rows: (model, price_observed_on, version_released_on, cost, score)."""
    return pl.DataFrame(
        [
            {
                "task": "GPQA Diamond",
                "benchmark": "gpqa_diamond",
                "model": m,
                "price_observed_on": p,
                "version_released_on": v,
                "cost_usd_per_sample": c,
                "score": s,
                "price_provider": "p",
                "price_model": f"p/{m}",
            }
            for m, p, v, c, s in rows
        ],
        schema_overrides={"version_released_on": pl.Date},
    )


# Lows at threshold 50, one per year, each a quarter of the last: factor exactly 4 per year.
# "late" is observed before its snapshot's release (2024-01-01): its date is the release, so it is the
# 2024 low, and "dear" (more expensive) and "weak" (below the threshold) are never lows.
COST = _cost(
    [
        ("first", D(2023, 1, 1), None, 0.04, 60.0),
        ("dear", D(2023, 6, 1), None, 0.05, 70.0),
        ("late", D(2022, 6, 1), D(2024, 1, 1), 0.01, 55.0),
        ("weak", D(2024, 6, 1), None, 0.0001, 40.0),
        ("third", D(2025, 1, 1), None, 0.0025, 52.0),
    ]
)
PER_TOKEN = pl.DataFrame(
    {
        "tier_id": ["gpqa_x", "gpqa_x"],
        "method": ["frontier_lows_ols", "monthly_index_loglinear_ols_hac"],
        "factor_per_year": [8.0, 3.0],
        "ci90_low": [2.0, 1.5],
        "ci90_high": [30.0, 6.0],
        "n": [5, 24],
    }
)


def test_cost_decline_uses_the_frontier_lows_and_compares_with_the_per_token_factor():
    rows = {r["tier_id"]: r for r in cost_decline_rows(COST, TIERS, PER_TOKEN).to_dicts()}
    assert set(rows) == {"gpqa_x", "gpqa_high"}  # no token counts for MMLU
    fitted = rows["gpqa_x"]
    assert fitted["n"] == 3 and fitted["start_date"] == D(2023, 1, 1) and fitted["end_date"] == D(2025, 1, 1)
    # 2024 is a leap year: the lows are 1.0 and 2.0027 years apart, not exactly 1 and 2.
    assert fitted["factor_per_year"] == pytest.approx(4.0, rel=2e-3)
    assert fitted["r_squared"] == pytest.approx(1.0, abs=1e-6)
    assert fitted["method"] == METHOD
    assert fitted["per_token_factor_per_year"] == 8.0 and fitted["per_token_n"] == 5
    assert fitted["per_task_to_per_token_ratio"] == pytest.approx(fitted["factor_per_year"] / 8.0)
    assert fitted["note"] is None
    assert fitted["last_low"] == "third: $0.0025 per question at p p/third (price of 2025-01-01)"
    assert fitted["factor_without_last_low"] is None  # two lows left: no refit


def test_a_tier_with_too_few_lows_says_why_and_keeps_a_null_factor():
    row = next(r for r in cost_decline_rows(COST, TIERS, PER_TOKEN).to_dicts() if r["tier_id"] == "gpqa_high")
    assert row["factor_per_year"] is None and row["per_task_to_per_token_ratio"] is None
    assert "only 0 frontier low(s) at or above 90" in row["note"]
    assert "per token: no frontier-lows result" in row["note"]


def test_the_engine_job_holds_one_monthly_series_per_tier():
    index = pl.DataFrame(
        {
            "tier_id": ["a", "a", "b"],
            "month": [D(2025, 2, 1), D(2025, 1, 1), D(2025, 1, 1)],
            "cheapest_cost_usd_per_sample": [0.5, 1.0, 2.0],
        }
    )
    (job,) = cost_jobs(index)
    assert job.target == TARGET and job.unit == "usd_per_sample" and job.freq == "month"
    assert job.series["a"]["y"].to_list() == [1.0, 0.5]  # sorted by month
    assert job.series["a"].columns == ["ds", "y"]
    assert cost_jobs(index.head(0)) == []
    assert math.isclose(job.series["b"]["y"][0], 2.0)


def test_a_series_with_a_gap_starts_after_its_last_gap():
    months = [D(2023, 3, 1), D(2023, 4, 1), D(2024, 1, 1), D(2024, 2, 1), D(2024, 4, 1), D(2024, 5, 1)]
    series = pl.DataFrame({"ds": months, "y": [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]})
    assert contiguous_tail(series)["ds"].to_list() == [D(2024, 4, 1), D(2024, 5, 1)]
    whole = series.head(2)
    assert contiguous_tail(whole).equals(whole)


def test_the_factor_without_the_last_low_shows_one_row_deciding_it():
    # Lows 1.0 -> 0.5 -> 0.25 a year apart (factor 2), then a mispriced 1e-6 a year later.
    cost = _cost(
        [
            ("a", D(2021, 1, 1), None, 1.0, 60.0),
            ("b", D(2022, 1, 1), None, 0.5, 60.0),
            ("c", D(2023, 1, 1), None, 0.25, 60.0),
            ("glitch", D(2024, 1, 1), None, 1e-6, 60.0),
        ]
    )
    row = next(r for r in cost_decline_rows(cost, TIERS, PER_TOKEN).to_dicts() if r["tier_id"] == "gpqa_x")
    assert row["factor_per_year"] > 50
    assert row["factor_without_last_low"] == pytest.approx(2.0, rel=2e-3)
