import csv
import datetime as dt
import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources import epoch_models
from sources.errors import FeedError, StructuralError
from sources.schemas import TABLE_COLUMNS

FETCHED = dt.date(2025, 6, 1)


def _parse(fixtures, name, observed_on=FETCHED):
    return epoch_models.parse((fixtures / "epoch_models" / name).read_bytes(), name, observed_on)


def _by_id(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["model_id"]: row for row in frame.to_dicts()}


def _assert_canonical(frames):
    for table, frame in frames.items():
        assert frame.schema == pl.Schema(TABLE_COLUMNS[table]), table


def test_notable_models_map_accessibility_and_leave_reasoning_unknown(fixtures):
    frames = _parse(fixtures, "notable_ai_models.csv")
    _assert_canonical(frames)
    models = _by_id(frames["models"])
    assert set(models) == {
        "o1-preview",
        "llama-3-1-405b",
        "allam-adapted-70b",
        "gpt-4o",
        "gpt-3-175b-davinci",
        "alexnet",
    }
    llama = models["llama-3-1-405b"]
    assert (llama["model_name"], llama["organization"]) == ("Llama 3.1-405B", "Meta AI")
    assert llama["released_on"] == dt.date(2024, 7, 23)
    assert llama["open_weights"] is True  # "Open weights (restricted use)"
    assert models["gpt-4o"]["open_weights"] is False  # "API access"
    assert models["allam-adapted-70b"]["open_weights"] is None  # accessibility not given
    assert all(row["is_reasoning"] is None and row["reasoning_mode"] is None for row in models.values())
    assert {row["source"] for row in models.values()} == {"epoch_notable_models"}
    assert "row 3" in llama["provenance"] and "CC BY 4.0" in llama["provenance"]


def test_old_releases_load_with_their_real_dates(fixtures):
    # The models contract accepts releases back to 1950, so AlexNet keeps its date.
    alexnet = _by_id(_parse(fixtures, "notable_ai_models.csv")["models"])["alexnet"]
    assert alexnet["released_on"] == dt.date(2012, 9, 30)


def test_notable_aliases_are_the_names_as_given(fixtures):
    aliases = _parse(fixtures, "notable_ai_models.csv")["model_aliases"]
    by_alias = {row["alias"]: row for row in aliases.to_dicts()}
    assert by_alias["GPT-3 175B (davinci)"]["model_id"] == "gpt-3-175b-davinci"
    assert by_alias["GPT-3 175B (davinci)"]["match_method"] == "normalized"
    assert by_alias["o1-preview"]["match_method"] == "exact"
    assert "ALLaM\xa0adapted 70B" in by_alias  # kept as given, surrounding space trimmed
    assert set(aliases["feed"]) == {"epoch_models"}


def test_hub_versions_merge_into_models_with_the_earliest_release(fixtures):
    frames = _parse(fixtures, "benchmarking_hub_model_versions.csv")
    _assert_canonical(frames)
    models = _by_id(frames["models"])
    gpt4o = models["gpt-4o"]
    assert gpt4o["released_on"] == dt.date(2024, 5, 13)
    assert gpt4o["source_row"] == 3 and "same model in rows 2" in gpt4o["provenance"]
    assert models["gpt-3-175b-davinci"]["released_on"] is None  # the hub gives no date
    assert models["qwq-32b"]["model_name"] == "QwQ-32B"
    assert all(row["organization"] == "" and row["open_weights"] is None for row in models.values())


def test_hub_row_without_model_name_uses_its_id_and_a_future_date_is_withheld(fixtures):
    models = _by_id(_parse(fixtures, "benchmarking_hub_model_versions.csv")["models"])
    exp = models["gemini-exp"]
    assert exp["model_name"] == "gemini-exp-1206"
    assert exp["released_on"] is None
    assert "2025-12-06" in exp["provenance"] and "withheld" in exp["provenance"]


