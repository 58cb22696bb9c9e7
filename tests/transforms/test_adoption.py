import datetime as dt

import polars as pl
import pytest

from sources.schemas import MODEL_COLUMNS
from transforms.adoption import (
    DEDUPED_MODEL_SCHEMA,
    SHARE_SCHEMA,
    adoption_history,
    dedupe_models,
    per_model_history,
    reasoning_share,
)

D = dt.date


def _model(source, model_id, released_on, is_reasoning, organization="", mode=None):
    return {
        "source": source,
        "model_id": model_id,
        "model_name": model_id,
        "organization": organization,
        "released_on": released_on,
        "open_weights": None,
        "is_reasoning": is_reasoning,
        "reasoning_mode": mode,
        "source_row": 1,
        "provenance": "test",
    }


def _models():
    return pl.DataFrame(
        [
            # o-model: one feed says true, a later listing says false -> reasoning.
            _model("epoch", "o-model", D(2025, 1, 20), True, "OpenAI", "always_on"),
            _model("litellm", "o-model", D(2025, 2, 3), False, "", "none"),
            # hybrid: no false anywhere, one hybrid mode.
            _model("openrouter", "hybrid", D(2025, 2, 10), None, "", None),
            _model("epoch", "hybrid", D(2025, 2, 24), True, "Anthropic", "hybrid"),
            # plain: false and unknown -> false.
            _model("epoch", "plain", D(2025, 1, 5), False, "Meta"),
            _model("litellm", "plain", None, None, "Meta AI"),
            # mystery: nobody knows -> unknown, out of the denominator.
            _model("openrouter", "mystery", D(2025, 1, 15), None, "Acme"),
            # undated: cannot be placed in a period.
            _model("epoch", "undated", None, True, "OpenAI"),
            _model("epoch", "old", D(2024, 11, 30), False, "Meta"),
        ],
        schema=MODEL_COLUMNS,
    )


def test_dedupe_merges_sources_into_one_row_per_model():
    deduped = dedupe_models(_models())
    assert deduped.schema == pl.Schema(DEDUPED_MODEL_SCHEMA)
    rows = {row["model_id"]: row for row in deduped.to_dicts()}
    assert set(rows) == {"o-model", "hybrid", "plain", "mystery", "undated", "old"}
    assert rows["o-model"]["is_reasoning"] is True  # any true wins over a false
    assert rows["o-model"]["released_on"] == D(2025, 1, 20)  # earliest date
    assert rows["o-model"]["reasoning_mode"] == "always_on"
    assert (rows["o-model"]["n_sources"], rows["o-model"]["sources"]) == (2, "epoch,litellm")
    assert rows["hybrid"]["is_reasoning"] is True
    assert rows["hybrid"]["released_on"] == D(2025, 2, 10)
    assert rows["hybrid"]["organization"] == "Anthropic"  # first non-empty
    assert rows["hybrid"]["reasoning_mode"] == "hybrid"
    assert rows["plain"]["is_reasoning"] is False
    assert rows["plain"]["organization"] == "Meta"  # the dated source comes first
    assert rows["mystery"]["is_reasoning"] is None


def test_share_per_month_excludes_unknown_flags_from_the_denominator():
    shares = reasoning_share(_models(), "month")
    assert shares.schema == pl.Schema(SHARE_SCHEMA)
    assert shares["period"].to_list() == [D(2024, 11, 1), D(2025, 1, 1), D(2025, 2, 1)]
    # January 2025: o-model (reasoning), plain (not), mystery (unknown).
    january = shares.filter(pl.col("period") == D(2025, 1, 1)).row(0, named=True)
    assert (january["n_releases"], january["n_flag_known"], january["n_reasoning"], january["n_unknown"]) == (
        3,
        2,
        1,
        1,
    )
    assert january["share"] == pytest.approx(0.5)
    assert (january["share_min"], january["share_max"]) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    february = shares.filter(pl.col("period") == D(2025, 2, 1)).row(0, named=True)
    assert (february["n_releases"], february["n_flag_known"], february["n_reasoning"], february["share"]) == (
        1,
        1,
        1,
        1.0,
    )


def test_share_per_quarter_and_organization():
    quarterly = reasoning_share(_models(), "quarter")
    assert quarterly["period"].to_list() == [D(2024, 10, 1), D(2025, 1, 1)]
    assert quarterly["n_releases"].to_list() == [1, 4]
    assert quarterly["n_flag_known"].to_list() == [1, 3]
    assert quarterly["share"].to_list() == pytest.approx([0.0, 2 / 3])
    by_org = reasoning_share(_models(), "quarter", by_organization=True)
    assert by_org.columns == ["organization", *SHARE_SCHEMA]
    acme = by_org.filter(pl.col("organization") == "Acme").row(0, named=True)
    assert (acme["n_releases"], acme["n_flag_known"], acme["n_unknown"], acme["share"]) == (1, 0, 1, None)
    meta = by_org.filter(pl.col("organization") == "Meta")
    assert meta["n_releases"].to_list() == [1, 1]
    assert meta["share"].to_list() == [0.0, 0.0]
    with pytest.raises(ValueError, match="period"):
        reasoning_share(_models(), "year")  # type: ignore[arg-type]


def test_histories_for_the_adoption_models():
    history = adoption_history(reasoning_share(_models(), "month"))
    assert history.columns == ["ds", "y", "n"]
    assert history["n"].to_list() == [1.0, 2.0, 1.0]
    per_model = per_model_history(_models())
    assert per_model["ds"].to_list() == [D(2024, 11, 30), D(2025, 1, 5), D(2025, 1, 20), D(2025, 2, 10)]
    assert per_model["y"].to_list() == [0.0, 0.0, 1.0, 1.0]
    assert per_model["n"].to_list() == [1.0] * 4
