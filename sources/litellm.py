"""Feed `litellm`: LiteLLM's community-maintained price list of LLM APIs.

Live format: `model_prices_and_context_window.json` from BerriAI/litellm, a JSON object
keyed by model identifier ("gpt-4o", "azure/gpt-4o", "bedrock/anthropic.claude-..."). Each
entry gives `litellm_provider`, `mode` and prices in USD per token. One download is one
observation of every listed price on `observed_on` (the fetch date, or the vintage date
of a dated file).

Choices made when parsing (a user reading prices should know them):

* Entries kept: `mode` chat, completion and responses (OpenAI's Responses-API-only models
  such as o1-pro, o3-pro and gpt-5-pro are chat models priced per text token). Embedding,
  image, audio, moderation, rerank, search, OCR, video and other modes are skipped.
* Entries without `mode` are skipped: in the real file they are Fireworks AI size-class
  price bands ("fireworks-ai-up-to-16b", "fireworks-ai-default"), prices for any model of
  a size, not models. `sample_spec` (the file's documentation) and non-object values
  (a top-level "last_updated" timestamp in some vintages) are skipped too.
* Prices: `input_cost_per_token` -> input, `output_cost_per_token` -> output,
  `cache_read_input_token_cost` -> cached input, `output_cost_per_reasoning_token` ->
  reasoning (a reasoning price of 0 means "billed as output", so it is recorded as null);
  USD per token (number or numeric string) -> USD per 1M tokens, exactly. A
  per-token price that looks like a per-million one is converted anyway and left for
  the contract to quarantine (see sources.per_token). Tiered prices (above 128k/200k
  tokens), batch, priority and flex prices are not recorded. Blended = 3 input : 1 output
  when both are known.
* Not recorded as token prices (but still in `models` and `model_aliases`): entries with
  neither an input nor an output price (priced per second, per character, or by
  provisioned-throughput commitment); free entries, whose every known input/output
  price is 0 (free previews, free API tiers, self-hosted runtimes such as Ollama —
  LiteLLM writes 0 where nobody sells the tokens, so 0 is not a market price); and
  ":free" variants (OpenRouter's rate-limited free copies of paid models).
* A price that is not a number ("cheap", a list, true) raises `FeedError` naming the entry
  number (as row), the model key and the field.
* `models`: one row per canonical model id (sources.identity), aggregated over keys (see
  sources.model_rows). model_name is the model's most canonical key (the key equal to the
  model id, else a key without a provider route, else the first); organization is the
  developer only where the LiteLLM provider is the developer's own API or its Vertex AI
  partner catalogue (`_ORGANIZATION_BY_PROVIDER`), else ""; released_on is null (the file
  has no dates); is_reasoning is True if any key of the model has `supports_reasoning:
  true`, False if keys say false and none true, null when no key says (the flag exists in
  the file only from ~2025-04); reasoning_mode is "none" for a model flagged non-reasoning
  and null otherwise, because the file does not say whether reasoning is always on or
  optional.
* `model_aliases`: one row per key, "exact" when the key is its own canonical id.
* A missing `litellm_provider` becomes provider "unspecified".
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from sources.errors import FeedError, StructuralError
from sources.identity import canonical_model_id
from sources.jsonio import decode_json, is_storable_text
from sources.model_rows import OBSERVATION_COLUMNS, model_frames
from sources.per_token import usd_per_mtok
from sources.schemas import PRICE_COLUMNS
from sources.values import ValueParseError

FEED_ID = "litellm"
SOURCE = "litellm"
LICENCE = "MIT, BerriAI/litellm"
DEFAULT_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"

KEPT_MODES = ("chat", "completion", "responses")
DOCUMENTATION_KEY = "sample_spec"
FREE_VARIANT_SUFFIX = ":free"

# LiteLLM field -> price role (the `<role>_usd_per_mtok` column).
PRICE_FIELDS: dict[str, str] = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cached_input",
    "output_cost_per_reasoning_token": "reasoning",
}

# Providers that are the model developer's own API (or its partner catalogue on Vertex AI):
# only there does the provider name the developer. Resellers (Azure, Bedrock, Together...)
# host many developers' models and say nothing about who made one.
_ORGANIZATION_BY_PROVIDER: dict[str, str] = {
    "openai": "OpenAI",
    "text-completion-openai": "OpenAI",
    "vertex_ai-openai_models": "OpenAI",
    "anthropic": "Anthropic",
    "vertex_ai-anthropic_models": "Anthropic",
    "gemini": "Google",
    "palm": "Google",
    "vertex_ai-language-models": "Google",
    "vertex_ai-chat-models": "Google",
    "vertex_ai-code-chat-models": "Google",
    "vertex_ai-text-models": "Google",
    "vertex_ai-code-text-models": "Google",
    "mistral": "Mistral AI",
    "codestral": "Mistral AI",
    "text-completion-codestral": "Mistral AI",
    "vertex_ai-mistral_models": "Mistral AI",
    "deepseek": "DeepSeek",
    "vertex_ai-deepseek_models": "DeepSeek",
    "xai": "xAI",
    "cohere": "Cohere",
    "cohere_chat": "Cohere",
    "ai21": "AI21 Labs",
    "vertex_ai-ai21_models": "AI21 Labs",
    "dashscope": "Alibaba",
    "vertex_ai-qwen_models": "Alibaba",
    "moonshot": "Moonshot AI",
    "vertex_ai-moonshot_models": "Moonshot AI",
    "zai": "Zhipu AI",
    "minimax": "MiniMax",
    "vertex_ai-minimax_models": "MiniMax",
    "meta_llama": "Meta AI",
    "vertex_ai-llama_models": "Meta AI",
    "amazon_nova": "Amazon",
    "aleph_alpha": "Aleph Alpha",
}


@dataclass
class EntryColumns:
    """The kept entries of a price file column by column (entry i is the i-th of each list).

    A daily file has thousands of entries: columns turned into frames at once cost a
    fraction of an object or a dict per entry.
    """

    rows: list[int]
    keys: list[str]
    providers: list[str]
    modes: list[str]
    prices: dict[str, list[float | None]]  # role -> USD per 1M tokens
    supports_reasoning: list[bool | None]


_PRICE_FIELD_NAMES = tuple(PRICE_FIELDS)


def parse(payload: bytes, source: str, observed_on: dt.date) -> dict[str, pl.DataFrame]:
    """Canonical `token_prices`, `models` and `model_aliases` frames of one price file."""
    entries = read_columns(payload, source)
    where = [location(source, row, key) for row, key in zip(entries.rows, entries.keys, strict=True)]
    # One polars query per frame, run together: small frames cost more in calls than in work.
    prices, models, aliases = pl.collect_all(
        [price_frame(entries, where, observed_on), *model_frames_of(observation_frame_of(entries, where))]
    )
    return {"token_prices": prices, "models": models, "model_aliases": aliases}


def read_columns(payload: bytes, source: str) -> EntryColumns:
    """The chat/completion/responses entries of a price file, values checked and converted, as columns."""
    document = decode_json(payload, feed=FEED_ID, source=source)
    if not isinstance(document, dict):
        raise StructuralError(
            f"not a LiteLLM price file: the JSON is {_json_kind(document)}, expected an object keyed by model",
            feed=FEED_ID,
            source=source,
        )
    if not any(isinstance(value, dict) for key, value in document.items() if key != DOCUMENTATION_KEY):
        hint = " (this looks like an OpenRouter /models response: feed openrouter)" if "data" in document else ""
        raise StructuralError(
            f"not a LiteLLM price file: no model entries (objects keyed by model name){hint}",
            feed=FEED_ID,
            source=source,
        )
    entries: list[tuple[Any, ...]] = []
    for row, (key, value) in enumerate(document.items(), start=1):
        if key == DOCUMENTATION_KEY or isinstance(value, str):
            continue  # the documentation entry, or file metadata such as "last_updated": "2025-10-01"
        if not isinstance(value, dict):
            raise _entry_error(source, row, key, f"the entry is {_json_kind(value)}, expected an object", "key")
        mode = value.get("mode")
        if mode not in KEPT_MODES:
            if mode is not None and not isinstance(mode, str):
                raise _entry_error(source, row, key, f"mode is {mode!r}, expected text", "mode")
            continue
        if not key.strip() or not (key.isascii() or is_storable_text(key)):
            raise _entry_error(source, row, key, "the model key is empty or not valid text", "key")
        provider = value.get("litellm_provider")
        if provider is None or provider == "":
            provider = "unspecified"
        elif not isinstance(provider, str) or not (provider.isascii() or is_storable_text(provider)):
            raise _entry_error(source, row, key, f"litellm_provider is {provider!r}, expected text", "litellm_provider")
        try:
            prices = [usd_per_mtok(value.get(name)) for name in _PRICE_FIELD_NAMES]
        except ValueParseError:
            raise _price_error(value, source, row, key) from None
        flag = value.get("supports_reasoning")
        if flag is not None and not isinstance(flag, bool):
            flag = parse_flag(flag, "supports_reasoning", functools.partial(_entry_error, source, row, key))
        entries.append((row, key, provider, mode, flag, *prices))
    return entry_columns(entries)


def entry_columns(entries: list[tuple[Any, ...]]) -> EntryColumns:
    """Entries read as tuples (row, key, provider, mode, supports_reasoning, *prices in
    PRICE_FIELDS order), turned into columns at once."""
    columns: list[list[Any]] = (
        [list(c) for c in zip(*entries, strict=True)] if entries else [[] for _ in range(5 + len(PRICE_FIELDS))]
    )
    return EntryColumns(
        rows=columns[0],
        keys=columns[1],
        providers=columns[2],
        modes=columns[3],
        supports_reasoning=columns[4],
        prices=dict(zip(PRICE_FIELDS.values(), columns[5:], strict=True)),
    )


def _price_error(value: dict[str, Any], source: str, row: int, key: str) -> FeedError:
    """The error naming the first price field of the entry that is not a price."""
    for name in _PRICE_FIELD_NAMES:
        try:
            usd_per_mtok(value.get(name))
        except ValueParseError as exc:
            return _entry_error(source, row, key, str(exc), name)
    raise AssertionError("no price field failed")  # pragma: no cover


def _entry_error(source: str, row: int, key: str, message: str, field: str) -> FeedError:
    return FeedError(f"model {key!r}: {message}", feed=FEED_ID, source=source, row=row, field=field)


def price_frame(c: EntryColumns, where: list[str], observed_on: dt.date) -> pl.LazyFrame:
    """The `token_prices` rows of the entries that are market token prices: priced, not free and
    not a ":free" variant. `where` is each entry's provenance (without the licence)."""
    entries = pl.LazyFrame(
        {
            "provider": c.providers,
            "model": c.keys,
            **{f"{role}_usd_per_mtok": values for role, values in c.prices.items()},
            "source_row": c.rows,
            "where": where,
        },
        schema={
            "provider": pl.String,
            "model": pl.String,
            **{f"{role}_usd_per_mtok": pl.Float64 for role in c.prices},
            "source_row": pl.Int64,
            "where": pl.String,
        },
    )
    input_usd, output_usd = pl.col("input_usd_per_mtok"), pl.col("output_usd_per_mtok")
    reasoning = pl.col("reasoning_usd_per_mtok")
    priced = input_usd.is_not_null() | output_usd.is_not_null()
    free = (input_usd.is_null() | (input_usd == 0.0)) & (output_usd.is_null() | (output_usd == 0.0))
    return (
        entries.filter(priced & ~free & ~pl.col("model").str.ends_with(FREE_VARIANT_SUFFIX))
        .with_columns(
            source=pl.lit(SOURCE, pl.String),
            model_version=pl.lit("", pl.String),
            observed_on=pl.lit(observed_on, pl.Date),
            # As sources.epoch_prices.blended_3to1: the same operations in the same order, so the same doubles.
            blended_usd_per_mtok=pl.when(input_usd.is_not_null() & output_usd.is_not_null()).then(
                (3.0 * input_usd + output_usd) / 4.0
            ),
            reasoning_usd_per_mtok=pl.when(reasoning != 0.0).then(reasoning),  # 0: not priced apart from output
            provenance=pl.col("where") + f"; {LICENCE}",
        )
        .select([pl.col(name).cast(dtype) for name, dtype in PRICE_COLUMNS.items()])
    )


