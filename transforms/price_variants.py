"""Variants of the scored price observations for the decline sensitivity table.

* blend 1:1 instead of 3:1 (needs both input and output prices);
* without reasoning models (any source flags the model as reasoning);
* first-party prices only (the developer's own API) vs third-party prices only.

A provider is first-party when it is the model developer's own API or cloud: matched by
keywords below, since feeds spell providers differently ("OpenAI", "openai", "vertex_ai").
Providers that cannot be judged ("unspecified" in Epoch's benchmark tables) are in neither.
"""

from __future__ import annotations

import polars as pl

FIRST_PARTY_PROVIDERS: dict[str, tuple[str, ...]] = {
    "openai": ("openai", "text-completion-openai"),
    "anthropic": ("anthropic",),
    "google": ("google", "vertex_ai", "gemini"),
    "meta": ("meta",),
    "mistral": ("mistral", "codestral"),
    "deepseek": ("deepseek",),
    "cohere": ("cohere",),
    "amazon": ("amazon", "bedrock"),
    "xai": ("xai", "x-ai"),
    "alibaba": ("alibaba", "dashscope", "qwen"),
    "ai21": ("ai21",),
    "microsoft": ("microsoft", "azure"),
    "moonshot": ("moonshot",),
    "zhipu": ("zhipu", "z-ai"),
    "reka": ("reka",),
}
UNJUDGED_PROVIDERS = ("unspecified",)


def organization_key(organization: str | None) -> str | None:
    text = (organization or "").lower().replace(" ", "")
    for key in FIRST_PARTY_PROVIDERS:
        if key in text:
            return key
    return None


def is_first_party(provider: str, organization: str | None) -> bool | None:
    provider_text = provider.lower()
    if provider_text in UNJUDGED_PROVIDERS:
        return None
    key = organization_key(organization)
    if key is None:
        return None
    return any(provider_text.startswith(prefix) for prefix in FIRST_PARTY_PROVIDERS[key])


def with_party(scored: pl.DataFrame, organizations: pl.DataFrame) -> pl.DataFrame:
    """Add `first_party` (bool or null) from each model id's organization."""
    joined = scored.join(organizations.select("model_id", "organization"), on="model_id", how="left")
    pairs = joined.select("provider", "organization").unique()
    judged = pairs.with_columns(
        first_party=pl.struct("provider", "organization").map_elements(
            lambda row: is_first_party(row["provider"], row["organization"]), return_dtype=pl.Boolean
        )
    )
    return joined.join(judged, on=["provider", "organization"], how="left", nulls_equal=True)


def reasoning_model_ids(models: pl.DataFrame) -> list[str]:
    return models.filter(pl.col("is_reasoning").fill_null(False))["model_id"].unique().to_list()
