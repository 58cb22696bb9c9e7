"""Canonical model developers: one name per company however a feed spells it.

Feeds spell a developer many ways ("Google", "Google DeepMind", "DeepMind", "Google Brain"),
list several organizations in one field ("DeepMind,University of Oxford"), or leave it empty
(most LiteLLM keys). `transforms/data/developers.csv` names each canonical developer with:

* `organization_keywords`: a listed organization containing one of these is that developer;
* `model_id_prefixes`: a model whose organization is empty or unmatched, and whose canonical
  id starts with one of these, is that developer (``claude-3-5-sonnet`` -> Anthropic);
* `provider_prefixes`: a provider starting with one of these is the developer's own API or
  cloud (a first-party listing; any other provider is a reseller).

A comma list takes its first organization that matches a keyword (the first listed is the
lead developer in Epoch AI's data); an organization no keyword matches stays as written
(a university or lab), and a model with nothing to go on has a null developer.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

DEVELOPERS_FILE = Path(__file__).parent / "data" / "developers.csv"
# Where a table is grouped by developer, models nothing identifies are counted under this name.
UNKNOWN_DEVELOPER = "unknown"


@dataclass(frozen=True)
class Developer:
    name: str
    organization_keywords: tuple[str, ...]
    model_id_prefixes: tuple[str, ...]
    provider_prefixes: tuple[str, ...]


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in field.split(";") if part.strip())


@cache
def read_developers(path: Path = DEVELOPERS_FILE) -> tuple[Developer, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Developer(
                row["developer"].strip(),
                _split(row["organization_keywords"]),
                _split(row["model_id_prefixes"]),
                _split(row["provider_prefixes"]),
            )
            for row in csv.DictReader(handle)
        )


def developer_of_organization(organization: str | None) -> Developer | None:
    """The known developer named first in an organization field, if any."""
    for part in (organization or "").split(","):
        text = part.strip().lower()
        if not text:
            continue
        for developer in read_developers():
            if any(keyword in text for keyword in developer.organization_keywords):
                return developer
    return None


def canonical_developer(organization: str | None, model_id: str | None = None) -> str | None:
    """The developer's canonical name (see the module docstring for the rules)."""
    known = developer_of_organization(organization)
    if known is not None:
        return known.name
    model_text = (model_id or "").lower()
    for developer in read_developers():
        if model_text and any(model_text.startswith(prefix) for prefix in developer.model_id_prefixes):
            return developer.name
    first = next((part.strip() for part in (organization or "").split(",") if part.strip()), None)
    return first


def is_first_party_provider(provider: str, developer: str | None) -> bool | None:
    """Whether `provider` is `developer`'s own API or cloud; None when the developer is not a known one."""
    named = next((d for d in read_developers() if d.name == developer), None)
    if named is None:
        return None
    return any(provider.lower().startswith(prefix) for prefix in named.provider_prefixes)


MODEL_DEVELOPER_SCHEMA: dict[str, pl.DataType] = {
    "model_id": pl.String(),
    "organization": pl.String(),
    "developer": pl.String(),
}


def model_developers(models: pl.DataFrame) -> pl.DataFrame:
    """One row per canonical model id: the organizations its sources give, and its canonical developer.

    Sources are read in the order given; the first non-empty organization is shown, and the
    first source whose organization names a known developer decides (then the model id).
    """
    if models.height == 0:
        return pl.DataFrame(schema=MODEL_DEVELOPER_SCHEMA)
    rows = []
    for (model_id,), part in models.group_by("model_id", maintain_order=True):
        organizations = [o for o in part["organization"].to_list() if o and o.strip()]
        shown = organizations[0] if organizations else None
        known = next((d for d in map(developer_of_organization, organizations) if d is not None), None)
        developer = known.name if known else canonical_developer(shown, str(model_id))
        rows.append({"model_id": model_id, "organization": shown, "developer": developer})
    return pl.DataFrame(rows, schema=MODEL_DEVELOPER_SCHEMA).sort("model_id")


def organization_as_developer(models: pl.DataFrame, developers: pl.DataFrame) -> pl.DataFrame:
    """`models` with `organization` replaced by the model's canonical developer (`developers` is
    model_developers' output), UNKNOWN_DEVELOPER where nothing identifies it: a table grouped by
    organization then counts Google once, not as Google, Google DeepMind, DeepMind and Google Brain."""
    canonical = developers.select("model_id", pl.col("developer").alias("_developer"))
    return (
        models.join(canonical, on="model_id", how="left")
        .with_columns(organization=pl.col("_developer").fill_null(UNKNOWN_DEVELOPER))
        .drop("_developer")
    )


def provider_parties() -> pl.DataFrame:
    """One row per developer per provider prefix that is its own API (for SQL views)."""
    rows = [
        {"developer": d.name, "provider_prefix": prefix} for d in read_developers() for prefix in d.provider_prefixes
    ]
    return pl.DataFrame(rows, schema={"developer": pl.String(), "provider_prefix": pl.String()})
