"""Cost per task: hand-built token counts and prices with hand-computed costs."""

import datetime as dt

import polars as pl
import pytest

from transforms.cost_per_task import (
    CHEAPEST_CREDIBLE,
    FIRST_PARTY,
    build_cost_per_task,
    effort_variant,
    variant_key,
    version_date,
)
from transforms.cost_quality import cost_per_task_index, cost_quality_frontier

D = dt.date
TASKS = {"GPQA Diamond": "gpqa_diamond"}


def _usage(rows):
    """rows: (model, task, samples, input_tokens, output_tokens)."""
    return pl.DataFrame(
        [
            {
                "model": m,
                "task": t,
                "epochs": 1,
                "samples": s,
                "input_tokens": float(i),
                "output_tokens": float(o),
                "total_tokens": float(i + o),
                "provenance": f"usage row {m}",
            }
            for m, t, s, i, o in rows
        ]
    )


def _prices(rows):
    """rows: (source, provider, model, observed_on, input, output, reasoning)."""
    return pl.DataFrame(
        [
            {
                "source": src,
                "provider": prov,
                "model": m,
                "observed_on": d,
                "input_usd_per_mtok": i,
                "output_usd_per_mtok": o,
                "blended_usd_per_mtok": None,
                "reasoning_usd_per_mtok": r,
            }
            for src, prov, m, d, i, o, r in rows
        ],
        schema={
            "source": pl.String,
            "provider": pl.String,
            "model": pl.String,
            "observed_on": pl.Date,
            "input_usd_per_mtok": pl.Float64,
            "output_usd_per_mtok": pl.Float64,
            "blended_usd_per_mtok": pl.Float64,
            "reasoning_usd_per_mtok": pl.Float64,
        },
    )


def _caps(rows):
    return pl.DataFrame(
        [
            {"source": "t", "model": m, "observed_on": d, "benchmark": b, "score": s, "provenance": "t"}
            for m, d, b, s in rows
        ]
    )


ORGS = pl.DataFrame(
    {
        "model_id": ["gpt-4o", "o1-mini", "llama-3-1-70b", "gemini-2-5-flash"],
        "organization": ["OpenAI", "OpenAI", "Meta AI", "Google DeepMind"],
        "is_reasoning": [False, True, False, None],
        "reasoning_mode": ["none", "always_on", "none", "hybrid"],
    }
)


FEBRUARY = D(2025, 2, 1)


def _build(usage, prices, caps, flagged=None, end=FEBRUARY):
    return build_cost_per_task(usage, prices, caps, ORGS, ORGS, end, task_benchmarks=TASKS, flagged=flagged)


def test_effort_suffix_makes_a_variant_of_the_model():
    assert effort_variant("o1-mini-2024-09-12_high") == "high"
    assert effort_variant("claude-3-7-sonnet-20250219_16K") == "16k"
    assert effort_variant("gpt-4o-2024-05-13") is None
    assert variant_key("o1-mini-2024-09-12_high") == "o1-mini_high"
    assert variant_key("gpt-4o-2024-05-13") == "gpt-4o"


def test_cost_per_sample_is_input_and_output_tokens_at_their_prices_over_samples():
    # 200 samples, 100,000 input and 300,000 output tokens: 500 in + 1,500 out per sample.
    # At $2.50 in / $10 out per 1M: (100,000 x 2.5 + 300,000 x 10) / 200 / 1e6 = 0.01625 USD.
    usage = _usage([("gpt-4o-2024-08-06", "GPQA Diamond", 200, 100_000, 300_000)])
    prices = _prices([("litellm", "openai", "gpt-4o", D(2025, 1, 20), 2.5, 10.0, None)])
    caps = _caps([("GPT-4o", D(2024, 6, 1), "gpqa_diamond", 50.0)])
    cost = _build(usage, prices, caps)
    # January and February 2025: a LiteLLM listing stays current 45 days (Jan 20 -> Feb 28 is 39).
    assert cost.height == 2
    row = cost.row(0, named=True)
    assert row["month"] == D(2025, 1, 1)
    assert row["cost_usd_per_sample"] == pytest.approx(0.01625)
    assert row["input_tokens_per_sample"] == 500 and row["output_tokens_per_sample"] == 1500
    assert row["price_choice"] == FIRST_PARTY and row["output_rate"] == "output"
    assert row["score"] == 50.0 and row["benchmark"] == "gpqa_diamond"
    assert row["tokens_provenance"] == "usage row gpt-4o-2024-08-06"
    assert (row["price_source"], row["price_provider"], row["price_model"]) == ("litellm", "openai", "gpt-4o")


