import csv
import datetime as dt
import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources import nvidia_revenue
from sources.contracts import CONTRACTS
from sources.errors import FeedError, StructuralError
from sources.schemas import GPU_PRICE_COLUMNS, VENDOR_REVENUE_COLUMNS
from warehouse.validate import validate_frame

TODAY = dt.date(2026, 1, 1)
REVENUE_HEADER = "Quarter,Start Date,End Date,total_revenue,dc_revenue,compute_revenue,Notes\n"
PRICE_HEADER = "Year,A100 low,A100 high,Notes,H100 low,H100 high,Geomean,Notes,H20 low,H20 high,\n"


def _revenue(fixtures) -> pl.DataFrame:
    payload = (fixtures / "nvidia_revenue" / "nvidia_quarterly_revenue.csv").read_bytes()
    return nvidia_revenue.parse(payload, "Nvidia%20quarterly%20revenue.csv", TODAY)["vendor_revenue"]


def _prices(fixtures) -> pl.DataFrame:
    payload = (fixtures / "nvidia_revenue" / "gpu_annual_prices.csv").read_bytes()
    return nvidia_revenue.parse(payload, "gpu_annual_prices.csv", TODAY)["gpu_prices"]


def test_revenue_is_stored_in_usd_not_billions(fixtures):
    frame = _revenue(fixtures)
    assert list(frame.columns) == list(VENDOR_REVENUE_COLUMNS)
    q3 = frame.filter(pl.col("fiscal_quarter") == "FY26Q3").to_dicts()[0]
    assert q3["company"] == "Nvidia"
    assert q3["total_revenue_usd"] == 57_000_000_000.0
    assert q3["datacenter_revenue_usd"] == 51_200_000_000.0
    assert q3["compute_revenue_usd"] == 43_010_000_000.0  # exact, no float residue from x 1e9
    assert (q3["period_start"], q3["period_end"]) == (dt.date(2025, 7, 28), dt.date(2025, 10, 26))
    assert "Q3FY26-CFO-Commentary.pdf" in q3["provenance"] and "MIT" in q3["provenance"]


def test_revenue_rows_with_multi_line_notes_and_us_dates(fixtures):
    frame = _revenue(fixtures)
    assert frame["fiscal_quarter"].to_list() == ["FY23Q1", "FY26Q1", "FY26Q3"]
    assert frame["source_row"].to_list() == [2, 3, 4]  # records, not physical lines
    q1 = frame.filter(pl.col("fiscal_quarter") == "FY26Q1").to_dicts()[0]
    assert q1["period_start"] == dt.date(2025, 1, 27)
    assert q1["total_revenue_usd"] == 44_100_000_000.0
    validated = validate_frame(frame, CONTRACTS["vendor_revenue"], "vendor_revenue", TODAY)
    assert validated.quarantine.height == 0


def test_revenue_without_optional_columns_loads_them_as_null():
    payload = b"Quarter,Start Date,End Date,total_revenue\nFY 2024 Q1,2023-01-30,2023-04-30,7.19\n"
    row = nvidia_revenue.parse(payload, "r.csv", TODAY)["vendor_revenue"].to_dicts()[0]
    assert row["fiscal_quarter"] == "FY24Q1"
    assert row["datacenter_revenue_usd"] is None and row["compute_revenue_usd"] is None


def test_revenue_already_in_usd_is_refused():
    payload = (REVENUE_HEADER + "FY26Q3,2025-07-28,2025-10-26,57000000000,51.2,43.01,\n").encode()
    with pytest.raises(FeedError) as caught:
        nvidia_revenue.parse(payload, "r.csv", TODAY)
    assert (caught.value.row, caught.value.field) == (2, "total_revenue")
    assert "USD billions" in str(caught.value)


def test_gpu_prices_pair_low_and_high_by_chip_and_skip_missing_ranges(fixtures):
    frame = _prices(fixtures)
    assert list(frame.columns) == list(GPU_PRICE_COLUMNS)
    pairs = {(row["chip"], row["year"]): (row["price_low_usd"], row["price_high_usd"]) for row in frame.to_dicts()}
    assert pairs[("A100", 2022)] == (10000.0, 20000.0)
    assert pairs[("H100", 2025)] == (20000.0, 27000.0)  # "$20,000" style cells
    assert pairs[("GB200", 2024)] == (35000.0, 45000.0)
    assert pairs[("H20", 2025)] == (9000.0, 12000.0)
    assert ("GB300", 2024) not in pairs  # low without high: skipped, not invented
    assert ("H20", 2023) not in pairs and ("GB200", 2022) not in pairs
    assert len(pairs) == 2 + 2 + 4 + 5


