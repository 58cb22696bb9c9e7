import datetime as dt
import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources import litellm
from sources.contracts import CONTRACTS
from sources.errors import FeedError, StructuralError
from sources.identity import canonical_model_id
from sources.schemas import TABLE_COLUMNS
from warehouse.validate import validate_frame

OBSERVED_ON = dt.date(2025, 7, 1)
FIXTURE = "litellm/model_prices_and_context_window.json"
FIXTURE_BYTES = (Path(__file__).parents[1] / "fixtures" / FIXTURE).read_bytes()


@pytest.fixture
def payload(fixtures):
    return (fixtures / FIXTURE).read_bytes()


@pytest.fixture
def parsed(payload):
    return litellm.parse(payload, "model_prices.json", OBSERVED_ON)


def _price(parsed, model):
    rows = parsed["token_prices"].filter(pl.col("model") == model).to_dicts()
    assert len(rows) == 1, model
    return rows[0]


def _entry(key, **fields):
    return json.dumps({key: {"litellm_provider": "openai", "mode": "chat", **fields}}).encode()


def test_frames_have_exactly_the_canonical_columns(parsed):
    assert set(parsed) == {"token_prices", "models", "model_aliases"}
    for table, frame in parsed.items():
        assert frame.schema == pl.Schema(TABLE_COLUMNS[table])


def test_per_token_prices_become_exact_usd_per_million(parsed):
    row = _price(parsed, "gpt-4o")
    assert row["input_usd_per_mtok"] == 2.5  # not 2.4999999999999996
    assert row["output_usd_per_mtok"] == 10.0
    assert row["blended_usd_per_mtok"] == pytest.approx((3 * 2.5 + 10.0) / 4)
    assert row["cached_input_usd_per_mtok"] == 1.25
    assert row["reasoning_usd_per_mtok"] is None
    assert (row["source"], row["provider"], row["model_version"]) == ("litellm", "openai", "")
    assert row["observed_on"] == OBSERVED_ON
    assert row["source_row"] == 2  # entry number: sample_spec is entry 1
    assert "model_prices.json" in row["provenance"] and "entry 2 'gpt-4o'" in row["provenance"]
    assert "MIT" in row["provenance"]
    flash = _price(parsed, "gemini/gemini-2.5-flash")
    assert flash["reasoning_usd_per_mtok"] == 2.5 and flash["input_usd_per_mtok"] == 0.3


def test_string_prices_are_read_like_numbers(parsed):
    llama = _price(parsed, "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct")
    assert llama["input_usd_per_mtok"] == 0.03
    assert llama["output_usd_per_mtok"] == 0.05


def test_chat_completion_and_responses_modes_are_kept_others_skipped(parsed):
    models = set(parsed["token_prices"]["model"])
    assert {"gpt-3.5-turbo-instruct", "o1-pro", "o3-mini", "claude-3-7-sonnet-20250219"} <= models
    aliases = set(parsed["model_aliases"]["alias"])
    # documentation, embeddings, images, mode-less size bands, and a non-object value
    for skipped in ("sample_spec", "text-embedding-3-small", "dall-e-3", "fireworks-ai-up-to-16b", "last_updated"):
        assert skipped not in models and skipped not in aliases


def test_free_and_unpriced_entries_are_models_but_not_prices(parsed):
    models = set(parsed["token_prices"]["model"])
    aliases = set(parsed["model_aliases"]["alias"])
    for key in (
        "ollama/llama3",
        "openrouter/meta-llama/llama-3-8b-instruct:free",
        "bedrock/ap-northeast-1/1-month-commitment/anthropic.claude-instant-v1",
    ):
        assert key not in models
        assert key in aliases