def test_the_same_date_passes_when_the_file_is_dated_after_it(fixtures):
    models = _by_id(_parse(fixtures, "benchmarking_hub_model_versions.csv", dt.date(2026, 1, 1))["models"])
    assert models["gemini-exp"]["released_on"] == dt.date(2025, 12, 6)


def test_hub_version_ids_are_manual_aliases_where_epoch_links_them(fixtures):
    aliases = {
        r["alias"]: r for r in _parse(fixtures, "benchmarking_hub_model_versions.csv")["model_aliases"].to_dicts()
    }
    assert aliases["davinci-002"]["model_id"] == "gpt-3-175b-davinci"
    assert aliases["davinci-002"]["match_method"] == "manual"
    assert aliases["gpt-4o-2024-08-06"]["match_method"] == "normalized"
    assert aliases["QwQ-32B-Preview"]["model_id"] == "qwq-32b"  # Epoch AI files it under QwQ-32B
    assert aliases["QwQ-32B-Preview"]["match_method"] == "manual"


def test_reasoning_list_sets_flag_and_mode_from_the_annotation(fixtures):
    frames = _parse(fixtures, "reasoning_models_eci.csv", dt.date(2025, 12, 31))
    _assert_canonical(frames)
    models = _by_id(frames["models"])
    assert set(models) == {"o1-preview", "o1-mini", "deepseek-r1", "claude-3-7-sonnet"}
    assert all(row["is_reasoning"] is True for row in models.values())
    assert models["claude-3-7-sonnet"]["reasoning_mode"] == "hybrid"
    assert models["o1-mini"]["reasoning_mode"] == "always_on"  # "always-on; effort levels"
    r1 = models["deepseek-r1"]
    assert r1["released_on"] == dt.date(2025, 1, 20)  # DeepSeek-R1 (May 2025) is a later version
    assert r1["open_weights"] is True
    aliases = {r["alias"]: r["model_id"] for r in frames["model_aliases"].to_dicts()}
    assert aliases["DeepSeek-R1-0528"] == "deepseek-r1"
    assert aliases["o1-mini-2024-09-12_high"] == "o1-mini"


@pytest.mark.parametrize(
    ("annotation", "mode"),
    [
        ("always-on (compiler annotation)", "always_on"),
        ("always-on distilled (compiler annotation)", "always_on"),
        ("always-on; thinking budget (compiler annotation)", "always_on"),
        ("hybrid: thinking budget incl. off (compiler annotation)", "hybrid"),
        ("hybrid: reasoning/non-reasoning variants (compiler annotation)", "hybrid"),
        ("effort levels", "always_on"),
        ("", None),
    ],
)
def test_reasoning_mode_of_annotations(annotation, mode):
    assert epoch_models.reasoning_mode(annotation) == mode


def test_non_reasoning_list_marks_models_not_reasoning(fixtures):
    frames = _parse(fixtures, "non_reasoning_models_eci.csv", dt.date(2025, 12, 31))
    models = _by_id(frames["models"])
    assert set(models) == {"gpt-4o", "llama-3-1-405b", "gpt-4-5", "claude-sonnet-4-5"}
    assert all(row["is_reasoning"] is False and row["reasoning_mode"] == "none" for row in models.values())
    assert models["gpt-4o"]["released_on"] == dt.date(2024, 5, 13)
    assert models["claude-sonnet-4-5"]["model_name"] == "Claude Sonnet 4.5 (no thinking)"
    aliases = {r["alias"]: r for r in frames["model_aliases"].to_dicts()}
    assert aliases["gpt-4.5-preview-2025-02-27"]["model_id"] == "gpt-4-5"
    assert aliases["gpt-4.5-preview-2025-02-27"]["match_method"] == "manual"