def test_first_party_wins_over_a_cheaper_third_party_and_flagged_listings_never_price():
    usage = _usage([("Llama-3.1-70B-Instruct", "GPQA Diamond", 100, 100_000, 100_000)])
    prices = _prices(
        [
            ("litellm", "together_ai", "together_ai/llama-3.1-70b", D(2025, 1, 5), 0.9, 0.9, None),
            ("litellm", "deepinfra", "deepinfra/llama-3.1-70b", D(2025, 1, 5), 0.01, 0.01, None),
        ]
    )
    caps = _caps([("Llama 3.1 70B", D(2024, 8, 1), "gpqa_diamond", 40.0)])
    cheapest = _build(usage, prices, caps, end=D(2025, 1, 1)).row(0, named=True)
    assert cheapest["price_choice"] == CHEAPEST_CREDIBLE and cheapest["price_provider"] == "deepinfra"
    # (100,000 x 0.01 + 100,000 x 0.01) / 100 / 1e6
    assert cheapest["cost_usd_per_sample"] == pytest.approx(2e-5)

    flagged = pl.DataFrame(
        {
            "source": ["litellm"],
            "provider": ["deepinfra"],
            "model": ["deepinfra/llama-3.1-70b"],
            "observed_on": [D(2025, 1, 5)],
        }
    )
    credible = _build(usage, prices, caps, flagged=flagged, end=D(2025, 1, 1)).row(0, named=True)
    assert credible["price_provider"] == "together_ai"
    assert credible["cost_usd_per_sample"] == pytest.approx(0.0018)

    first_party = prices.vstack(
        _prices([("litellm", "meta_llama", "meta_llama/llama-3.1-70b", D(2025, 1, 5), 1.0, 1.0, None)])
    )
    chosen = _build(usage, first_party, caps, end=D(2025, 1, 1)).row(0, named=True)
    assert chosen["price_choice"] == FIRST_PARTY and chosen["price_provider"] == "meta_llama"


def test_reasoning_runs_pay_the_reasoning_rate_and_hybrid_runs_without_a_budget_do_not():
    usage = _usage(
        [
            ("gemini-2.5-flash-preview-04-17", "GPQA Diamond", 10, 0, 1_000_000),
            ("gemini-2.5-flash-preview-04-17_16K", "GPQA Diamond", 10, 0, 1_000_000),
        ]
    )
    prices = _prices([("litellm", "gemini", "gemini/gemini-2.5-flash", D(2025, 5, 1), 0.15, 0.6, 3.5)])
    ids = ORGS.with_columns(model_id=pl.col("model_id").replace("gemini-2-5-flash", "gemini-2-5-flash-preview"))
    cost = build_cost_per_task(
        usage,
        prices.with_columns(model=pl.lit("gemini/gemini-2.5-flash-preview-04-17")),
        _caps([]),
        ids,
        ids,
        D(2025, 5, 1),
        task_benchmarks=TASKS,
    )
    by_model = {r["model"]: r for r in cost.to_dicts()}
    thinking = by_model["gemini-2.5-flash-preview-04-17_16K"]
    plain = by_model["gemini-2.5-flash-preview-04-17"]
    assert thinking["is_reasoning"] is True and thinking["variant"] == "16k"
    assert thinking["output_rate"] == "reasoning" and thinking["cost_usd_per_sample"] == pytest.approx(0.35)
    assert plain["is_reasoning"] is False and plain["output_rate"] == "output"
    assert plain["cost_usd_per_sample"] == pytest.approx(0.06)
    assert thinking["score"] is None  # no score ingested: kept, but placed on no frontier


def test_variant_score_is_used_where_ingested_else_the_models_lowest():
    usage = _usage(
        [
            ("o1-mini-2024-09-12_high", "GPQA Diamond", 1, 1000, 1000),
            ("o1-mini-2024-09-12_medium", "GPQA Diamond", 1, 1000, 1000),
        ]
    )
    prices = _prices([("litellm", "openai", "o1-mini", D(2025, 1, 1), 1.1, 4.4, None)])
    caps = _caps(
        [
            ("o1-mini-2024-09-12_high", D(2024, 10, 1), "gpqa_diamond", 60.0),
            ("o1-mini-2024-09-12_medium", D(2024, 10, 1), "gpqa_diamond", 55.0),
            ("o1-mini-2024-09-12_low", D(2024, 10, 1), "gpqa_diamond", 50.0),
        ]
    )
    scores = {r["model"]: r["score"] for r in _build(usage, prices, caps, end=D(2025, 1, 1)).to_dicts()}
    assert scores == {"o1-mini-2024-09-12_high": 60.0, "o1-mini-2024-09-12_medium": 55.0}
    only_model = _caps(
        [
            ("o1-mini", D(2024, 10, 1), "gpqa_diamond", 58.0),
            ("o1-mini-2024-09-12", D(2024, 10, 1), "gpqa_diamond", 57.0),
        ]
    )
    scores = {r["model"]: r["score"] for r in _build(usage, prices, only_model, end=D(2025, 1, 1)).to_dicts()}
    assert scores == {"o1-mini-2024-09-12_high": 57.0, "o1-mini-2024-09-12_medium": 57.0}


