import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources import epoch_prices
from sources.errors import FeedError, StructuralError


def _api(fixtures):
    return epoch_prices.parse((fixtures / "epoch_prices" / "api_prices_full_view.csv").read_bytes(), "api.csv")


def test_api_prices_pivot_input_and_output_into_one_observation(fixtures):
    prices = _api(fixtures)["token_prices"]
    gpt4o = prices.filter(pl.col("model") == "GPT-4o").to_dicts()
    assert len(gpt4o) == 1  # the image price row is dropped, input and output merge
    row = gpt4o[0]
    assert row["input_usd_per_mtok"] == 2.5
    assert row["output_usd_per_mtok"] == 10.0
    assert row["blended_usd_per_mtok"] == pytest.approx((3 * 2.5 + 10.0) / 4)
    assert row["observed_on"] == dt.date(2024, 8, 6)
    assert row["model_version"] == "gpt-4o-2024-08-06"
    assert "web.archive.org" in row["provenance"]


def test_api_prices_keep_the_standard_context_tier_and_cached_input(fixtures):
    flash = _api(fixtures)["token_prices"].filter(pl.col("model") == "Gemini 1.5 Flash").to_dicts()
    assert len(flash) == 1
    assert flash[0]["input_usd_per_mtok"] == 0.075  # not the > 128k price of 0.15
    assert flash[0]["output_usd_per_mtok"] == 0.3
    assert flash[0]["cached_input_usd_per_mtok"] == 0.01875
    assert flash[0]["provider"] == "Google"


def test_api_prices_input_or_output_unit_sets_both_and_fine_tunes_are_dropped(fixtures):
    prices = _api(fixtures)["token_prices"]
    davinci = prices.filter(pl.col("model") == "GPT-3 175B (davinci)").to_dicts()[0]
    assert davinci["input_usd_per_mtok"] == davinci["output_usd_per_mtok"] == 60.0
    assert davinci["blended_usd_per_mtok"] == 60.0
    assert prices.filter(pl.col("model") == "GPT-3.5 Turbo").height == 0


def test_api_prices_without_vendor_get_an_explicit_provider(fixtures):
    haiku = _api(fixtures)["token_prices"].filter(pl.col("model") == "Claude 3.5 Haiku").to_dicts()[0]
    assert haiku["provider"] == "unspecified"
    assert haiku["blended_usd_per_mtok"] is None  # output price unknown: no blend invented


def test_benchmark_table_gives_prices_and_long_capabilities(fixtures):
    parsed = epoch_prices.parse((fixtures / "epoch_prices" / "price_benchmarks.csv").read_bytes(), "b.csv")
    prices, caps = parsed["token_prices"], parsed["model_capabilities"]
    assert prices.height == 4
    assert prices["blended_usd_per_mtok"].to_list() == [60.0, 20.0, 37.5, 0.5]
    gpt4 = caps.filter(pl.col("model") == "GPT-4-0314").sort("benchmark")
    assert dict(zip(gpt4["benchmark"], gpt4["score"], strict=True)) == {
        "chatbot_arena_elo": 1186.0,
        "gpqa_diamond": 33.0,
        "humaneval": 67.0,
        "mmlu": 86.0,
    }
    # 2 + 4 + 6 non-empty scores in the fixture rows
    assert caps.height == 1 + 1 + 4 + 6


def test_a_price_that_is_a_word_names_file_row_and_field():
    payload = b"Model Name,Release Date,USD per 1M Tokens,MMLU\nA,2024-01-01,1.5,70\nB,2024-01-01,cheap,70\n"
    with pytest.raises(FeedError) as caught:
        epoch_prices.parse(payload, "bench.csv")
    assert caught.value.row == 3
    assert caught.value.field == "USD per 1M Tokens"
    assert "bench.csv" in str(caught.value) and "cheap" in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"\x1f\x8b\x08\x00rest", "gzip"),
        ("Model Name,Release Date\n".encode("utf-16"), "UTF-16"),
        (b"Model Name,Release Date,USD per 1M Tokens\xff\n", "not UTF-8"),
        (b"id,name\n1,x\n", "not an Epoch AI price export"),
        (b"Price,Price Unit,Model\n1,$/1M input tokens,X\n", "missing required column"),
    ],
)
def test_structural_problems_are_one_clear_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        epoch_prices.parse(payload, "x.csv")
    assert fragment in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        frames = epoch_prices.parse(payload, "random.csv")
    except FeedError:
        return
    assert set(frames) <= {"token_prices", "model_capabilities"}


_HEADER = "Model Name,Release Date,USD per 1M Tokens,MMLU\n"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
            st.text(max_size=12),
            st.text(max_size=8),
            st.text(max_size=6),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_mutated_benchmark_tables_parse_or_raise_feed_error(rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
    payload = (_HEADER + buffer.getvalue()).encode("utf-8")
    try:
        frames = epoch_prices.parse(payload, "mutated.csv")
    except FeedError:
        return
    assert frames["token_prices"].height == len(rows)