def test_eval_token_usage_keeps_model_names_and_counts(fixtures):
    frames = _parse(fixtures, "eval_token_usage.csv")
    assert set(frames) == {"eval_token_usage"}
    _assert_canonical(frames)
    rows = frames["eval_token_usage"].to_dicts()
    assert [r["model"] for r in rows] == ["Yi-34B-Chat", "o1-2024-12-17_high", "Phi-3-medium-128k-instruct"]
    assert rows[1] == rows[1] | {
        "task": "GPQA Diamond",
        "epochs": 1,
        "samples": 198,
        "input_tokens": 51410.0,
        "output_tokens": 1258852.0,
        "total_tokens": 1310262.0,
        "source_row": 3,
    }


def test_a_bad_date_names_file_row_and_field():
    payload = b"model_version,model_name,organization,release_date\ngpt-4-0314,GPT-4,OpenAI,2023-03-14\nx,X,Y,soon\n"
    with pytest.raises(FeedError) as caught:
        epoch_models.parse(payload, "eci.csv", FETCHED)
    assert (caught.value.row, caught.value.field) == (3, "release_date")
    assert "eci.csv" in str(caught.value) and "soon" in str(caught.value)


def test_fractional_epochs_are_an_error():
    payload = (
        b"Model,Task,epochs,total_samples,input_tokens,output_tokens,total_tokens\n"
        b"Yi-34B-Chat,MATH level 5,8.5,10592,2222376,7308455,9530831\n"
    )
    with pytest.raises(FeedError) as caught:
        epoch_models.parse(payload, "usage.csv", FETCHED)
    assert caught.value.field == "epochs"


def test_unknown_columns_are_ignored_and_missing_optional_ones_are_null():
    payload = b"Model,Publication date,Organization,Extra\nGPT-4o,2024-05-13,OpenAI,whatever\n"
    row = epoch_models.parse(payload, "n.csv", FETCHED)["models"].to_dicts()[0]
    assert row["model_id"] == "gpt-4o" and row["open_weights"] is None


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"\x1f\x8b\x08\x00rest", "gzip"),
        ("Model,Publication date\n".encode("utf-16"), "UTF-16"),
        (b"Model,Publication date\xff\n", "not UTF-8"),
        (b"Model Name,Release Date,USD per 1M Tokens\nGPT-4,2023-03-14,37.5\n", "not an Epoch AI model export"),
        (b"Id,Company,Daily tokens,Date\nx,OpenAI,1,1/1/2024\n", "not an Epoch AI model export"),
        (b"Model,Publication date\nGPT-4o,2024-05-13\n", "missing required column(s) 'Organization'"),
        (b"model_version,model_name,release_date\nx,X,2024-01-01\n", "'organization'"),
        (b"Model,Task,epochs,total_samples,output_tokens\nx,y,1,1,1\n", "'input_tokens'"),
        (b"Model,Organization,Publication date\n", "no rows"),
    ],
)
def test_structural_problems_are_one_clear_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        epoch_models.parse(payload, "x.csv", FETCHED)
    assert fragment in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        frames = epoch_models.parse(payload, "random.csv", FETCHED)
    except FeedError:
        return
    assert set(frames) <= {"models", "model_aliases", "eval_token_usage"}


_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=14)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_CELL, _CELL, st.one_of(_CELL, st.dates().map(dt.date.isoformat)), _CELL, _CELL),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_reasoning_lists_parse_or_raise_feed_error(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["model_version", "model_name", "organization", "release_date", "reasoning_control_annotation"])
    for version, name, date, organization, annotation in rows:
        writer.writerow([version, name, organization, date, annotation])
    try:
        frames = epoch_models.parse(buffer.getvalue().encode("utf-8"), "mutated.csv", FETCHED)
    except FeedError:
        return
    models = frames["models"]
    assert models["model_id"].n_unique() == models.height  # one row per id
    assert models.filter(pl.col("released_on") > FETCHED).height == 0
    aliases = frames["model_aliases"]
    assert aliases["alias"].n_unique() == aliases.height
