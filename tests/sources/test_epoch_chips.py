import csv
import datetime as dt
import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources import epoch_chips
from sources.contracts import CONTRACTS
from sources.errors import FeedError, StructuralError
from sources.schemas import CHIP_SHIPMENT_COLUMNS
from warehouse.validate import validate_frame

OBSERVED = dt.date(2026, 4, 10)
HEADER = (
    "Name,Chip manufacturer,Start date,End date,Compute estimate in H100e (median),H100e (5th percentile),"
    "H100e (95th percentile),Number of Units,Number of Units (5th percentile),"
    "Number of Units (95th percentile),Source / Link,Notes,Chip type\n"
)
VINTAGE_NOTE = "Estimates generated on: 03-31-2026 17:12"


def _parse(fixtures, name: str) -> pl.DataFrame:
    payload = (fixtures / "epoch_chips" / name).read_bytes()
    return epoch_chips.parse(payload, name, OBSERVED)["chip_shipments"]


def _row(name="Q1 2024 - H100", start="1/1/2024", end="3/31/2024", numbers=None, notes=VINTAGE_NOTE, chip="H100"):
    numbers = numbers or ["552252", "462665", "649798", "552252", "462665", "649798"]
    return f"{name},Nvidia,{start},{end},{','.join(numbers)},,{notes},{chip}\n"


def test_nvidia_rows_map_percentiles_dates_and_vintage(fixtures):
    frame = _parse(fixtures, "nvidia_calendar_quarter_chip_timelines.csv")
    assert list(frame.columns) == list(CHIP_SHIPMENT_COLUMNS)
    h20 = frame.filter(pl.col("chip") == "H20").to_dicts()[0]
    assert h20["vendor"] == "Nvidia"
    assert (h20["period_start"], h20["period_end"]) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert (h20["units_p5"], h20["units_p50"], h20["units_p95"]) == (249576.0, 324380.0, 421988.0)
    assert (h20["h100e_p5"], h20["h100e_p50"], h20["h100e_p95"]) == (37329.0, 48517.0, 63116.0)
    assert h20["estimate_vintage"] == dt.date(2026, 3, 31)
    assert h20["source_row"] == 2
    assert "nvidia_calendar_quarter_chip_timelines.csv" in h20["provenance"]
    assert "row 2" in h20["provenance"] and "MIT" in h20["provenance"]


def test_upper_case_manufacturer_and_multi_line_note_are_handled(fixtures):
    b200 = _parse(fixtures, "nvidia_calendar_quarter_chip_timelines.csv").filter(pl.col("chip") == "B200").to_dicts()[0]
    assert b200["vendor"] == "Nvidia"
    assert b200["estimate_vintage"] == dt.date(2026, 3, 31)
    assert "source note: Blackwell ramp." in b200["provenance"]
    assert "Estimates generated" not in b200["provenance"]


def test_tpu_file_with_another_column_order_parses_by_name(fixtures):
    frame = _parse(fixtures, "tpu_calendar_quarter_chip_timelines.csv")
    v4 = frame.filter(pl.col("chip") == "TPU v4").to_dicts()[0]
    assert v4["vendor"] == "Google"
    assert (v4["units_p5"], v4["units_p50"], v4["units_p95"]) == (48232.0, 65964.0, 88073.0)
    assert (v4["h100e_p5"], v4["h100e_p50"], v4["h100e_p95"]) == (6702.0, 9166.0, 12238.0)
    assert v4["estimate_vintage"] == dt.date(2026, 4, 3)
    # The partial-quarter caveat travels with the row.
    assert "Incomplete: based on Broadcom fiscal quarters beginning 10/31/2022." in v4["provenance"]


def test_trainium_power_columns_are_ignored_and_missing_vintage_falls_back(fixtures):
    frame = _parse(fixtures, "trainium_chip_timelines.csv")
    assert frame["vendor"].to_list() == ["Amazon", "Amazon"]  # "Amazon AWS" normalised
    by_chip = {row["chip"]: row for row in frame.to_dicts()}
    assert by_chip["Trainium1"]["estimate_vintage"] == dt.date(2026, 3, 31)
    assert by_chip["Trainium2"]["estimate_vintage"] == OBSERVED  # no note: the payload's date
    assert by_chip["Trainium2"]["units_p50"] == 335000.0


def test_amd_fiscal_names_with_calendar_dates_are_accepted(fixtures):
    frame = _parse(fixtures, "amd_chip_timelines.csv")
    assert frame["vendor"].unique().to_list() == ["AMD"]
    assert frame["period_start"].to_list() == [dt.date(2024, 1, 1), dt.date(2025, 10, 1)]


def test_fixtures_pass_the_contract(fixtures):
    for name in (
        "nvidia_calendar_quarter_chip_timelines.csv",
        "tpu_calendar_quarter_chip_timelines.csv",
        "amd_chip_timelines.csv",
        "trainium_chip_timelines.csv",
    ):
        validated = validate_frame(_parse(fixtures, name), CONTRACTS["chip_shipments"], "chip_shipments", OBSERVED)
        assert validated.quarantine.height == 0, name


