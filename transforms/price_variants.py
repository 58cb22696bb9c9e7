"""Variants of the scored price observations for the decline sensitivity table.

* blend 1:1 instead of 3:1 (needs both input and output prices);
* without reasoning models (any source flags the model as reasoning);
* first-party prices only (the developer's own API) vs third-party prices only.

A provider is first-party when it is the model developer's own API or cloud: matched by the
provider prefixes of transforms/data/developers.csv, since feeds spell providers differently
("OpenAI", "openai", "vertex_ai"). Providers that cannot be judged ("unspecified" in Epoch's
benchmark tables) are in neither.
"""

from __future__ import annotations

import polars as pl

from transforms.developers import developer_of_organization, is_first_party_provider

UNJUDGED_PROVIDERS = ("unspecified",)


def is_first_party(provider: str, organization: str | None) -> bool | None:
    if provider.lower() in UNJUDGED_PROVIDERS:
        return None
    developer = developer_of_organization(organization)
    return is_first_party_provider(provider, developer.name) if developer else None


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
