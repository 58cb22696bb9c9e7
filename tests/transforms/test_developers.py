"""Canonical developers from the organization fields of the feeds (transforms/data/developers.csv)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from transforms.adoption import reasoning_share
from transforms.developers import (
    UNKNOWN_DEVELOPER,
    canonical_developer,
    is_first_party_provider,
    model_developers,
    organization_as_developer,
    provider_parties,
)


@pytest.mark.parametrize(
    ("organization", "model_id", "expected"),
    [
        ("Google", None, "Google"),
        ("Google DeepMind", None, "Google"),
        ("DeepMind", None, "Google"),
        ("Google Brain", None, "Google"),
        ("DeepMind,University of Oxford", None, "Google"),
        ("University of Oxford,DeepMind", None, "Google"),  # the first *known* developer of a list
        ("Facebook AI Research,Google Brain", None, "Meta"),
        ("University of Washington,Allen Institute for AI", None, "University of Washington"),
        ("", "claude-3-5-sonnet", "Anthropic"),  # empty organization: the model id decides
        ("", "gpt-4o-mini", "OpenAI"),
        ("", "some-unknown-model", None),
        (None, None, None),
    ],
)
def test_canonical_developer(organization, model_id, expected):
    assert canonical_developer(organization, model_id) == expected


def test_model_developers_prefers_a_source_that_names_a_known_developer():
    models = pl.DataFrame(
        {
            "model_id": ["gemini-pro", "gemini-pro", "alpaca", "nameless"],
            "organization": ["", "Google DeepMind", "Stanford University", ""],
        }
    )
    assert model_developers(models).rows() == [
        ("alpaca", "Stanford University", "Stanford University"),
        ("gemini-pro", "Google DeepMind", "Google"),
        ("nameless", None, None),
    ]


def test_first_party_providers():
    assert is_first_party_provider("vertex_ai-language-models", "Google") is True
    assert is_first_party_provider("openrouter", "Google") is False
    assert is_first_party_provider("openai", "Stanford University") is None
    assert ("OpenAI", "openai") in provider_parties().rows()


def test_adoption_by_organization_counts_one_developer_once_however_feeds_spell_it():
    released = dt.date(2025, 2, 1)
    models = pl.DataFrame(
        {
            "source": ["notable", "notable", "hub", "notable", "litellm"],
            "model_id": ["gemini-2", "gemma-3", "gemma-3", "alphafold-x", "nameless"],
            "model_name": ["Gemini 2", "Gemma 3", "gemma-3", "AlphaFold X", "nameless"],
            "organization": ["Google DeepMind", "", "Google", "DeepMind,University of Oxford", ""],
            "released_on": [released] * 5,
            "is_reasoning": [True, False, None, None, None],
            "reasoning_mode": [None] * 5,
        },
        schema_overrides={"reasoning_mode": pl.String},
    )
    grouped = organization_as_developer(models, model_developers(models))
    assert grouped["model_id"].to_list() == models["model_id"].to_list()  # no row gained or lost
    shares = reasoning_share(grouped, period="quarter", by_organization=True)
    assert shares.select("organization", "n_releases", "n_flag_known", "n_reasoning").rows() == [
        ("Google", 3, 2, 1),
        (UNKNOWN_DEVELOPER, 1, 0, 0),
    ]
