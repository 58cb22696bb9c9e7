import csv
import datetime as dt
import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources import epoch_usage
from sources.errors import FeedError, StructuralError
from sources.schemas import TABLE_COLUMNS

FETCHED = dt.date(2025, 12, 31)


def _observations(fixtures) -> pl.DataFrame:
    payload = (fixtures / "epoch_usage" / "usage_reports.csv").read_bytes()
    frames = epoch_usage.parse(payload, "usage_reports.csv", FETCHED)
    assert set(frames) == {"demand_observations"}
    return frames["demand_observations"]


def test_usage_reports_become_dated_observations(fixtures):
    observations = _observations(fixtures)
    assert observations.schema == pl.Schema(TABLE_COLUMNS["demand_observations"])
    assert observations.height == 5
    google = observations.filter(pl.col("company") == "Google").to_dicts()[0]
    assert google["observation_id"] == "Google 480T monthly tokens @ 2025-04-30"
    assert google["observed_on"] == dt.date(2025, 4, 30)  # M/D/YYYY in the export
    assert google["tokens_per_day"] == 1.6e13  # "1.6E+13"
    assert google["messages_per_day"] is None and google["active_users"] is None
    assert google["product"] == "Google (all AI products)"
    assert google["source_url"].startswith("https://techcrunch.com/")
    assert "reported 5/20/2025" in google["provenance"] and "CC BY 4.0" in google["provenance"]


def test_users_and_messages_keep_their_period(fixtures):
    chatgpt = _observations(fixtures).filter(pl.col("observation_id") == "ChatGPT 300M WAU @ 2024-12-04").to_dicts()[0]
    assert chatgpt["active_users"] == 300_000_000
    assert chatgpt["active_users_period"] == "Weekly"
    assert chatgpt["messages_per_day"] == 1_000_000_000
    assert chatgpt["confidence"] == "Confident" and chatgpt["source_type"] == "Company disclosure"


def test_a_repeated_source_id_gets_unique_dated_observation_ids(fixtures):
    observations = _observations(fixtures)
    assert observations["observation_id"].n_unique() == observations.height
    wau = observations.filter(pl.col("observation_id").str.starts_with("ChatGPT 700M WAU"))
    assert wau["observation_id"].to_list() == ["ChatGPT 700M WAU @ 2025-07-15", "ChatGPT 700M WAU @ 2025-08-04"]
    assert wau["active_users"].to_list() == [770_000_000, 700_000_000]


def test_a_report_without_tokens_messages_or_users_is_kept(fixtures):
    share = _observations(fixtures).filter(pl.col("company") == "Anthropic").to_dicts()[0]
    assert share["observation_id"] == "32% enterprise API share @ 2025-07-01"
    assert share["tokens_per_day"] is None and share["active_users"] is None


def test_the_same_id_on_the_same_date_is_numbered_in_file_order():
    payload = b"Id,Company,Daily tokens,Date\nX,OpenAI,1,1/2/2024\nX,OpenAI,2,1/2/2024\nX,OpenAI,3,1/3/2024\n"
    ids = epoch_usage.parse(payload, "u.csv", FETCHED)["demand_observations"]["observation_id"].to_list()
    assert ids == ["X @ 2024-01-02", "X @ 2024-01-02 #2", "X @ 2024-01-03"]


def test_missing_optional_columns_are_null_or_empty():
    payload = b"Id,Company,Date,Daily tokens,Unrelated\nDeepSeek 788B,DeepSeek,2/28/2025,7.88E+11,zzz\n"
    row = epoch_usage.parse(payload, "u.csv", FETCHED)["demand_observations"].to_dicts()[0]
    assert row["tokens_per_day"] == 7.88e11
    assert row["messages_per_day"] is None and row["active_users"] is None
    assert row["product"] == "" and row["source_url"] == "" and row["active_users_period"] == ""


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"Id,Company,Daily tokens,Date\nX,OpenAI,lots,1/2/2024\n", "Daily tokens"),
        (b"Id,Company,Daily tokens,Date\nX,OpenAI,1,2024/13/45\n", "Date"),
    ],
)
def test_a_bad_value_names_file_row_and_field(payload, field):
    with pytest.raises(FeedError) as caught:
        epoch_usage.parse(payload, "usage.csv", FETCHED)
    assert (caught.value.row, caught.value.field) == (2, field)
    assert "usage.csv" in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"\x1f\x8b\x08\x00rest", "gzip"),
        ("Id,Company,Daily tokens\n".encode("utf-16"), "UTF-16"),
        (b"Model,Organization,Publication date\nGPT-4o,OpenAI,2024-05-13\n", "not an Epoch AI usage-reports export"),
        (b"Id,Company,Daily tokens\nX,OpenAI,1\n", "missing required column(s) 'Date'"),
        (b"Id,Daily tokens,Date\nX,1,1/1/2024\n", "'Company'"),
    ],
)
def test_structural_problems_are_one_clear_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        epoch_usage.parse(payload, "x.csv", FETCHED)
    assert fragment in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        frames = epoch_usage.parse(payload, "random.csv", FETCHED)
    except FeedError:
        return
    assert set(frames) == {"demand_observations"}


_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_DATE = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)).map(lambda d: f"{d.month}/{d.day}/{d.year}")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, st.one_of(_CELL, _DATE), _CELL), min_size=1, max_size=6))
def test_mutated_exports_parse_or_raise_feed_error(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Id", "Company", "Date", "Daily tokens"])
    writer.writerows(rows)
    try:
        frames = epoch_usage.parse(buffer.getvalue().encode("utf-8"), "mutated.csv", FETCHED)
    except FeedError:
        return
    ids = frames["demand_observations"].filter(pl.col("observation_id") != "")["observation_id"]
    assert ids.n_unique() == ids.len()
