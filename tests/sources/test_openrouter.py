import datetime as dt
import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources import openrouter
from sources.contracts import CONTRACTS
from sources.errors import FeedError, StructuralError
from sources.identity import canonical_model_id
from sources.schemas import TABLE_COLUMNS
from warehouse.validate import validate_frame

OBSERVED_ON = dt.date(2025, 12, 1)
FIXTURE_BYTES = (Path(__file__).parents[1] / "fixtures" / "openrouter" / "models.json").read_bytes()


@pytest.fixture
def parsed():
    return openrouter.parse(FIXTURE_BYTES, "models.json", OBSERVED_ON)


def _prices(parsed):
    return {row["model"]: row for row in parsed["token_prices"].to_dicts()}


def _models(parsed):
    return {row["model_id"]: row for row in parsed["models"].to_dicts()}


def _one(entry):
    return json.dumps({"data": [entry]}).encode()


def test_frames_have_the_canonical_columns_and_pass_their_contracts(parsed):
    for table, frame in parsed.items():
        assert frame.schema == pl.Schema(TABLE_COLUMNS[table])
        checked = validate_frame(frame, CONTRACTS[table], table, OBSERVED_ON)
        assert checked.quarantine.height == 0, checked.quarantine.to_dicts()


def test_string_prices_per_token_become_usd_per_million(parsed):
    gpt4o = _prices(parsed)["openai/gpt-4o"]
    assert gpt4o["input_usd_per_mtok"] == 2.5 and gpt4o["output_usd_per_mtok"] == 10.0
    assert gpt4o["cached_input_usd_per_mtok"] == 1.25
    assert gpt4o["blended_usd_per_mtok"] == pytest.approx(4.375)
    assert gpt4o["reasoning_usd_per_mtok"] is None  # "0": reasoning is billed as output
    assert (gpt4o["source"], gpt4o["provider"], gpt4o["model_version"]) == ("openrouter", "openrouter", "")
    assert gpt4o["observed_on"] == OBSERVED_ON and gpt4o["source_row"] == 1
    assert "entry 1 'openai/gpt-4o'" in gpt4o["provenance"] and "OpenRouter" in gpt4o["provenance"]
    flash = _prices(parsed)["google/gemini-2.5-flash"]
    assert flash["reasoning_usd_per_mtok"] == 2.5 and flash["cached_input_usd_per_mtok"] == 0.075


def test_free_batch_variable_and_non_text_models_are_not_prices(parsed):
    prices = _prices(parsed)
    assert set(prices) == {
        "openai/gpt-4o",
        "openai/gpt-4o-2024-08-06",
        "deepseek/deepseek-r1",
        "anthropic/claude-3.7-sonnet",
        "anthropic/claude-3.7-sonnet:thinking",
        "google/gemini-2.5-flash",
        "mistralai/mistral-7b-instruct-v0.1",
    }
    aliases = set(parsed["model_aliases"]["alias"])
    # "0"/"0" free copy, batch discount, "-1" variable router: identities kept, prices not
    assert {"deepseek/deepseek-r1:free", "anthropic/claude-opus-4.5:batch", "openrouter/auto"} <= aliases
    # embeddings and image generators are not LLM token prices at all
    assert not {"openai/text-embedding-3-small", "black-forest-labs/flux.2-pro"} & aliases


def test_models_take_release_organization_and_reasoning_from_the_entries(parsed):
    models = _models(parsed)
    assert parsed["models"]["model_id"].is_unique().all()
    gpt4o = models["gpt-4o"]
    assert gpt4o["model_name"] == "OpenAI: GPT-4o"
    assert gpt4o["organization"] == "openai"
    assert gpt4o["released_on"] == dt.date(2024, 5, 13)  # earliest listing among its ids
    assert gpt4o["is_reasoning"] is False and gpt4o["reasoning_mode"] == "none"
    r1 = models["deepseek-r1"]
    assert r1["model_name"] == "DeepSeek: R1"  # the plain id, not the ":free" copy
    assert r1["is_reasoning"] is True and r1["reasoning_mode"] == "always_on"
    assert models["claude-opus-4-5"]["reasoning_mode"] == "hybrid"
    # ":thinking" forces reasoning on a hybrid model; the model itself stays hybrid
    assert models["claude-3-7-sonnet"]["is_reasoning"] is True
    assert models["claude-3-7-sonnet"]["reasoning_mode"] == "hybrid"
    assert models["gemini-2-5-flash"]["reasoning_mode"] is None  # no `reasoning` object
    mistral = models[canonical_model_id("mistralai/mistral-7b-instruct-v0.1")]
    assert mistral["is_reasoning"] is None  # no supported_parameters


def test_aliases_point_variants_at_the_base_model(parsed):
    aliases = {row["alias"]: row for row in parsed["model_aliases"].to_dicts()}
    assert aliases["deepseek/deepseek-r1:free"]["model_id"] == "deepseek-r1"
    assert aliases["anthropic/claude-3.7-sonnet:thinking"]["model_id"] == "claude-3-7-sonnet"
    assert {row["match_method"] for row in aliases.values()} == {"normalized"}


def test_minus_one_is_an_unknown_price_and_zero_on_one_side_is_kept():
    frames = openrouter.parse(
        _one({"id": "acme/half-free", "pricing": {"prompt": "0", "completion": "0.000001"}}), "m.json", OBSERVED_ON
    )
    row = frames["token_prices"].to_dicts()[0]
    assert row["input_usd_per_mtok"] == 0.0 and row["output_usd_per_mtok"] == 1.0
    frames = openrouter.parse(
        _one({"id": "acme/router", "pricing": {"prompt": "-1", "completion": "0.000002"}}), "m.json", OBSERVED_ON
    )
    row = frames["token_prices"].to_dicts()[0]
    assert row["input_usd_per_mtok"] is None and row["output_usd_per_mtok"] == 2.0
    assert row["blended_usd_per_mtok"] is None


