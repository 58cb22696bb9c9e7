"""Feed `openrouter`: the model list of OpenRouter's API (`GET /api/v1/models`).

Live format: `{"data": [...]}`, one object per OpenRouter model id ("openai/gpt-5.2",
"anthropic/claude-opus-4.5:batch") with `name`, `created` (unix seconds), `architecture`
(input/output modalities), `pricing` (USD per token, as strings) and
`supported_parameters`. One download is one observation of every listed price on
`observed_on` (the fetch date). No history is bundled: OpenRouter's API serves only
today's list.

Choices made when parsing:

* Kept: models whose `architecture.output_modalities` include "text" (chat models, and
  image models that also answer in text). Embedding-only and image-only models are
  skipped. An entry without modalities (older responses have only `modality`, e.g.
  "text->text") is judged by the part after "->"; with neither, it is kept.
* Prices: `prompt` -> input, `completion` -> output, `input_cache_read` -> cached input,
  `internal_reasoning` -> reasoning ("0", as most models list it, means reasoning tokens
  bill as output and is recorded as null); USD per token strings -> USD per 1M tokens, exactly
  (sources.per_token). "-1" means the price is variable or unknown (routers such as
  openrouter/auto) and becomes null. Long-context `overrides`, per-request, image, audio
  and web-search prices are not recorded. Blended = 3 input : 1 output when both known.
* Not recorded as token prices (still in `models` and `model_aliases`): ":free" variants
  (rate-limited free copies of paid models), ":batch" variants (an asynchronous batch
  discount, not the list price of a model), entries without any input/output price, and
  free entries whose every known input/output price is "0".
* `models`: one row per canonical model id (sources.identity strips the ":variant"
  suffix), aggregated as in sources.model_rows. model_name is OpenRouter's display name of
  the first id without a variant suffix; organization is the id's prefix before "/" (the
  OpenRouter author slug, e.g. "openai", "z-ai"); released_on is the date of `created`,
  which is when OpenRouter listed the model — the public release was on or before it.
  is_reasoning: "reasoning" or "include_reasoning" in `supported_parameters` (null when
  the entry has no `supported_parameters`); reasoning_mode: "always_on" when the
  `reasoning` object says `mandatory: true`, "hybrid" when `mandatory: false`, null when
  the entry does not say, "none" for a non-reasoning model. A variant's mode counts only
  when its base id is not listed (":thinking" forces reasoning on the hybrid
  claude-3.7-sonnet; the model stays hybrid).
* `benchmarks.artificial_analysis` (intelligence, coding, agentic indices) becomes dated
  `model_capabilities` rows (sources.openrouter_benchmarks).
* A malformed value (a price that is a word, a non-numeric `created`, an id that is not
  text) raises `FeedError` naming the entry number (as row), the model id and the field.
  A response without a `data` list raises `StructuralError`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import polars as pl

from sources.epoch_prices import blended_3to1
from sources.errors import FeedError, StructuralError
from sources.identity import canonical_model_id
from sources.jsonio import decode_json, is_storable_text
from sources.model_rows import ModelObservation, model_frames, observation_frame
from sources.openrouter_benchmarks import artificial_analysis_scores
from sources.per_token import is_free, usd_per_mtok
from sources.schemas import PRICE_COLUMNS
from sources.values import ValueParseError

FEED_ID = "openrouter"
SOURCE = "openrouter"
PROVIDER = "openrouter"
LICENCE = "OpenRouter API terms of service (openrouter.ai/terms)"
DEFAULT_URL = "https://openrouter.ai/api/v1/models"

PRICE_FIELDS: dict[str, str] = {
    "prompt": "input",
    "completion": "output",
    "input_cache_read": "cached_input",
    "internal_reasoning": "reasoning",
}
VARIABLE_PRICE = "-1"
NOT_LIST_PRICE_VARIANTS = frozenset({"free", "batch"})
REASONING_PARAMETERS = frozenset({"reasoning", "include_reasoning"})
# Unix seconds beyond this are not a listing date (year 3000); they would overflow dates.
_MAX_UNIX_SECONDS = 32_503_680_000


def parse(payload: bytes, source: str, observed_on: dt.date) -> dict[str, pl.DataFrame]:
    """Canonical `token_prices`, `models` and `model_aliases` frames of one /models response."""
    document = decode_json(payload, feed=FEED_ID, source=source)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list):
        raise StructuralError(
            "not an OpenRouter /api/v1/models response: no 'data' list of models",
            feed=FEED_ID,
            source=source,
        )
    prices: dict[str, list[Any]] = {name: [] for name in _PRICE_ROW}
    observations: list[tuple[bool, ModelObservation]] = []
    for row, entry in enumerate(data, start=1):
        parsed = _entry(row, entry, source, prices)
        if parsed is None:
            continue
        observation, has_variant = parsed
        observations.append((has_variant, observation))
    # Plain ids first, so a model's name and row come from "x/y", not from "x/y:free".
    plain = [o for variant, o in observations if not variant]
    # A variant configures its base model (":thinking" forces reasoning on a hybrid model), so
    # where the base is listed, the base's reasoning mode is the model's.
    listed = {o.alias for o in plain}
    variants = [
        replace(o, reasoning_mode=None) if o.alias.partition(":")[0] in listed else o
        for variant, o in observations
        if variant
    ]
    models, aliases = model_frames(
        observation_frame(plain + variants).lazy(), source=SOURCE, feed=FEED_ID, licence=LICENCE
    )
    token_prices = (
        pl.LazyFrame(prices, schema={name: PRICE_COLUMNS[name] for name in _PRICE_ROW})
        .with_columns(
            source=pl.lit(SOURCE, pl.String),
            provider=pl.lit(PROVIDER, pl.String),
            model_version=pl.lit("", pl.String),
            observed_on=pl.lit(observed_on, pl.Date),
        )
        .select(list(PRICE_COLUMNS))
    )
    frames = pl.collect_all([token_prices, models, aliases])
    tables = dict(zip(("token_prices", "models", "model_aliases"), frames, strict=True))
    tables["model_capabilities"] = artificial_analysis_scores(data, source, observed_on, feed=FEED_ID)
    return tables


# The columns of a `token_prices` row that vary between entries (the others are constants).
_PRICE_ROW = (
    "model",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "blended_usd_per_mtok",
    "cached_input_usd_per_mtok",
    "reasoning_usd_per_mtok",
    "source_row",
    "provenance",
)


def _entry(row: int, entry: object, source: str, prices: dict[str, list[Any]]) -> tuple[ModelObservation, bool] | None:
    """What one entry says; its `token_prices` row, if it has one, is appended to `prices`."""
    model_id = entry.get("id") if isinstance(entry, dict) else None

    def fail(message: str, field: str | None) -> FeedError:
        label = f"model {model_id!r}: " if isinstance(model_id, str) else ""
        return FeedError(f"{label}{message}", feed=FEED_ID, source=source, row=row, field=field)

    if not isinstance(entry, dict):
        raise fail(f"a model entry must be an object, not {type(entry).__name__}", None)
    if not isinstance(model_id, str) or not model_id.strip() or not is_storable_text(model_id):
        raise fail(f"id is {model_id!r}, expected a non-empty model id", "id")
    if not _outputs_text(entry.get("architecture"), fail):
        return None
    base, _, variant = model_id.partition(":")
    where = f"OpenRouter /api/v1/models ({source}), entry {row} {model_id!r}"
    price = _price_row(entry.get("pricing"), model_id, variant, row, where, fail)
    is_reasoning, reasoning_mode = _reasoning(entry, fail)
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not is_storable_text(name)):
        raise fail(f"name is {name!r}, expected text", "name")
    observation = ModelObservation(
        alias=model_id,
        model_id=canonical_model_id(model_id),
        model_name=name.strip() if name and name.strip() else model_id,
        source_row=row,
        where=where,
        organization=base.split("/", 1)[0] if "/" in base else "",
        released_on=_listing_date(entry.get("created"), fail),
        is_reasoning=is_reasoning,
        reasoning_mode=reasoning_mode,
    )
    if price is not None:  # only now: an entry that fails a later check adds no price row
        for name, value in zip(_PRICE_ROW, price, strict=True):
            prices[name].append(value)
    return observation, bool(variant)


def _outputs_text(architecture: object, fail: Any) -> bool:
    if architecture is None:
        return True
    if not isinstance(architecture, dict):
        raise fail(f"architecture is {architecture!r}, expected an object", "architecture")
    outputs = architecture.get("output_modalities")
    if outputs is None:
        modality = architecture.get("modality")
        if not isinstance(modality, str) or "->" not in modality:
            return True
        outputs = modality.split("->", 1)[1].split("+")
    if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
        raise fail(f"output_modalities is {outputs!r}, expected a list of text", "architecture.output_modalities")
    return "text" in (o.strip().lower() for o in outputs)


def _price_row(
    pricing: object,
    model_id: str,
    variant: str,
    row: int,
    where: str,
    fail: Any,
) -> tuple[Any, ...] | None:
    """The entry's varying `token_prices` values (in `_PRICE_ROW` order), or None for no list price."""
    if pricing is None:
        return None
    if not isinstance(pricing, dict):
        raise fail(f"pricing is {pricing!r}, expected an object", "pricing")
    prices: dict[str, float | None] = {}
    for field, role in PRICE_FIELDS.items():
        value = pricing.get(field)
        if isinstance(value, str) and value.strip() == VARIABLE_PRICE:
            prices[role] = None
            continue
        try:
            prices[role] = usd_per_mtok(value)
        except ValueParseError as exc:
            raise fail(str(exc), f"pricing.{field}") from None
    input_usd, output_usd = prices["input"], prices["output"]
    if input_usd is None and output_usd is None:
        return None
    if variant in NOT_LIST_PRICE_VARIANTS or is_free(input_usd, output_usd):
        return None
    return (
        model_id,
        input_usd,
        output_usd,
        blended_3to1(input_usd, output_usd),
        prices["cached_input"],
        prices["reasoning"] or None,  # "0": not priced apart from output
        row,
        f"{where}; {LICENCE}",
    )


def _reasoning(entry: dict[str, Any], fail: Any) -> tuple[bool | None, str | None]:
    parameters = entry.get("supported_parameters")
    if parameters is None:
        return None, None
    if not isinstance(parameters, list):
        raise fail(f"supported_parameters is {parameters!r}, expected a list", "supported_parameters")
    if not REASONING_PARAMETERS.intersection(p for p in parameters if isinstance(p, str)):
        return False, "none"
    details = entry.get("reasoning")
    mandatory = details.get("mandatory") if isinstance(details, dict) else None
    if mandatory is True:
        return True, "always_on"
    if mandatory is False:
        return True, "hybrid"
    return True, None


def _listing_date(created: object, fail: Any) -> dt.date | None:
    if created is None:
        return None
    if isinstance(created, bool) or not isinstance(created, int | float):
        raise fail(f"created is {created!r}, expected unix seconds", "created")
    if not 0 < created < _MAX_UNIX_SECONDS:
        raise fail(f"created is {created!r}, not a plausible unix time", "created")
    return dt.datetime.fromtimestamp(created, dt.UTC).date()