def parse_flag(value: object, field: str, fail: Callable[[str, str], FeedError]) -> bool | None:
    """A JSON boolean (or "true"/"false" text, any case, as CSV exports write it); null -> None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise fail(f"{field} is {value!r}, expected true or false", field)


def observation_frame_of(c: EntryColumns, where: list[str]) -> pl.LazyFrame:
    """What each entry says about its model, as a `sources.model_rows` observation frame."""
    flags = c.supports_reasoning
    return pl.LazyFrame(
        {
            "alias": c.keys,
            "model_id": [canonical_model_id(key) for key in c.keys],
            "model_name": c.keys,
            "source_row": c.rows,
            "where": where,
            "organization": [_ORGANIZATION_BY_PROVIDER.get(provider, "") for provider in c.providers],
            "released_on": [None] * len(c.keys),
            "is_reasoning": flags,
            "reasoning_mode": ["none" if flag is False else None for flag in flags],
        },
        schema=OBSERVATION_COLUMNS,
    )


def model_frames_of(observations: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """`models` and `model_aliases` queries, aggregated per canonical model id.

    A model's name (and the row its provenance cites) is its most canonical key: the key
    that is the model id itself ("gpt-4o"), else a provider-less key, else the first seen.
    """
    alias, model_id = pl.col("alias"), pl.col("model_id")
    # A stable sort, as sorted() is: keys in file order within each kind.
    ordered = observations.sort([alias != model_id, alias.str.contains("/", literal=True)], maintain_order=True)
    return model_frames(ordered, source=SOURCE, feed=FEED_ID, licence=LICENCE)


def location(source: str, row: int, key: str) -> str:
    """Provenance of an entry (without the licence): the file, the entry number and the key."""
    return f"LiteLLM model_prices_and_context_window.json ({source}), entry {row} {key!r}"


def _json_kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
