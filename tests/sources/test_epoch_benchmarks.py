"""Benchmarking Hub runs, external MMLU scores and the Epoch Capabilities Index, in their real formats."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from sources import epoch_benchmarks, epoch_models, openrouter
from sources.contracts import CONTRACTS
from sources.errors import FeedError
from sources.identity import canonical_model_id
from warehouse.validate import validate_frame

FIXTURES = Path(__file__).parent.parent / "fixtures"
FILE_DATE = dt.date(2025, 11, 17)


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _hub_runs(with_versions: bool = True) -> pl.DataFrame:
    versions = epoch_benchmarks.hub_release_dates(
        _fixture("epoch_models/benchmarking_hub_model_versions_2025-11.csv"), "versions.csv"
    )
    return epoch_benchmarks.parse_hub_runs(
        _fixture("epoch_models/benchmarking_hub_runs.csv"), "runs.csv", FILE_DATE, versions if with_versions else None
    )


def _row(frame: pl.DataFrame, model: str, benchmark: str) -> dict:
    rows = frame.filter((pl.col("model") == model) & (pl.col("benchmark") == benchmark)).to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


def test_hub_scores_are_percent_and_an_effort_variant_keeps_its_best_setting():
    runs = _hub_runs()
    gpqa = _row(runs, "o3-2025-04-16", "gpqa_diamond")
    assert gpqa["score"] == pytest.approx(81.8)  # 0.818 of the _high run, not 76.5 of _low
    assert gpqa["observed_on"] == dt.date(2025, 4, 16)  # the release date, not the 2025-11 re-run
    assert "evaluation setting high" in gpqa["provenance"]
    assert "low 76.5" in gpqa["provenance"] and "medium 79.0" in gpqa["provenance"]
    assert canonical_model_id(gpqa["model"]) == "o3"


def test_hub_runs_map_tasks_and_leave_out_public_frontiermath_subsets():
    runs = _hub_runs()
    assert set(runs["benchmark"]) == {"gpqa_diamond", "math_level_5", "frontiermath", "swe_bench_verified"}
    assert _row(runs, "o3-2025-04-16", "frontiermath")["score"] == pytest.approx(18.7)
    assert _row(runs, "gpt-4o-2024-05-13", "math_level_5")["score"] == pytest.approx(51.0)


def test_hub_runs_without_a_release_date_are_dated_by_the_run_then_the_file():
    runs = _hub_runs(with_versions=False)
    # The earliest run of the version dates all its settings: one row per version and benchmark.
    assert _row(runs, "o3-2025-04-16", "gpqa_diamond")["observed_on"] == dt.date(2025, 11, 16)
    # No started_at and no release date: the file's own date.
    swe = _row(runs, "claude-sonnet-4-5-20250929", "swe_bench_verified")
    assert swe["observed_on"] == FILE_DATE
    assert "dated by the file" in swe["provenance"]
    assert "evaluation setting 32K" in swe["provenance"]


def test_external_mmlu_reads_percent_strings_and_keeps_the_lowest_report():
    mmlu = epoch_models.parse(_fixture("epoch_models/external_benchmark_mmlu.csv"), "mmlu.csv", FILE_DATE)[
        "model_capabilities"
    ]
    assert mmlu.height == 2  # the unscored row is skipped
    gpt4o = _row(mmlu, "gpt-4o-2024-05-13", "mmlu")
    assert gpt4o["score"] == pytest.approx(84.2)
    assert "lowest report kept" in gpt4o["provenance"] and "88.7" in gpt4o["provenance"]
    assert _row(mmlu, "amazon.nova-lite-v1:0", "mmlu")["observed_on"] == FILE_DATE


def test_capabilities_index_keeps_its_own_scale_and_release_dates():
    eci = epoch_models.parse(_fixture("epoch_models/capabilities_index.csv"), "eci.csv", FILE_DATE)[
        "model_capabilities"
    ]
    assert eci.height == 2  # gpt-oss-120b has no score
    o1 = _row(eci, "o1-2024-12-17", "eci")
    assert o1["score"] == pytest.approx(140.833043)  # medium beat high in this index
    assert o1["observed_on"] == dt.date(2024, 12, 17)
    assert _row(eci, "gpt-4-0314", "eci")["score"] == pytest.approx(125.697266)


def test_every_new_format_passes_the_capability_contract():
    for frame in (
        _hub_runs(),
        epoch_models.parse(_fixture("epoch_models/capabilities_index.csv"), "eci.csv", FILE_DATE)["model_capabilities"],
        epoch_models.parse(_fixture("epoch_models/external_benchmark_mmlu.csv"), "m.csv", FILE_DATE)[
            "model_capabilities"
        ],
    ):
        validated = validate_frame(frame, CONTRACTS["model_capabilities"], "model_capabilities", FILE_DATE)
        assert validated.quarantine.height == 0, validated.quarantine.to_dicts()


@pytest.mark.parametrize(
    ("benchmark", "score", "passes"),
    [
        ("eci", 150.0, True),
        ("eci", 500.0, False),
        ("eci", -1.0, False),
        ("gpqa_diamond", 101.0, False),
        ("aa_intelligence_index", 34.5, True),
        ("aa_intelligence_index", 120.0, False),
        ("chatbot_arena_elo", 1362.0, True),
    ],
)
def test_contract_bounds_per_benchmark_scale(benchmark, score, passes):
    frame = pl.DataFrame(
        {
            "source": ["s"],
            "model": ["m"],
            "observed_on": [dt.date(2025, 1, 1)],
            "benchmark": [benchmark],
            "score": [score],
            "source_row": [2],
            "provenance": ["p"],
        }
    )
    validated = validate_frame(frame, CONTRACTS["model_capabilities"], "model_capabilities", FILE_DATE)
    assert (validated.quarantine.height == 0) is passes


def test_a_malformed_hub_score_names_file_row_and_field():
    payload = b"id,task,model,Best score (across scorers)\nx,GPQA diamond,o3,high\n"
    with pytest.raises(FeedError) as error:
        epoch_models.parse(payload, "runs.csv", FILE_DATE)
    assert error.value.row == 2 and error.value.field == "Best score (across scorers)"
    assert "runs.csv" in str(error.value)


def test_openrouter_artificial_analysis_indices_are_dated_by_the_fetch():
    fetched = dt.date(2025, 12, 20)
    parsed = openrouter.parse(_fixture("openrouter/models_with_benchmarks.json"), "models.json", fetched)
    scores = parsed["model_capabilities"]
    # gpt-4o: intelligence and coding (agentic is null); glm-4.7: all three; the :free variant is skipped.
    assert sorted(zip(scores["model"], scores["benchmark"], strict=True)) == [
        ("openai/gpt-4o", "aa_coding_index"),
        ("openai/gpt-4o", "aa_intelligence_index"),
        ("z-ai/glm-4.7", "aa_agentic_index"),
        ("z-ai/glm-4.7", "aa_coding_index"),
        ("z-ai/glm-4.7", "aa_intelligence_index"),
    ]
    assert set(scores["observed_on"]) == {fetched}
    assert _row(scores, "z-ai/glm-4.7", "aa_coding_index")["score"] == pytest.approx(45.3)
    validated = validate_frame(scores, CONTRACTS["model_capabilities"], "model_capabilities", fetched)
    assert validated.quarantine.height == 0


def test_openrouter_index_that_is_not_a_number_names_the_entry_and_field():
    payload = (
        b'{"data": [{"id": "openai/gpt-4o", "pricing": {"prompt": "0.0000025", "completion": "0.00001"},'
        b' "benchmarks": {"artificial_analysis": {"intelligence_index": "high"}}}]}'
    )
    with pytest.raises(FeedError) as error:
        openrouter.parse(payload, "models.json", dt.date(2025, 12, 20))
    assert error.value.row == 1
    assert error.value.field == "benchmarks.artificial_analysis.intelligence_index"
