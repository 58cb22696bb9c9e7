import math

import polars as pl
import pytest

from forecasts.token_multiplier import (
    MULTIPLIER_SCHEMA,
    excluded_models,
    flags_from_models,
    token_multiplier,
    tokens_per_sample,
)
from sources.schemas import EVAL_TOKEN_USAGE_COLUMNS


def _usage(rows):
    """rows: (model, task, samples, output_tokens)."""
    return pl.DataFrame(
        [
            {
                "model": model,
                "task": task,
                "epochs": 1,
                "samples": samples,
                "input_tokens": 100.0 * samples,
                "output_tokens": output,
                "total_tokens": 100.0 * samples + output,
                "source_row": i + 1,
                "provenance": "test",
            }
            for i, (model, task, samples, output) in enumerate(rows)
        ],
        schema=EVAL_TOKEN_USAGE_COLUMNS,
    )


FLAGS = {"r1": True, "r2": True, "o1": False, "o2": False, "unknown": None}


def test_per_task_ratio_of_geometric_and_arithmetic_means():
    # Output tokens per sample: reasoning 100 and 400, other 10 and 90.
    # Geometric means 200 and 30 -> 6.667; arithmetic means 250 and 50 -> 5.
    usage = _usage(
        [
            ("r1", "math", 10, 1_000.0),
            ("r2", "math", 20, 8_000.0),
            ("o1", "math", 10, 100.0),
            ("o2", "math", 10, 900.0),
            ("unknown", "math", 10, 1e9),  # no flag: must not count
        ]
    )
    geometric = token_multiplier(usage, FLAGS, n_boot=200).filter(pl.col("task") == "math").row(0, named=True)
    assert geometric["multiplier"] == pytest.approx(200 / 30)
    assert geometric["reasoning_output_tokens_per_sample"] == pytest.approx(200.0)
    assert geometric["other_output_tokens_per_sample"] == pytest.approx(30.0)
    assert (geometric["n_reasoning_models"], geometric["n_other_models"]) == (2, 2)
    arithmetic = (
        token_multiplier(usage, FLAGS, statistic="arithmetic", n_boot=200)
        .filter(pl.col("task") == "math")
        .row(0, named=True)
    )
    assert arithmetic["multiplier"] == pytest.approx(5.0)
    assert excluded_models(usage, FLAGS) == ["unknown"]


def test_overall_multiplier_is_adjusted_for_task_mix():
    # Within each task reasoning models use exactly 10x the tokens, but the one reasoning
    # model seen only on the long task would make a pooled comparison say far more than 10.
    usage = _usage(
        [
            ("r1", "short", 1, 100.0),
            ("o1", "short", 1, 10.0),
            ("o2", "short", 1, 10.0),
            ("r1", "long", 1, 1_000.0),
            ("r2", "long", 1, 1_000.0),
            ("o1", "long", 1, 100.0),
        ]
    )
    table = token_multiplier(usage, FLAGS, n_boot=300)
    assert table.schema == pl.Schema(MULTIPLIER_SCHEMA)
    assert table["task"].to_list() == ["long", "short", "all"]
    assert table["multiplier"].to_list() == pytest.approx([10.0, 10.0, 10.0])
    overall = table.row(2, named=True)
    # Levels of the average task: geometric mean of the task effects 10 and 100 = 31.6.
    assert overall["other_output_tokens_per_sample"] == pytest.approx(math.sqrt(10 * 100))
    assert overall["reasoning_output_tokens_per_sample"] == pytest.approx(10 * math.sqrt(10 * 100))
    assert (overall["n_reasoning_models"], overall["n_other_models"]) == (2, 2)
    pooled = token_multiplier(usage, FLAGS, statistic="arithmetic", n_boot=50).row(2, named=True)
    assert pooled["multiplier"] > 15  # what the task mix does to a pooled ratio


def test_bootstrap_interval_is_seeded_and_needs_two_models_per_group():
    usage = _usage(
        [
            ("r1", "gpqa", 10, 3_000.0),
            ("r2", "gpqa", 10, 9_000.0),
            ("o1", "gpqa", 10, 400.0),
            ("o2", "gpqa", 10, 600.0),
            ("r1", "aime", 10, 90_000.0),
            ("o1", "aime", 10, 8_000.0),
            ("o2", "aime", 10, 12_000.0),
        ]
    )
    first = token_multiplier(usage, FLAGS, n_boot=500, seed=9)
    assert first.equals(token_multiplier(usage, FLAGS, n_boot=500, seed=9))
    gpqa = first.filter(pl.col("task") == "gpqa").row(0, named=True)
    assert gpqa["ci_low"] <= gpqa["multiplier"] <= gpqa["ci_high"]
    # Bootstrap extremes: both reasoning draws at 300 over both others at 60 (5x), or
    # 900 over 40 (22.5x); the interval lies within them.
    assert 5.0 - 1e-9 <= gpqa["ci_low"] < gpqa["ci_high"] <= 22.5 + 1e-9
    aime = first.filter(pl.col("task") == "aime").row(0, named=True)
    assert aime["n_reasoning_models"] == 1
    assert (aime["ci_low"], aime["ci_high"]) == (None, None)
    assert aime["multiplier"] == pytest.approx(9_000 / math.sqrt(800 * 1_200))


def test_tasks_without_both_groups_are_left_out():
    usage = _usage([("r1", "only", 1, 5.0), ("r2", "only", 1, 7.0), ("o1", "other", 1, 1.0)])
    assert token_multiplier(usage, FLAGS, n_boot=10).height == 0
    assert token_multiplier(usage.head(0), FLAGS).schema == pl.Schema(MULTIPLIER_SCHEMA)


def test_flags_come_from_the_models_mart_by_canonical_id():
    models = pl.DataFrame({"model_id": ["gpt-4o", "o1"], "is_reasoning": [False, True]})
    flags = flags_from_models(["gpt-4o-2024-08-06", "o1-2024-12-17", "mystery-7b"], models)
    assert flags.to_dicts() == [
        {"model": "gpt-4o-2024-08-06", "is_reasoning": False},
        {"model": "o1-2024-12-17", "is_reasoning": True},
        {"model": "mystery-7b", "is_reasoning": None},
    ]
    usage = _usage([("gpt-4o-2024-08-06", "t", 2, 10.0), ("mystery-7b", "t", 2, 10.0)])
    assert tokens_per_sample(usage, flags)["model"].to_list() == ["gpt-4o-2024-08-06"]
    assert tokens_per_sample(usage, flags)["output_tokens_per_sample"].to_list() == [5.0]