def test_a_per_million_looking_price_is_not_rescaled_and_the_contract_quarantines_it(parsed):
    jais = _price(parsed, "azure_ai/jais-30b-chat")
    assert jais["input_usd_per_mtok"] == 3200.0 and jais["output_usd_per_mtok"] == 9710.0
    checked = validate_frame(parsed["token_prices"], CONTRACTS["token_prices"], "token_prices", OBSERVED_ON)
    assert set(checked.quarantine["source_row"]) == {jais["source_row"]}
    assert checked.good.height == parsed["token_prices"].height - 1


def test_models_are_unique_per_canonical_id_and_pass_their_contracts(parsed):
    models = parsed["models"]
    assert models["model_id"].is_unique().all()
    for table in ("models", "model_aliases"):
        checked = validate_frame(parsed[table], CONTRACTS[table], table, OBSERVED_ON)
        assert checked.quarantine.height == 0, checked.quarantine.to_dicts()
    gpt4o = models.filter(pl.col("model_id") == "gpt-4o").to_dicts()[0]
    assert gpt4o["model_name"] == "gpt-4o"  # the key that is the id itself, not azure/...
    assert gpt4o["organization"] == "OpenAI"
    assert gpt4o["released_on"] is None
    assert gpt4o["is_reasoning"] is None and gpt4o["reasoning_mode"] is None  # the file says nothing
    assert "2 more identifier(s)" in gpt4o["provenance"]


def test_reasoning_flags_come_from_supports_reasoning(parsed):
    by_id = {row["model_id"]: row for row in parsed["models"].to_dicts()}
    assert by_id["o3-mini"]["is_reasoning"] is True
    assert by_id["o3-mini"]["reasoning_mode"] is None  # the file cannot tell always-on from hybrid
    assert by_id["claude-3-7-sonnet"]["organization"] == "Anthropic"
    audio = by_id["gpt-4o-audio-preview"]
    assert audio["is_reasoning"] is False and audio["reasoning_mode"] == "none"
    assert audio["organization"] == ""  # azure resells; it does not name the developer


def test_aliases_map_every_key_with_its_match_method(parsed):
    aliases = {row["alias"]: row for row in parsed["model_aliases"].to_dicts()}
    assert aliases["gpt-4o"]["match_method"] == "exact"
    assert aliases["gpt-4o-2024-08-06"]["model_id"] == "gpt-4o"
    assert aliases["azure/gpt-4o"]["match_method"] == "normalized"
    # The free variant is the paid model's identity, even though its price is not recorded.
    free = aliases["openrouter/meta-llama/llama-3-8b-instruct:free"]
    assert free["model_id"] == canonical_model_id("meta-llama/llama-3-8b-instruct")


def test_missing_optional_fields_are_null_and_unknown_fields_ignored():
    frames = litellm.parse(
        json.dumps(
            {
                "no-provider-model": {"mode": "chat", "input_cost_per_token": 1e-06, "brand_new_field": [1, 2]},
                "bare-chat-model": {"mode": "chat"},
            }
        ).encode(),
        "x.json",
        OBSERVED_ON,
    )
    prices = frames["token_prices"].to_dicts()
    assert len(prices) == 1
    assert prices[0]["provider"] == "unspecified"
    assert prices[0]["input_usd_per_mtok"] == 1.0 and prices[0]["output_usd_per_mtok"] is None
    assert prices[0]["blended_usd_per_mtok"] is None
    assert set(frames["model_aliases"]["alias"]) == {"no-provider-model", "bare-chat-model"}


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("input_cost_per_token", "cheap", "not a price: 'cheap'"),
        ("output_cost_per_token", [1e-06], "not a price"),
        ("cache_read_input_token_cost", True, "not a price"),
        ("output_cost_per_reasoning_token", "NaN", "not a finite price"),
        ("supports_reasoning", "sometimes", "expected true or false"),
        ("litellm_provider", 7, "expected text"),
        ("mode", ["chat"], "expected text"),
    ],
)
def test_a_bad_value_names_the_file_entry_key_and_field(field, value, fragment):
    payload = json.dumps(
        {
            "sample_spec": {"mode": "one of chat, embedding"},
            "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06},
            "o3": {"litellm_provider": "openai", "mode": "chat", field: value},
        }
    ).encode()
    with pytest.raises(FeedError) as caught:
        litellm.parse(payload, "prices.json", OBSERVED_ON)
    error = caught.value
    assert error.row == 3 and error.field == field
    assert "prices.json" in str(error) and "'o3'" in str(error) and fragment in str(error)


