"""Canonical developers from the organization fields of the feeds (transforms/data/developers.csv)."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.developers import canonical_developer, is_first_party_provider, model_developers, provider_parties


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