def test_empty_number_becomes_null_and_the_contract_quarantines_it():
    payload = (
        HEADER + _row() + _row(name="Q1 2024 - H800", chip="H800", numbers=["2", "", "3", "2", "1", "3"])
    ).encode()
    frame = epoch_chips.parse(payload, "t.csv", OBSERVED)["chip_shipments"]
    assert frame.filter(pl.col("chip") == "H800")["h100e_p5"].to_list() == [None]
    validated = validate_frame(frame, CONTRACTS["chip_shipments"], "chip_shipments", OBSERVED)
    assert validated.good["chip"].to_list() == ["H100"]
    assert validated.quarantine["column_name"].to_list() == ["h100e_p5"]


def test_percentiles_out_of_order_are_quarantined_not_reordered():
    unordered = ["10", "20", "15", "10", "8", "15"]  # H100e p5 > p50; units in order
    payload = (HEADER + _row(numbers=unordered)).encode()
    frame = epoch_chips.parse(payload, "t.csv", OBSERVED)["chip_shipments"]
    assert frame["h100e_p50"].to_list() == [10.0]
    validated = validate_frame(frame, CONTRACTS["chip_shipments"], "chip_shipments", OBSERVED)
    assert validated.quarantine["check_name"].to_list() == ["h100e_p5_le_p50_le_p95"]


def test_a_word_in_a_number_names_file_row_and_field():
    payload = (HEADER + _row() + _row(numbers=["many", "1", "2", "1", "1", "2"])).encode()
    with pytest.raises(FeedError) as caught:
        epoch_chips.parse(payload, "nvidia.csv", OBSERVED)
    assert (caught.value.row, caught.value.field) == (3, "Compute estimate in H100e (median)")
    assert "nvidia.csv" in str(caught.value) and "many" in str(caught.value)


def test_an_impossible_estimate_date_is_an_error_on_notes():
    payload = (HEADER + _row(notes="Estimates generated on: 13-45-2026 10:00")).encode()
    with pytest.raises(FeedError) as caught:
        epoch_chips.parse(payload, "t.csv", OBSERVED)
    assert caught.value.field == "Notes"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b'{"data": []}', "JSON"),
        ((HEADER.replace(",Chip type", "") + "x\n").encode(), "'Chip type'"),
        (HEADER.encode(), "no rows"),
        # cumulative export with the timeline's exact columns (Trainium's cumulative_by_chip)
        ((HEADER + _row(name="Trainium1 Q1 2024 to Q2 2024")).encode(), "cumulative"),
        # NVIDIA fiscal-quarter export
        ((HEADER + _row(name="FY22Q4 - A100", start="2021-11-01", end="2022-01-30")).encode(), "calendar quarter"),
        (
            b"Name,Chip manufacturer,Start date,End date,Chip type,Number of units (5th percentile),"
            b"Number of units (median),Number of units (95th percentile)\nA100 Q1 2022 to Q1 2022,Nvidia,"
            b"1/1/2022,3/31/2022,A100,1,2,3\n",
            "cumulative (installed-base)",
        ),
        (
            b"Name,Chip manufacturer,Owner,Start date,End date,Compute estimate in H100e (median),Number of Units\n"
            b"Microsoft Q1 2022,Nvidia,Microsoft,1/1/2022,3/31/2022,1,2\n",
            "by owner",
        ),
        (b"Hardware name,Manufacturer\nX,Y\n", "ML Hardware"),
    ],
)
def test_structural_problems_and_other_files_are_one_clear_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        epoch_chips.parse(payload, "x.csv", OBSERVED)
    assert fragment in str(caught.value)


def test_calendar_quarter_check():
    assert epoch_chips.is_calendar_quarter(dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert epoch_chips.is_calendar_quarter(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert not epoch_chips.is_calendar_quarter(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert not epoch_chips.is_calendar_quarter(dt.date(2024, 2, 1), dt.date(2024, 4, 30))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        frames = epoch_chips.parse(payload, "random.csv", OBSERVED)
    except FeedError:
        return
    assert set(frames) == {"chip_shipments"}


_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)
_number = st.one_of(_cell, st.integers(0, 10**7).map(str), st.floats(allow_nan=True).map(str))
_date = st.one_of(_cell, st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year}"), st.just("1/1/2024"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_cell, _cell, _date, _date, st.lists(_number, min_size=6, max_size=6), _cell, _cell),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_timelines_parse_or_raise_feed_error(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for name, maker, start, end, numbers, notes, chip in rows:
        writer.writerow([name, maker, start, end, *numbers, "", notes, chip])
    payload = (HEADER + buffer.getvalue()).encode("utf-8")
    try:
        frames = epoch_chips.parse(payload, "mutated.csv", OBSERVED)
    except FeedError:
        return
    assert frames["chip_shipments"].height == len(rows)
