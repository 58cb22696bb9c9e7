import csv
import datetime as dt
import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources import epoch_hardware
from sources.contracts import CONTRACTS
from sources.errors import FeedError, StructuralError
from sources.schemas import HARDWARE_SPEC_COLUMNS
from warehouse.validate import validate_frame

TODAY = dt.date(2026, 1, 1)
HEADER = "Hardware name,Manufacturer,Type,Release date,TDP (W),Last modified\n"


def _specs(fixtures) -> pl.DataFrame:
    payload = (fixtures / "epoch_hardware" / "ml_hardware.csv").read_bytes()
    return epoch_hardware.parse(payload, "ml_hardware.csv", TODAY)["hardware_specs"]


def _by_chip(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["chip"]: row for row in frame.to_dicts()}


def test_specs_keep_source_units_and_read_exponents_and_commas(fixtures):
    frame = _specs(fixtures)
    assert list(frame.columns) == list(HARDWARE_SPEC_COLUMNS)
    h100 = _by_chip(frame)["NVIDIA H100 SXM5 80GB"]
    assert h100["vendor"] == "Nvidia" and h100["chip_type"] == "GPU"
    assert h100["released_on"] == dt.date(2022, 9, 20)  # written 9/20/2022
    assert h100["release_price_usd"] == 33600.0  # written "33,600"
    assert h100["int8_op_per_s"] == 1.979e15  # written "1.979e+15"
    assert h100["tensor_fp16_bf16_flop_per_s"] == 989.4e12
    assert h100["memory_bytes"] == 80e9 and h100["memory_bandwidth_bytes_per_s"] == 3.35e12
    assert h100["tdp_w"] == 700.0
    assert h100["fp4_flop_per_s"] is None
    assert h100["source_row"] == 2 and "CC BY 4.0" in h100["provenance"]


def test_duplicate_names_keep_the_most_recently_modified_row(fixtures):
    frame = _specs(fixtures)
    assert frame["chip"].to_list() == [
        "NVIDIA H100 SXM5 80GB",
        "Google TPU v7 Ironwood",
        "NVIDIA Rubin CPX",
        "Amazon Trainium3",
    ]
    ironwood = _by_chip(frame)["Google TPU v7 Ironwood"]
    assert ironwood["released_on"] == dt.date(2025, 11, 6)
    assert ironwood["tdp_w"] == 980.0
    assert ironwood["source_row"] == 4
    assert "dropped row(s) 3" in ironwood["provenance"]


def test_duplicates_without_timestamps_keep_the_first_row():
    payload = (HEADER + "X1,Acme,GPU,2024-01-02,100,\nX1,Acme,GPU,2024-05-06,200,\n").encode()
    rows = epoch_hardware.parse(payload, "h.csv", TODAY)["hardware_specs"].to_dicts()
    assert [(row["tdp_w"], row["source_row"]) for row in rows] == [(100.0, 2)]


def test_unreadable_timestamps_sort_as_oldest():
    rows = (
        "W1,Acme,GPU,2024-01-02,100,0001-01-01T00:00:00+01:00\nW1,Acme,GPU,2024-01-02,200,2025-01-01 10:00:00+00:00\n"
    )
    kept = epoch_hardware.parse((HEADER + rows).encode(), "h.csv", TODAY)["hardware_specs"].to_dicts()
    assert [row["tdp_w"] for row in kept] == [200.0]


def test_partial_release_dates_are_first_of_period_and_say_so(fixtures):
    rubin = _by_chip(_specs(fixtures))["NVIDIA Rubin CPX"]
    assert rubin["released_on"] == dt.date(2025, 9, 1)
    assert "release date given as '2025-09'" in rubin["provenance"]
    payload = (HEADER + "Y1,Acme,GPU,2019,,\nY2,Acme,GPU,,,\n").encode()
    rows = _by_chip(epoch_hardware.parse(payload, "h.csv", TODAY)["hardware_specs"])
    assert rows["Y1"]["released_on"] == dt.date(2019, 1, 1)
    assert "given as '2019'" in rows["Y1"]["provenance"]
    assert rows["Y2"]["released_on"] is None


def test_vendors_match_chip_shipments_spelling(fixtures):
    vendors = _by_chip(_specs(fixtures))
    assert vendors["Amazon Trainium3"]["vendor"] == "Amazon"  # "Amazon AWS"
    assert vendors["Google TPU v7 Ironwood"]["vendor"] == "Google"
    payload = (HEADER + "Ascend 910B,Huawei,NPU,2023-01-01,,\n").encode()
    assert epoch_hardware.parse(payload, "h.csv", TODAY)["hardware_specs"]["vendor"].to_list() == ["Huawei"]


def test_fixture_passes_the_contract(fixtures):
    validated = validate_frame(_specs(fixtures), CONTRACTS["hardware_specs"], "hardware_specs", TODAY)
    assert validated.quarantine.height == 0


@pytest.mark.parametrize(
    ("value", "field"),
    [("inf", "TDP (W)"), ("700 W", "TDP (W)")],
)
def test_unusable_numbers_name_row_and_field(value, field):
    payload = (HEADER + f"Z1,Acme,GPU,2024-01-01,{value},\n").encode()
    with pytest.raises(FeedError) as caught:
        epoch_hardware.parse(payload, "h.csv", TODAY)
    assert (caught.value.row, caught.value.field) == (2, field)


def test_an_impossible_release_month_is_an_error():
    with pytest.raises(FeedError) as caught:
        epoch_hardware.parse((HEADER + "Z1,Acme,GPU,2024-13,,\n").encode(), "h.csv", TODAY)
    assert caught.value.field == "Release date"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"\xff\xfeH\x00", "UTF-16"),
        (b"Hardware name,Manufacturer,Type\nX,Y,GPU\n", "missing required column(s) 'Release date'"),
        (b"Quarter,Start Date,End Date,total_revenue\nFY26Q3,2025-07-28,2025-10-26,57\n", "NVIDIA quarterly revenue"),
        (b"Model,Training compute (FLOP)\nGPT-4,2e25\n", "Notable AI Models"),
        (b"Hardware name,Manufacturer,Type,Release date\nX,Y,GPU,2024-01-01,extra\n", "more fields"),
    ],
)
def test_structural_problems_and_other_files_are_one_clear_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        epoch_hardware.parse(payload, "x.csv", TODAY)
    assert fragment in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        frames = epoch_hardware.parse(payload, "random.csv", TODAY)
    except FeedError:
        return
    assert set(frames) == {"hardware_specs"}


_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)
_date = st.one_of(_cell, st.dates().map(str), st.integers(1900, 2100).map(str), st.just("2024-03"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "A "]), _cell, _cell, _date, _cell, _cell), max_size=5))
def test_mutated_hardware_tables_parse_or_raise_feed_error(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    try:
        frames = epoch_hardware.parse((HEADER + buffer.getvalue()).encode(), "m.csv", TODAY)
    except FeedError:
        return
    chips = frames["hardware_specs"]["chip"].to_list()
    assert len(chips) == len(set(chips))  # names are unique after de-duplication