def test_missing_optional_fields_are_null():
    frames = openrouter.parse(_one({"id": "acme/minimal"}), "m.json", OBSERVED_ON)
    assert frames["token_prices"].height == 0
    model = frames["models"].to_dicts()[0]
    assert model["model_name"] == "acme/minimal" and model["organization"] == "acme"
    assert model["released_on"] is None and model["is_reasoning"] is None


@pytest.mark.parametrize(
    ("entry", "field", "fragment"),
    [
        ({"id": "acme/x", "pricing": {"prompt": "cheap"}}, "pricing.prompt", "not a price: 'cheap'"),
        ({"id": "acme/x", "pricing": {"completion": ["0.1"]}}, "pricing.completion", "not a price"),
        ({"id": "acme/x", "pricing": "free"}, "pricing", "expected an object"),
        ({"id": "acme/x", "created": "yesterday"}, "created", "unix seconds"),
        ({"id": "acme/x", "created": 10**20}, "created", "plausible"),
        ({"id": "acme/x", "supported_parameters": "reasoning"}, "supported_parameters", "a list"),
        ({"id": "acme/x", "architecture": {"output_modalities": "text"}}, "architecture.output_modalities", "list"),
        ({"id": "acme/x", "name": 42}, "name", "expected text"),
        ({"id": 42}, "id", "model id"),
        ({"name": "no id"}, "id", "model id"),
    ],
)
def test_a_bad_value_names_the_file_entry_model_and_field(entry, field, fragment):
    payload = json.dumps({"data": [{"id": "openai/gpt-4o"}, entry]}).encode()
    with pytest.raises(FeedError) as caught:
        openrouter.parse(payload, "models.json", OBSERVED_ON)
    error = caught.value
    assert error.row == 2 and error.field == field
    assert "models.json" in str(error) and fragment in str(error)
    if isinstance(entry.get("id"), str):
        assert "'acme/x'" in str(error)


def test_an_entry_that_is_not_an_object_is_named():
    with pytest.raises(FeedError) as caught:
        openrouter.parse(b'{"data": [{"id": "a/b"}, "c/d"]}', "m.json", OBSERVED_ON)
    assert caught.value.row == 2


def test_gzip_and_utf16_payloads_parse_like_the_plain_response(parsed):
    for variant in (gzip.compress(FIXTURE_BYTES), FIXTURE_BYTES.decode("utf-8").encode("utf-16")):
        frames = openrouter.parse(variant, "models.json", OBSERVED_ON)
        for table in parsed:
            assert frames[table].equals(parsed[table])


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"<html><body>502 Bad Gateway</body></html>", "not valid JSON"),
        (FIXTURE_BYTES[:-200], "truncated"),
        (b'{"error": {"code": 401, "message": "No auth credentials found"}}', "no 'data' list"),
        (b'{"data": {"id": "openai/gpt-4o"}}', "no 'data' list"),
        (b"[]", "no 'data' list"),
        (b"\x1f\x8b\x08\x00\x00\x00", "corrupt or truncated"),
    ],
)
def test_unusable_payloads_are_one_structural_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        openrouter.parse(payload, "models.json", OBSERVED_ON)
    assert fragment in str(caught.value)


def test_an_empty_model_list_is_empty_frames():
    frames = openrouter.parse(b'{"data": []}', "models.json", OBSERVED_ON)
    assert all(frame.height == 0 for frame in frames.values())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        openrouter.parse(payload, "random.json", OBSERVED_ON)
    except FeedError:
        return


_JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
_PRICE = st.sampled_from(["0", "-1", "0.000001", "1e-7", "", "free"]) | _JSON
_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=20) | _JSON,
        "name": st.text(max_size=10) | _JSON,
        "created": st.integers(-(10**12), 10**12) | st.floats() | _JSON,
        "architecture": st.fixed_dictionaries(
            {}, optional={"output_modalities": st.lists(st.sampled_from(["text", "image", "embeddings"])) | _JSON}
        )
        | _JSON,
        "pricing": st.dictionaries(
            st.sampled_from(["prompt", "completion", "input_cache_read", "internal_reasoning"]), _PRICE
        )
        | _JSON,
        "supported_parameters": st.lists(st.sampled_from(["reasoning", "tools"])) | _JSON,
        "reasoning": st.fixed_dictionaries({}, optional={"mandatory": _JSON}) | _JSON,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ENTRY | _JSON, max_size=5))
def test_generated_responses_parse_or_raise_feed_error(entries):
    payload = json.dumps({"data": entries}).encode("utf-8", errors="surrogatepass")
    try:
        frames = openrouter.parse(payload, "generated.json", OBSERVED_ON)
    except FeedError:
        return
    for table, frame in frames.items():
        assert frame.schema == pl.Schema(TABLE_COLUMNS[table])


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_mutated_fixture_parses_or_raises_feed_error(data):
    start = data.draw(st.integers(0, len(FIXTURE_BYTES)))
    end = data.draw(st.integers(start, min(len(FIXTURE_BYTES), start + 40)))
    replacement = data.draw(st.binary(max_size=8) | st.sampled_from([b"", b'"x"', b"null", b"-1", b"[]"]))
    try:
        openrouter.parse(FIXTURE_BYTES[:start] + replacement + FIXTURE_BYTES[end:], "mutated.json", OBSERVED_ON)
    except FeedError:
        return