def test_a_bad_price_in_a_skipped_mode_is_not_an_error():
    payload = _entry("tts-1", mode="audio_speech", input_cost_per_character="a lot")
    assert litellm.parse(payload, "x.json", OBSERVED_ON)["token_prices"].height == 0


def test_gzip_and_utf16_payloads_parse_like_the_plain_file(payload):
    plain = litellm.parse(payload, "p.json", OBSERVED_ON)
    for variant in (gzip.compress(payload), payload.decode("utf-8").encode("utf-16")):
        frames = litellm.parse(variant, "p.json", OBSERVED_ON)
        for table in plain:
            assert frames[table].equals(plain[table])


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"model,price\ngpt-4o,2.5\n", "not valid JSON"),
        (b'{"gpt-4o": {"mode": "chat", "input_cost_per_token": 2.5e-', "truncated"),
        (FIXTURE_BYTES[: len(FIXTURE_BYTES) // 2], "truncated"),
        (gzip.compress(b'{"gpt-4o": {}}')[:-6], "corrupt or truncated"),
        (b"\xff\xfe\x00\x00garbage\xff", "not UTF-8"),
        (b"[1, 2, 3]", "an array"),
        (b"{}", "no model entries"),
        (b'{"sample_spec": {"mode": "chat"}}', "no model entries"),
        (b'{"data": [{"id": "openai/gpt-4o"}]}', "no model entries"),  # an OpenRouter response
        (b"[" * 100_000, "JSON"),
    ],
)
def test_unusable_payloads_are_one_structural_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        litellm.parse(payload, "x.json", OBSERVED_ON)
    assert fragment in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        frames = litellm.parse(payload, "random.json", OBSERVED_ON)
    except FeedError:
        return
    assert set(frames) == {"token_prices", "models", "model_aliases"}


_JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
_FIELD_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "mode": st.sampled_from(["chat", "completion", "responses", "embedding"]) | _JSON,
        "litellm_provider": st.text(max_size=10) | _JSON,
        "input_cost_per_token": st.floats(allow_nan=True) | st.text(max_size=10) | _JSON,
        "output_cost_per_token": st.floats(min_value=0, max_value=1) | st.sampled_from(["1e-6", "0", "-1", ""]),
        "cache_read_input_token_cost": _JSON,
        "output_cost_per_reasoning_token": _JSON,
        "supports_reasoning": st.booleans() | _JSON,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(max_size=20), _FIELD_VALUES | _JSON, max_size=6))
def test_generated_price_files_parse_or_raise_feed_error(document):
    try:
        payload = json.dumps(document).encode("utf-8", errors="surrogatepass")
    except ValueError:
        return  # NaN keys etc. cannot be produced by a JSON writer
    try:
        frames = litellm.parse(payload, "generated.json", OBSERVED_ON)
    except FeedError:
        return
    for table, frame in frames.items():
        assert frame.schema == pl.Schema(TABLE_COLUMNS[table])
    assert frames["models"]["model_id"].is_unique().all()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_mutated_fixture_parses_or_raises_feed_error(data):
    original = FIXTURE_BYTES
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 40)))
    replacement = data.draw(st.binary(max_size=8) | st.sampled_from([b"", b'"x"', b"null", b"1e999", b"-1"]))
    mutated = original[:start] + replacement + original[end:]
    try:
        frames = litellm.parse(mutated, "mutated.json", OBSERVED_ON)
    except FeedError:
        return
    assert frames["token_prices"]["model"].is_unique().all()
