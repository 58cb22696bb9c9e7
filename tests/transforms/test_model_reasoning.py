"""marts.model_reasoning: one flag per model, the adoption mart's, with the basis it rests on."""

from __future__ import annotations

import datetime as dt

import polars as pl

from transforms.adoption import reasoning_share
from transforms.model_reasoning import ERA_BASIS, SOURCE_BASIS, model_reasoning
from transforms.reasoning_era import infer_pre_reasoning_era

O1_PREVIEW = dt.date(2024, 9, 12)


def _models() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": ["litellm", "notable", "notable", "eci_reasoning", "notable", "litellm", "eci_non"],
            "model_id": ["gpt-4o", "gpt-4o", "gpt-2", "o1-preview", "new-model", "undated", "gpt-4o"],
            "model_name": ["gpt-4o", "GPT-4o", "GPT-2", "o1-preview", "New", "undated", "gpt-4o"],
            "organization": ["", "OpenAI", "OpenAI", "OpenAI", "", "", "OpenAI"],
            "released_on": [
                None,
                dt.date(2024, 5, 13),
                dt.date(2019, 2, 14),
                O1_PREVIEW,
                dt.date(2025, 1, 1),
                None,
                None,
            ],
            "is_reasoning": [None, None, None, True, None, None, False],
            "reasoning_mode": [None, None, None, "always_on", None, None, "none"],
        },
        schema_overrides={"released_on": pl.Date},
    )


def test_each_flag_names_its_basis_and_the_sources_that_state_it():
    rows = {row["model_id"]: row for row in model_reasoning(_models()).to_dicts()}
    assert set(rows) == {"gpt-2", "gpt-4o", "new-model", "o1-preview", "undated"}
    assert (rows["gpt-4o"]["is_reasoning"], rows["gpt-4o"]["reasoning_flag_basis"]) == (False, SOURCE_BASIS)
    assert rows["gpt-4o"]["flag_sources"] == "eci_non"
    assert rows["gpt-4o"]["sources"] == "eci_non,litellm,notable"
    assert (rows["o1-preview"]["is_reasoning"], rows["o1-preview"]["reasoning_mode"]) == (True, "always_on")
    # No feed states GPT-2's flag; it was released before the first reasoning model.
    assert (rows["gpt-2"]["is_reasoning"], rows["gpt-2"]["reasoning_flag_basis"]) == (False, ERA_BASIS)
    assert rows["gpt-2"]["flag_sources"] is None
    for unknown in ("new-model", "undated"):  # released after o1-preview, or never dated
        assert (rows[unknown]["is_reasoning"], rows[unknown]["reasoning_flag_basis"]) == (None, None)


def test_the_flags_are_the_ones_the_adoption_mart_counts():
    models = _models()
    flags = model_reasoning(models).filter(pl.col("released_on").is_not_null())
    shares = reasoning_share(infer_pre_reasoning_era(models), period="month")
    assert shares["n_flag_known"].sum() == flags["is_reasoning"].is_not_null().sum() == 3
    assert shares["n_reasoning"].sum() == flags["is_reasoning"].fill_null(False).sum() == 1


def test_no_models_give_an_empty_frame_with_the_mart_columns():
    empty = model_reasoning(_models().clear())
    assert empty.height == 0
    assert empty.columns == [
        "model_id",
        "released_on",
        "is_reasoning",
        "reasoning_mode",
        "reasoning_flag_basis",
        "flag_sources",
        "sources",
    ]
