import datetime as dt

import polars as pl
import pytest

from forecasts.decline import frontier_lows
from sources.schemas import frame_from_records
from transforms.price_index import build_frontier_price, build_price_index, month_starts, scored_prices
from transforms.price_observations import price_observations, scored_capabilities
from transforms.tiers import TierError, read_tiers, resolve_thresholds

D = dt.date


def _prices(rows, source="epoch_price_benchmarks"):
    """rows: (model, observed_on, blended) or (model, observed_on, input, output, source, provider)."""
    records = []
    for row in rows:
        if len(row) == 3:
            model, observed_on, blended = row
            records.append(
                {
                    "source": source,
                    "provider": "unspecified",
                    "model": model,
                    "model_version": "",
                    "observed_on": observed_on,
                    "blended_usd_per_mtok": blended,
                    "provenance": "test",
                }
            )
        else:
            model, observed_on, input_usd, output_usd, row_source, provider = row
            records.append(
                {
                    "source": row_source,
                    "provider": provider,
                    "model": model,
                    "model_version": "",
                    "observed_on": observed_on,
                    "input_usd_per_mtok": input_usd,
                    "output_usd_per_mtok": output_usd,
                    "provenance": "test",
                }
            )
    return price_observations(frame_from_records(records, "token_prices"))


def _caps(rows):
    records = [
        {"source": "t", "model": m, "observed_on": d, "benchmark": b, "score": s, "provenance": "test"}
        for m, d, b, s in rows
    ]
    return scored_capabilities(frame_from_records(records, "model_capabilities"))


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
    index = build_price_index(scored_prices(prices, caps), _tiers([("t70", "mmlu", None, 70.0)]), D(2023, 5, 1))
    assert index["month"].to_list() == [D(2023, 1, 1), D(2023, 2, 1), D(2023, 3, 1), D(2023, 4, 1), D(2023, 5, 1)]
    assert index["cheapest_blended_usd_per_mtok"].to_list() == [30.0, 30.0, 10.0, 5.0, 5.0]
    assert index["cheapest_model"].to_list() == ["big", "big", "mid", "big", "big"]
    assert index["cheapest_model_id"].to_list() == ["big", "big", "mid", "big", "big"]
    assert index["qualifying_models"].to_list() == [1, 1, 2, 2, 2]


def test_a_score_counts_from_when_it_was_known():
    prices = _prices([("m", D(2022, 1, 1), 20.0), ("m", D(2024, 1, 1), 10.0)])
    caps = _caps([("m", D(2022, 1, 1), "mmlu", 44.0), ("m", D(2024, 1, 1), "mmlu", 63.0)])
    scored = scored_prices(prices, caps).sort("observed_on")
    assert scored["score"].to_list() == [44.0, 63.0]
    index = build_price_index(scored, _tiers([("t60", "mmlu", None, 60.0)]), D(2024, 2, 1))
    assert index["month"].min() == D(2024, 1, 1)


def test_litellm_prices_meet_epoch_scores_through_model_identity_and_persist():
    # LiteLLM spells the model "openai/gpt-4o-2024-08-06", Epoch "GPT-4o": one canonical id.
    prices = _prices(
        [
            ("GPT-4o", D(2024, 5, 13), 5.0, 15.0, "epoch_api_prices", "OpenAI"),
            ("openai/gpt-4o-2024-08-06", D(2025, 2, 28), 2.5, 10.0, "litellm", "openai"),
        ]
    )
    caps = _caps([("GPT-4o", D(2024, 5, 13), "mmlu", 87.0)])
    index = build_price_index(scored_prices(prices, caps), _tiers([("t", "mmlu", None, 85.0)]), D(2025, 5, 1))
    by_month = dict(zip(index["month"], index["cheapest_blended_usd_per_mtok"], strict=True))
    assert by_month[D(2024, 5, 1)] == pytest.approx((3 * 5 + 15) / 4)
    assert by_month[D(2025, 2, 1)] == pytest.approx((3 * 2.5 + 10) / 4)
    assert index.filter(pl.col("month") == D(2025, 2, 1))["cheapest_provider"].item() == "openai"
    # No later LiteLLM vintage omits the listing, so its price stands (no expiry by age).
    assert by_month[D(2025, 5, 1)] == pytest.approx((3 * 2.5 + 10) / 4)


V1, V2, V3 = D(2025, 1, 15), D(2025, 3, 15), D(2025, 6, 15)


def _three_vintages():
    """An Epoch price of 2024 and three LiteLLM vintages: listing a is cut in V2 and dropped in
    V3, listing b is in every vintage."""
    return _prices(
        [
            ("m", D(2024, 6, 1), 10.0, 10.0, "epoch_api_prices", "Dev"),
            ("m", V1, 2.0, 2.0, "litellm", "a"),
            ("m", V1, 3.0, 3.0, "litellm", "b"),
            ("m", V2, 1.0, 1.0, "litellm", "a"),
            ("m", V2, 3.0, 3.0, "litellm", "b"),
            ("m", V3, 3.0, 3.0, "litellm", "b"),
        ]
    )