def test_listings_without_an_input_output_split_and_runs_without_prices_give_no_rows():
    usage = _usage([("gpt-4o-2024-08-06", "GPQA Diamond", 10, 10, 10)])
    blended_only = _prices([("epoch", "unspecified", "GPT-4o", D(2024, 6, 1), None, None, None)])
    assert _build(usage, blended_only, _caps([])).height == 0


def _cost_rows(rows):
    """rows: (task, month, model, score, cost, is_reasoning)."""
    return pl.DataFrame(
        [
            {
                "task": t,
                "benchmark": "gpqa_diamond",
                "month": m,
                "model": name,
                "model_id": name,
                "variant": None,
                "is_reasoning": r,
                "score": s,
                "cost_usd_per_sample": c,
            }
            for t, m, name, s, c, r in rows
        ],
        schema_overrides={"variant": pl.String, "score": pl.Float64},
    )


def test_pareto_frontier_keeps_runs_no_cheaper_run_outscores():
    m = D(2025, 1, 1)
    cost = _cost_rows(
        [
            ("GPQA Diamond", m, "cheap", 30.0, 0.001, False),
            ("GPQA Diamond", m, "dominated", 25.0, 0.002, False),  # dearer and worse than cheap
            ("GPQA Diamond", m, "mid", 50.0, 0.004, True),
            ("GPQA Diamond", m, "tie", 50.0, 0.004, False),  # same point as mid: one of them is enough
            ("GPQA Diamond", m, "best", 70.0, 0.05, True),
            ("GPQA Diamond", m, "unscored", None, 0.0001, False),
            ("GPQA Diamond", D(2025, 2, 1), "later", 10.0, 0.01, False),
        ]
    )
    frontier = cost_quality_frontier(cost)
    january = frontier.filter(pl.col("month") == m)
    assert january["model"].to_list() == ["cheap", "mid", "best"]
    assert january["frontier_rank"].to_list() == [1, 2, 3]
    assert frontier.filter(pl.col("month") == D(2025, 2, 1))["model"].to_list() == ["later"]


def test_cost_index_is_the_cheapest_run_at_or_above_the_threshold():
    m = D(2025, 1, 1)
    cost = _cost_rows(
        [
            ("GPQA Diamond", m, "a", 40.0, 0.001, False),  # below 50
            ("GPQA Diamond", m, "b", 50.0, 0.01, False),  # at threshold
            ("GPQA Diamond", m, "c", 70.0, 0.005, True),
        ]
    )
    tiers = pl.DataFrame(
        {
            "tier_id": ["gpqa_x", "mmlu_x"],
            "benchmark": ["gpqa_diamond", "mmlu"],
            "threshold_model": ["X", "Y"],
            "threshold_score": [50.0, 80.0],
            "label": ["x", "y"],
        }
    )
    index = cost_per_task_index(cost, tiers)
    assert index["tier_id"].to_list() == ["gpqa_x"]  # no token counts for MMLU
    row = index.row(0, named=True)
    assert (row["cheapest_model"], row["cheapest_cost_usd_per_sample"], row["qualifying_runs"]) == ("c", 0.005, 2)


def test_a_dated_snapshot_is_not_priced_before_its_release():
    assert version_date("claude-3-5-sonnet-20240620") == D(2024, 6, 20)
    assert version_date("o1-2024-12-17_high") == D(2024, 12, 17)
    assert version_date("gpt-4-0613") is None and version_date("mistral-large-2402") is None
    usage = _usage(
        [("gpt-4o-2024-08-06", "GPQA Diamond", 1, 1000, 1000), ("gpt-4o-2024-05-13", "GPQA Diamond", 1, 1000, 1000)]
    )
    prices = _prices([("epoch_api_prices", "OpenAI", "GPT-4o", D(2024, 5, 13), 5.0, 15.0, None)])
    cost = _build(usage, prices, _caps([]), end=D(2024, 9, 1))
    first_month = {r["model"]: r["month"] for r in cost.group_by("model").agg(pl.col("month").min()).to_dicts()}
    assert first_month == {"gpt-4o-2024-05-13": D(2024, 5, 1), "gpt-4o-2024-08-06": D(2024, 8, 1)}


def test_the_exact_version_score_wins_over_the_models():
    # gpt-4-0613 and gpt-4-0314 share the id gpt-4; an undated run takes the id's latest score.
    usage = _usage([(name, "GPQA Diamond", 1, 1000, 1000) for name in ("gpt-4-0613", "gpt-4-0314", "gpt-4")])
    prices = _prices([("epoch_api_prices", "OpenAI", "GPT-4", D(2024, 1, 1), 30.0, 60.0, None)])
    caps = _caps(
        [("GPT-4-0314", D(2023, 3, 14), "gpqa_diamond", 33.0), ("GPT-4-0613", D(2023, 6, 13), "gpqa_diamond", 31.0)]
    )
    scores = {r["model"]: r["score"] for r in _build(usage, prices, caps, end=D(2024, 1, 1)).to_dicts()}
    assert scores == {"gpt-4-0613": 31.0, "gpt-4-0314": 33.0, "gpt-4": 31.0}
