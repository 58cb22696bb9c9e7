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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from sources.epoch_prices import blended_3to1
from sources.errors import FeedError, StructuralError
from sources.identity import canonical_model_id
from sources.jsonio import decode_json, is_storable_text
from sources.schemas import frame_from_records
from sources.values import ValueParseError
from tests.sources.rowwise.model_rows import ModelObservation, model_rows
from tests.sources.rowwise.per_token import is_free, usd_per_mtok

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


@dataclass(frozen=True)
class Entry:
    """One kept model entry of a LiteLLM price file."""

    row: int  # 1-based position of the key in the file
    key: str
    provider: str
    mode: str
    prices: dict[str, float | None]  # role -> USD per 1M tokens
    supports_reasoning: bool | None


def parse(payload: bytes, source: str, observed_on: dt.date) -> dict[str, pl.DataFrame]:
    """Canonical `token_prices`, `models` and `model_aliases` frames of one price file."""
    entries = read_entries(payload, source)
    prices = []
    for entry in entries:
        where = entry_location(source, entry)
        record = price_record(entry.key, entry.provider, entry.prices, observed_on, entry.row, where)
        if record is not None:
            prices.append(record)
    models, aliases = models_and_aliases(
        model_observation(entry.key, entry.provider, entry.supports_reasoning, entry.row, entry_location(source, entry))
        for entry in entries
    )
    return {
        "token_prices": frame_from_records(prices, "token_prices"),
        "models": models,
        "model_aliases": aliases,
    }


def read_entries(payload: bytes, source: str) -> list[Entry]:
    """The chat/completion/responses entries of a price file, values checked and converted."""
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
    entries = []
    for row, (key, value) in enumerate(document.items(), start=1):
        if key == DOCUMENTATION_KEY or isinstance(value, str):
            continue  # the documentation entry, or file metadata such as "last_updated"
        if not isinstance(value, dict):
            # Deliberate rule (sources/litellm.py): any other non-object entry is an error naming it.
            raise FeedError(
                f"model {key!r}: the entry is {_json_kind(value)}, expected an object",
                feed=FEED_ID,
                source=source,
                row=row,
                field="key",
            )
        entry = _entry(row, key, value, source)
        if entry is not None:
            entries.append(entry)
    return entries


def _entry(row: int, key: str, value: dict[str, Any], source: str) -> Entry | None:
    def fail(message: str, field: str) -> FeedError:
        return FeedError(f"model {key!r}: {message}", feed=FEED_ID, source=source, row=row, field=field)

    mode = value.get("mode")
    if mode is not None and not isinstance(mode, str):
        raise fail(f"mode is {mode!r}, expected text", "mode")
    if mode not in KEPT_MODES:
        return None
    if not key.strip() or not is_storable_text(key):
        raise fail("the model key is empty or not valid text", "key")
    provider = value.get("litellm_provider")
    if provider is None or provider == "":
        provider = "unspecified"
    if not isinstance(provider, str) or not is_storable_text(provider):
        raise fail(f"litellm_provider is {provider!r}, expected text", "litellm_provider")
    prices: dict[str, float | None] = {}
    for field, role in PRICE_FIELDS.items():
        try:
            prices[role] = usd_per_mtok(value.get(field))
        except ValueParseError as exc:
            raise fail(str(exc), field) from None
    return Entry(
        row=row,
        key=key,
        provider=provider,
        mode=mode,
        prices=prices,
        supports_reasoning=parse_flag(value.get("supports_reasoning"), "supports_reasoning", fail),
    )


def parse_flag(value: object, field: str, fail: Callable[[str, str], FeedError]) -> bool | None:
    """A JSON boolean (or "true"/"false" text, any case, as CSV exports write it); null -> None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise fail(f"{field} is {value!r}, expected true or false", field)


def price_record(
    key: str,
    provider: str,
    prices: dict[str, float | None],
    observed_on: dt.date,
    source_row: int,
    where: str,
) -> dict[str, Any] | None:
    """A `token_prices` record, or None for an entry that is not a market token price."""
    input_usd, output_usd = prices.get("input"), prices.get("output")
    if input_usd is None and output_usd is None:
        return None
    if is_free(input_usd, output_usd) or key.endswith(FREE_VARIANT_SUFFIX):
        return None
    return {
        "source": SOURCE,
        "provider": provider,
        "model": key,
        "model_version": "",
        "observed_on": observed_on,
        "input_usd_per_mtok": input_usd,
        "output_usd_per_mtok": output_usd,
        "blended_usd_per_mtok": blended_3to1(input_usd, output_usd),
        "cached_input_usd_per_mtok": prices.get("cached_input"),
        "reasoning_usd_per_mtok": prices.get("reasoning") or None,  # 0: not priced apart from output
        "source_row": source_row,
        "provenance": f"{where}; {LICENCE}",
    }


def model_observation(
    key: str, provider: str, supports_reasoning: bool | None, source_row: int, where: str
) -> ModelObservation:
    """What one LiteLLM key says about its model (aggregated per model id by model_rows)."""
    return ModelObservation(
        alias=key,
        model_id=canonical_model_id(key),
        model_name=key,
        source_row=source_row,
        where=where,
        organization=_ORGANIZATION_BY_PROVIDER.get(provider, ""),
        is_reasoning=supports_reasoning,
        reasoning_mode="none" if supports_reasoning is False else None,
    )


def models_and_aliases(observations: Iterable[ModelObservation]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`models` and `model_aliases` frames, aggregated per canonical model id.

    A model's name (and the row its provenance cites) is its most canonical key: the key
    that is the model id itself ("gpt-4o"), else a provider-less key, else the first seen.
    """
    ordered = sorted(observations, key=lambda o: (o.alias != o.model_id, "/" in o.alias))
    models, aliases = model_rows(ordered, source=SOURCE, feed=FEED_ID, licence=LICENCE)
    return frame_from_records(models, "models"), frame_from_records(aliases, "model_aliases")


def entry_location(source: str, entry: Entry) -> str:
    """Provenance of an entry (without the licence): the file, the entry number and the key."""
    return f"LiteLLM model_prices_and_context_window.json ({source}), entry {entry.row} {entry.key!r}"


def _json_kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