def test_gpu_price_notes_go_to_provenance_and_geomean_is_ignored(fixtures):
    frame = _prices(fixtures)
    a100 = frame.filter((pl.col("chip") == "A100") & (pl.col("year") == 2022)).to_dicts()[0]
    assert "source note: A100 is stub and to-do" in a100["provenance"]
    h100 = frame.filter((pl.col("chip") == "H100") & (pl.col("year") == 2023)).to_dicts()[0]
    assert "server price ~34k in May" in h100["provenance"]
    assert "36,742" not in " ".join(frame["provenance"].to_list())
    validated = validate_frame(frame, CONTRACTS["gpu_prices"], "gpu_prices", TODAY)
    assert validated.quarantine.height == 0


def test_gpu_price_that_is_a_word_names_row_and_column():
    payload = (PRICE_HEADER + "2024,10000,15000,,23000,about 30k,,,,,\n").encode()
    with pytest.raises(FeedError) as caught:
        nvidia_revenue.parse(payload, "p.csv", TODAY)
    assert (caught.value.row, caught.value.field) == (2, "H100 high")


def test_gpu_price_that_overflows_is_refused():
    payload = (PRICE_HEADER + "2024,10000,1e999,,,,,,,,\n").encode()
    with pytest.raises(FeedError) as caught:
        nvidia_revenue.parse(payload, "p.csv", TODAY)
    assert caught.value.field == "A100 high" and "finite" in str(caught.value)


def test_gpu_price_year_must_be_a_year():
    payload = (PRICE_HEADER + "FY24,10000,15000,,,,,,,,\n").encode()
    with pytest.raises(FeedError) as caught:
        nvidia_revenue.parse(payload, "p.csv", TODAY)
    assert caught.value.field == "Year"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"[1, 2]", "JSON"),
        (b"Year,A100 low,Notes\n2024,10000,\n", "no matching 'A100 high'"),
        (b"Year,A100 low,A100 high\n", "no rows"),
        (b"Quarter,total_revenue,dc_revenue\nFY26Q3,57,51.2\n", "missing required column(s) 'Start Date'"),
        (b"Quarter,Start Date,End Date,AI Semis Revenue (Billions)\nFY23Q1,10/31/22,1/29/23,0.8\n", "Broadcom"),
        (b"Name,Chip manufacturer,Start date,End date,Compute estimate in H100e (median),Number of Units\n", "chip"),
        (b"id,value\n1,2\n", "not an NVIDIA quarterly revenue table"),
    ],
)
def test_structural_problems_and_other_files_are_one_clear_error(payload, fragment):
    with pytest.raises(StructuralError) as caught:
        nvidia_revenue.parse(payload, "x.csv", TODAY)
    assert fragment in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_raise_feed_error(payload):
    try:
        frames = nvidia_revenue.parse(payload, "random.csv", TODAY)
    except FeedError:
        return
    assert set(frames) <= {"vendor_revenue", "gpu_prices"}


_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)
_money = st.one_of(_cell, st.integers(0, 10**6).map(str), st.integers(0, 10**6).map(lambda n: f'"${n:,}"'))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_cell, _cell, _cell, _cell, _cell, _cell), min_size=1, max_size=4))
def test_mutated_revenue_tables_parse_or_raise_feed_error(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([*row, ""] for row in rows)
    try:
        frames = nvidia_revenue.parse((REVENUE_HEADER + buffer.getvalue()).encode(), "m.csv", TODAY)
    except FeedError:
        return
    assert frames["vendor_revenue"].height == len(rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_cell, _money, _money, _money, _money), min_size=1, max_size=4))
def test_mutated_price_tables_parse_or_raise_feed_error(rows):
    lines = [f"{year},{a_low},{a_high},,{h_low},{h_high},,,,,\n" for year, a_low, a_high, h_low, h_high in rows]
    try:
        frames = nvidia_revenue.parse((PRICE_HEADER + "".join(lines)).encode(), "m.csv", TODAY)
    except FeedError:
        return
    assert frames["gpu_prices"].height <= 2 * len(rows)