def test_a_listing_persists_between_vintages_until_a_later_vintage_omits_it():
    prices = _three_vintages()
    caps = _caps([("m", D(2024, 1, 1), "mmlu", 80.0)])
    index = build_price_index(scored_prices(prices, caps), _tiers([("t", "mmlu", None, 70.0)]), D(2025, 7, 1))
    by_month = dict(zip(index["month"], index["cheapest_blended_usd_per_mtok"], strict=True))
    # February has no vintage: January's price carries. April and May carry March's cut (77
    # days after V2 by May 31). V3 omits listing a: from June the index is b's price, not a
    # fall-back to the 2024 Epoch price and not a's last price.
    assert [by_month[D(2025, m, 1)] for m in range(1, 8)] == [2.0, 2.0, 1.0, 1.0, 1.0, 3.0, 3.0]
    assert index.filter(pl.col("month") == D(2025, 6, 1))["cheapest_provider"].item() == "b"
    assert by_month[D(2024, 12, 1)] == 10.0


def test_a_vintage_that_omits_a_listing_seen_again_later_is_a_gap_not_a_removal():
    prices = _prices(
        [
            ("m", V1, 2.0, 2.0, "litellm", "c"),
            ("m", V2, 3.0, 3.0, "litellm", "b"),
            ("m", V3, 2.0, 2.0, "litellm", "c"),
        ]
    )
    until = {(p, d): u for p, d, u in prices.select("provider", "observed_on", "valid_until").iter_rows()}
    # c is missing from V2 (e.g. a chat-only panel omitting a completion entry) but listed again
    # in V3: its V1 price carries until V3. b, last seen in V2, is removed by V3.
    assert until == {("c", V1): V3, ("b", V2): V3, ("c", V3): None}


def test_listings_of_the_first_vintage_are_left_censored_and_never_a_new_low():
    prices = _three_vintages()
    censored = prices.filter(pl.col("left_censored"))
    assert sorted(censored["provider"].to_list()) == ["a", "b"]
    assert set(censored["observed_on"].to_list()) == {V1}
    caps = _caps([("m", D(2024, 1, 1), "mmlu", 80.0)])
    lows = frontier_lows(scored_prices(prices, caps).filter(pl.col("benchmark") == "mmlu"), 70.0)
    # V1's 2.0 is not a price change (a was listed since some unknown date) but it raises the
    # bar: V2's cut to 1.0 is the next low; b's 3.0 never is.
    assert list(zip(lows["observed_on"], lows["blended_usd_per_mtok"], strict=True)) == [
        (D(2024, 6, 1), 10.0),
        (V2, 1.0),
    ]


def test_one_to_one_blend_needs_both_prices():
    prices = frame_from_records(
        [
            {
                "source": "s",
                "provider": "p",
                "model": "a",
                "model_version": "",
                "observed_on": D(2024, 1, 1),
                "input_usd_per_mtok": 1.0,
                "output_usd_per_mtok": 3.0,
                "provenance": "t",
            },
            {
                "source": "s",
                "provider": "p",
                "model": "b",
                "model_version": "",
                "observed_on": D(2024, 1, 1),
                "blended_usd_per_mtok": 2.0,
                "provenance": "t",
            },
        ],
        "token_prices",
    )
    assert price_observations(prices)["blended_usd_per_mtok"].to_list() == [1.5, 2.0]
    one_to_one = price_observations(prices, blend_input_weight=1.0)
    assert one_to_one["model"].to_list() == ["a"] and one_to_one["blended_usd_per_mtok"].to_list() == [2.0]


def test_frontier_price_follows_the_most_capable_model():
    prices = _prices([("old", D(2023, 1, 1), 10.0), ("new", D(2023, 3, 1), 40.0), ("old", D(2023, 4, 1), 5.0)])
    caps = _caps([("old", D(2023, 1, 1), "gpqa_diamond", 40.0), ("new", D(2023, 3, 1), "gpqa_diamond", 60.0)])
    frontier = build_frontier_price(scored_prices(prices, caps), ["gpqa_diamond"], D(2023, 4, 1))
    assert frontier["model"].to_list() == ["old", "old", "new", "new"]
    assert frontier["blended_usd_per_mtok"].to_list() == [10.0, 10.0, 40.0, 40.0]


def test_reference_model_sets_threshold_from_its_earliest_score():
    caps = pl.DataFrame(
        {
            "model": ["ref", "ref"],
            "observed_on": [D(2023, 1, 1), D(2024, 1, 1)],
            "benchmark": ["mmlu"] * 2,
            "score": [70.0, 72.0],
        }
    )
    resolved = resolve_thresholds(_tiers([("t", "mmlu", "ref", None)]).with_columns(label=pl.lit("x")), caps)
    assert resolved["threshold_score"].to_list() == [70.0]
    with pytest.raises(TierError, match="nobody"):
        resolve_thresholds(_tiers([("t", "mmlu", "nobody", None)]).with_columns(label=pl.lit("x")), caps)


def test_bundled_tiers_file_has_the_published_reference_set():
    tiers = read_tiers()
    # The 21 tiers of the published table, plus o1-level, ECI and Artificial Analysis tiers.
    assert tiers.height == 32
    assert set(tiers["benchmark"]) == {
        "mmlu",
        "gpqa_diamond",
        "math_500",
        "math_level_5",
        "humaneval",
        "chatbot_arena_elo",
        "eci",
        "aa_intelligence_index",
        "aa_coding_index",
        "aa_agentic_index",
    }
