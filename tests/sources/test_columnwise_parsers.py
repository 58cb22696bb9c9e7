"""The column-wise LiteLLM and OpenRouter parsers, the columnar model aggregation and the cached
price conversion give exactly what the row-by-row originals (tests/sources/rowwise) give:
equal frames (values, dtypes, column and row order) or the same error, message, row and field.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources import litellm, openrouter
from sources.errors import FeedError
from sources.model_rows import ModelObservation, model_rows
from sources.per_token import usd_per_mtok
from sources.values import ValueParseError
from tests.sources.rowwise import litellm as rowwise_litellm
from tests.sources.rowwise import model_rows as rowwise_model_rows
from tests.sources.rowwise import openrouter as rowwise_openrouter
from tests.sources.rowwise import per_token as rowwise_per_token

FIXTURES = Path(__file__).parents[1] / "fixtures"
OBSERVED_ON = dt.date(2025, 7, 1)
ADDED_TABLES = ("model_capabilities",)


def _outcome(parse: Any, payload: bytes) -> Any:
    try:
        return parse(payload, "file.json", OBSERVED_ON)
    except FeedError as error:
        return (type(error), str(error), error.row, error.field)


def _assert_same(new: Any, old: Any) -> None:
    if isinstance(old, tuple):
        assert new == old
        return
    assert not isinstance(new, tuple), new
    # The row-wise reference predates OpenRouter's benchmark scores (sources.openrouter_benchmarks).
    assert [table for table in new if table not in ADDED_TABLES] == list(old)
    for table in old:
        assert new[table].schema == old[table].schema, table
        assert new[table].equals(old[table]), table


def _json(document: object) -> bytes | None:
    try:
        return json.dumps(document).encode("utf-8", errors="surrogatepass")
    except ValueError:
        return None


# --- LiteLLM --------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)
# Keys that share canonical ids, carry routes, versions and variants, so models aggregate.
_KEYS = st.sampled_from(
    [
        "gpt-4o",
        "azure/gpt-4o",
        "gpt-4o-2024-08-06",
        "openrouter/openai/gpt-4o",
        "openai/gpt-4o:free",
        "claude-3-5-sonnet",
        "claude-3.5-sonnet",
        "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
        "o1",
        "x/o1",
        "o1-preview",
        "sample_spec",
        "  ",
        "???",
        "Llama-3.3-70B-Instruct",
    ]
) | st.text(max_size=12)
_PRICES = (
    st.none()
    | st.sampled_from([0, 0.0, -0.0, 1e-06, 2.5e-06, "2.5e-06", "0", " 1e-6 ", "", "-1", 0.002, 1, True, "cheap"])
    | st.floats(min_value=0, max_value=1e-3)
    | st.integers(-3, 3)
)
_LITELLM_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "mode": st.sampled_from(["chat", "completion", "responses", "embedding", None]) | _JSON,
        "litellm_provider": st.sampled_from(["openai", "azure", "anthropic", "bedrock", "", "vertex_ai-qwen_models"])
        | _JSON,
        "input_cost_per_token": _PRICES,
        "output_cost_per_token": _PRICES,
        "cache_read_input_token_cost": _PRICES,
        "output_cost_per_reasoning_token": _PRICES,
        "supports_reasoning": st.sampled_from([True, False, None, "true", "FALSE", " True ", "sometimes", 1]),
    },
)


def _chat(**fields: Any) -> dict[str, Any]:
    return {"mode": "chat", "litellm_provider": "openai", "input_cost_per_token": 1e-06, **fields}


def test_the_fixture_parses_exactly_as_before():
    payload = (FIXTURES / "litellm" / "model_prices_and_context_window.json").read_bytes()
    _assert_same(_outcome(litellm.parse, payload), _outcome(rowwise_litellm.parse, payload))
    c = litellm.read_columns(payload, "file.json")
    new_entries = [
        {
            "row": row,
            "key": key,
            "provider": provider,
            "mode": mode,
            "prices": {role: values[i] for role, values in c.prices.items()},
            "supports_reasoning": flag,
        }
        for i, (row, key, provider, mode, flag) in enumerate(
            zip(c.rows, c.keys, c.providers, c.modes, c.supports_reasoning, strict=True)
        )
    ]
    old_entries = rowwise_litellm.read_entries(payload, "file.json")
    assert new_entries == [e.__dict__ for e in old_entries]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _LITELLM_ENTRY | _JSON, max_size=12))
def test_generated_price_files_parse_exactly_as_before(document):
    payload = _json(document)
    if payload is None:
        return
    _assert_same(_outcome(litellm.parse, payload), _outcome(rowwise_litellm.parse, payload))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_KEYS, _LITELLM_ENTRY), min_size=1, max_size=40))
def test_larger_files_of_mostly_valid_entries_parse_exactly_as_before(entries):
    document = {key: {**_chat(), **entry} for key, entry in entries}
    payload = _json(document)
    if payload is None:
        return
    _assert_same(_outcome(litellm.parse, payload), _outcome(rowwise_litellm.parse, payload))


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"[1, 2]",
        b'{"sample_spec": {}}',
        gzip.compress(json.dumps({"gpt-4o": _chat()}).encode()),
        json.dumps({"gpt-4o": _chat()}).encode("utf-16"),
        json.dumps({"a": _chat(), "b": _chat(input_cost_per_token=[1])}).encode(),
        json.dumps({"a": _chat(mode=3)}).encode(),
        json.dumps({"\ud800": _chat()}).encode("utf-8", errors="surrogatepass"),
    ],
)
def test_edge_payloads_parse_or_fail_exactly_as_before(payload):
    _assert_same(_outcome(litellm.parse, payload), _outcome(rowwise_litellm.parse, payload))


# --- OpenRouter -----------------------------------------------------------------------------

_IDS = st.sampled_from(
    [
        "openai/gpt-4o",
        "openai/gpt-4o:free",
        "openai/gpt-4o-2024-08-06",
        "anthropic/claude-3.7-sonnet",
        "anthropic/claude-3.7-sonnet:thinking",
        "anthropic/claude-opus-4.5:batch",
        "openrouter/auto",
        "deepseek-r1",
        "",
    ]
) | st.text(max_size=10)
_OR_PRICE = st.sampled_from(["0", "-1", " -1 ", "0.000001", "0.0000025", "1e-7", "", "free", None, 0, 2e-06]) | _JSON
_OPENROUTER_ENTRY = st.fixed_dictionaries(
    {"id": _IDS},
    optional={
        "name": st.sampled_from(["GPT-4o", "  ", None]) | _JSON,
        "created": st.sampled_from([1715367049, 0, -5, 10**12, 1.5e9, True, None, "2024"]),
        "architecture": st.fixed_dictionaries(
            {},
            optional={
                "output_modalities": st.lists(st.sampled_from(["text", "image", "embeddings", " Text "]), max_size=2)
                | _JSON,
                "modality": st.sampled_from(["text->text", "text->image", "text+image->text", "weird"]) | _JSON,
            },
        )
        | _JSON,
        "pricing": st.fixed_dictionaries(
            {},
            optional={
                "prompt": _OR_PRICE,
                "completion": _OR_PRICE,
                "input_cache_read": _OR_PRICE,
                "internal_reasoning": _OR_PRICE,
            },
        )
        | _JSON,
        "supported_parameters": st.lists(st.sampled_from(["reasoning", "include_reasoning", "tools", 3]), max_size=3)
        | _JSON,
        "reasoning": st.fixed_dictionaries({}, optional={"mandatory": st.sampled_from([True, False, None, "yes"])})
        | _JSON,
    },
)


def test_the_openrouter_fixture_parses_exactly_as_before():
    payload = (FIXTURES / "openrouter" / "models.json").read_bytes()
    _assert_same(_outcome(openrouter.parse, payload), _outcome(rowwise_openrouter.parse, payload))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_OPENROUTER_ENTRY | _JSON, max_size=12))
def test_generated_model_lists_parse_exactly_as_before(entries):
    payload = _json({"data": entries})
    if payload is None:
        return
    _assert_same(_outcome(openrouter.parse, payload), _outcome(rowwise_openrouter.parse, payload))


# --- model aggregation and prices -----------------------------------------------------------

_OBSERVATIONS = st.lists(
    st.builds(
        ModelObservation,
        alias=st.sampled_from(["a", "a/x", "x", "x:free", "y", "b/y"]),
        model_id=st.sampled_from(["x", "y", ""]),
        model_name=st.sampled_from(["X", "Y"]),
        source_row=st.integers(1, 9),
        where=st.sampled_from(["w1", "w2"]),
        organization=st.sampled_from(["", "Acme", "Other"]),
        released_on=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2025, 1, 1)),
        is_reasoning=st.none() | st.booleans(),
        reasoning_mode=st.sampled_from([None, "", "none", "hybrid", "always_on"]),
    ),
    max_size=10,
)


@given(_OBSERVATIONS)
def test_model_rows_aggregate_exactly_as_before(observations):
    new = model_rows(observations, source="s", feed="f", licence="L")
    old = rowwise_model_rows.model_rows(observations, source="s", feed="f", licence="L")
    assert new == old


def _conversion(convert: Any, value: object) -> Any:
    try:
        result = convert(value)
    except ValueParseError as error:
        return ("error", str(error))
    # Tell 0.0 from -0.0 and compare NaN-free floats bit for bit.
    return ("ok", None if result is None else (result, math.copysign(1.0, result)))


_PRICE_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, -0.0, 0, "0", "-0", "-0.0", "0.0"])
    | st.text(max_size=8)
    | st.lists(st.integers(), max_size=2)
)


@given(st.lists(_PRICE_VALUES, max_size=20))
def test_cached_conversion_gives_what_the_uncached_one_gives_in_any_order(values):
    for value in values + values[::-1]:
        assert _conversion(usd_per_mtok, value) == _conversion(rowwise_per_token.usd_per_mtok, value)


def test_signed_zeros_keep_their_sign_through_the_cache():
    assert math.copysign(1.0, usd_per_mtok(0.0) or 0.0) == 1.0
    assert math.copysign(1.0, usd_per_mtok(-0.0)) == -1.0  # type: ignore[arg-type]
    assert math.copysign(1.0, usd_per_mtok(0.0) or 0.0) == 1.0


def test_frames_are_polars_frames_of_the_canonical_schema():
    payload = json.dumps({"gpt-4o": _chat(), "o1": _chat(supports_reasoning=True)}).encode()
    frames = litellm.parse(payload, "p.json", OBSERVED_ON)
    assert all(isinstance(frame, pl.DataFrame) for frame in frames.values())
