import datetime as dt

import polars as pl
import pytest

from transforms.price_index import build_price_index, month_starts, scored_prices
from transforms.tiers import TierError, read_tiers, resolve_thresholds

D = dt.date


def _prices(rows):
    return pl.DataFrame(
        rows,
        schema={"model": pl.String, "observed_on": pl.Date, "blended_usd_per_mtok": pl.Float64},
        orient="row",
    )


def _caps(rows):
    return pl.DataFrame(
        rows,
        schema={
            "model": pl.String,
            "observed_on": pl.Date,
            "benchmark": pl.String,
            "score": pl.Float64,
        },
        orient="row",
    )


def _tiers(rows):
    return pl.DataFrame(
        rows,
        schema={
            "tier_id": pl.String,
            "benchmark": pl.String,
            "threshold_model": pl.String,
            "threshold_score": pl.Float64,
        },
        orient="row",
    )


def test_month_starts_span_year_end():
    assert month_starts(D(2023, 11, 20), D(2024, 2, 1)) == [
        D(2023, 11, 1),
        D(2023, 12, 1),
        D(2024, 1, 1),
        D(2024, 2, 1),
    ]


def test_index_takes_cheapest_qualifying_current_price_each_month():
    prices = _prices(
        [
            ("big", D(2023, 1, 10), 30.0),
            ("small", D(2023, 2, 5), 2.0),  # below threshold: never counts
            ("mid", D(2023, 3, 15), 10.0),
            ("big", D(2023, 4, 1), 5.0),  # price cut
        ]
    )
    caps = _caps(
        [
            ("big", D(2023, 1, 1), "mmlu", 80.0),
            ("mid", D(2023, 3, 1), "mmlu", 75.0),
            ("small", D(2023, 2, 1), "mmlu", 60.0),
        ]
    )
    index = build_price_index(prices, caps, _tiers([("t70", "mmlu", None, 70.0)]), D(2023, 5, 1))
    assert index["month"].to_list() == [
        D(2023, 1, 1),
        D(2023, 2, 1),
        D(2023, 3, 1),
        D(2023, 4, 1),
        D(2023, 5, 1),
    ]
    assert index["cheapest_blended_usd_per_mtok"].to_list() == [30.0, 30.0, 10.0, 5.0, 5.0]
    assert index["cheapest_model"].to_list() == ["big", "big", "mid", "big", "big"]
    assert index["qualifying_models"].to_list() == [1, 1, 2, 2, 2]


def test_a_score_counts_from_when_it_was_known():
    prices = _prices([("m", D(2022, 1, 1), 20.0), ("m", D(2024, 1, 1), 10.0)])
    caps = _caps([("m", D(2022, 1, 1), "mmlu", 44.0), ("m", D(2024, 1, 1), "mmlu", 63.0)])
    scored = scored_prices(prices, caps).sort("observed_on")
    assert scored["score"].to_list() == [44.0, 63.0]
    index = build_price_index(prices, caps, _tiers([("t60", "mmlu", None, 60.0)]), D(2024, 2, 1))
    assert index["month"].min() == D(2024, 1, 1)


def test_reference_model_sets_threshold_from_its_earliest_score(tmp_path):
    caps = _caps([("ref", D(2023, 1, 1), "mmlu", 70.0), ("ref", D(2024, 1, 1), "mmlu", 72.0)])
    resolved = resolve_thresholds(_tiers([("t", "mmlu", "ref", None)]).with_columns(label=pl.lit("x")), caps)
    assert resolved["threshold_score"].to_list() == [70.0]
    with pytest.raises(TierError, match="nobody"):
        resolve_thresholds(_tiers([("t", "mmlu", "nobody", None)]).with_columns(label=pl.lit("x")), caps)


def test_bundled_tiers_file_has_the_published_reference_set():
    tiers = read_tiers()
    assert tiers.height == 21
    assert set(tiers["benchmark"]) == {
        "mmlu",
        "gpqa_diamond",
        "math_500",
        "math_level_5",
        "humaneval",
        "chatbot_arena_elo",
    }
