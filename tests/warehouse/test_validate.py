"""The one-pass check in warehouse.validate never changes a result: for every contract, frames
with and without violations validate exactly as pandera alone validates them (good rows,
quarantine records, counts), one frame at a time or several at once; clean frames skip pandera.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import warehouse.validate as validate_module
from sources.contracts import BENCHMARKS, CONTRACTS, MATCH_METHODS, REASONING_MODES
from sources.errors import StructuralError
from sources.schemas import TABLE_COLUMNS
from warehouse.validate import Validated, validate_frame, validate_frames

FETCHED_ON = dt.date(2025, 6, 30)

# Values near and across every bound in the contracts, and the odd ones (NaN, inf, null).
_FLOATS = st.sampled_from(
    [0.0, -0.0, 1.0, 2.5, 50.0, 100.0, 100.5, 999.0, 1000.0, 1000.5, 3000.0, 3001.0, -1.0, 1e9]
) | st.sampled_from([math.nan, math.inf, -math.inf, None])
_DATES = st.sampled_from(
    [
        dt.date(1949, 12, 31),
        dt.date(1950, 1, 1),
        dt.date(1989, 1, 1),
        dt.date(2014, 12, 31),
        dt.date(2015, 1, 1),
        dt.date(2024, 3, 1),
        dt.date(2024, 6, 30),
        FETCHED_ON,
        dt.date(2025, 7, 1),
        None,
    ]
)
_TEXT: dict[str, Any] = {
    "benchmark": st.sampled_from([*BENCHMARKS, "mmlu_pro", ""]),
    "reasoning_mode": st.sampled_from([*REASONING_MODES, "sometimes", None]),
    "match_method": st.sampled_from([*MATCH_METHODS, "guess"]),
    "fiscal_quarter": st.sampled_from(["FY26Q3", "FY26Q5", "26Q1", "FY2026Q1", ""]),
}
_DEFAULT_TEXT = st.sampled_from(["a", "b", "", None])
_INTS = st.sampled_from([0, 1, 2, 2014, 2015, 2040, 2041, None])


def _value(name: str, dtype: pl.DataType) -> st.SearchStrategy[Any]:
    if name in _TEXT:
        return _TEXT[name]
    if dtype == pl.String:
        return _DEFAULT_TEXT
    if dtype == pl.Float64:
        return _FLOATS
    if dtype == pl.Date:
        return _DATES
    if dtype == pl.Boolean:
        return st.sampled_from([True, False, None])
    return _INTS


def _rows(table: str, valid: dict[str, Any]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows mostly valid (from `valid`), each with a few fields drawn from edge values."""
    columns = TABLE_COLUMNS[table]

    def row(changes: dict[str, Any]) -> dict[str, Any]:
        return {**valid, **changes}

    edits = st.lists(
        st.sampled_from([c for c in columns if c != "source_row"]).flatmap(
            lambda c: _value(c, columns[c]).map(lambda v: (c, v))
        ),
        max_size=3,
    ).map(dict)
    return st.lists(edits.map(row), max_size=12)


def _frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    columns = TABLE_COLUMNS[table]
    records = [{**r, "source_row": i + 2} for i, r in enumerate(rows)]
    return pl.DataFrame(records, schema=columns) if records else pl.DataFrame(schema=columns)


VALID: dict[str, dict[str, Any]] = {
    "token_prices": {
        "source": "s",
        "provider": "p",
        "model": "m",
        "model_version": "",
        "observed_on": dt.date(2024, 3, 1),
        "input_usd_per_mtok": 1.0,
        "output_usd_per_mtok": 2.5,
        "blended_usd_per_mtok": None,
        "cached_input_usd_per_mtok": None,
        "reasoning_usd_per_mtok": None,
        "provenance": "here",
    },
    "model_capabilities": {
        "source": "s",
        "model": "m",
        "observed_on": dt.date(2024, 3, 1),
        "benchmark": "mmlu",
        "score": 50.0,
        "provenance": "here",
    },
    "models": {
        "source": "s",
        "model_id": "m",
        "model_name": "M",
        "organization": "",
        "released_on": None,
        "open_weights": None,
        "is_reasoning": True,
        "reasoning_mode": "hybrid",
        "provenance": "here",
    },
    "model_aliases": {"feed": "f", "alias": "a", "model_id": "m", "match_method": "exact", "provenance": "here"},
    "chip_shipments": {
        "vendor": "v",
        "chip": "c",
        "period_start": dt.date(2024, 3, 1),
        "period_end": dt.date(2024, 6, 30),
        "units_p5": 1.0,
        "units_p50": 2.5,
        "units_p95": 50.0,
        "h100e_p5": 1.0,
        "h100e_p50": 2.5,
        "h100e_p95": 50.0,
        "estimate_vintage": dt.date(2024, 6, 30),
        "provenance": "here",
    },
    "vendor_revenue": {
        "company": "c",
        "fiscal_quarter": "FY25Q2",  # NVIDIA FY25 ends Jan 2025: Q2 ends mid-2024
        "period_start": dt.date(2024, 3, 1),
        "period_end": dt.date(2024, 6, 30),
        "total_revenue_usd": 100.0,
        "datacenter_revenue_usd": 50.0,
        "compute_revenue_usd": None,
        "provenance": "here",
    },
    "gpu_prices": {"chip": "c", "year": 2024, "price_low_usd": 1.0, "price_high_usd": 2.5, "provenance": "here"},
    "hardware_specs": {
        "chip": "c",
        "vendor": "",
        "chip_type": "",
        "released_on": None,
        **{name: None for name in TABLE_COLUMNS["hardware_specs"] if name.endswith(("_per_s", "_usd", "_bytes", "_w"))},
        "provenance": "here",
    },
    "demand_observations": {
        "observation_id": "o",
        "company": "c",
        "product": "",
        "observed_on": dt.date(2024, 3, 1),
        "tokens_per_day": 1.0,
        "messages_per_day": None,
        "active_users": None,
        "active_users_period": "",
        "source_type": "",
        "confidence": "",
        "source_url": "",
        "provenance": "here",
    },
    "eval_token_usage": {
        "model": "m",
        "task": "t",
        "epochs": 1,
        "samples": 2,
        "input_tokens": 1.0,
        "output_tokens": 2.5,
        "total_tokens": 50.0,
        "provenance": "here",
    },
}


def _same(new: Validated, old: Validated) -> None:
    assert new.rows_in == old.rows_in and new.duplicates == old.duplicates
    assert new.good.schema == old.good.schema
    assert new.good.equals(old.good)
    assert new.quarantine.equals(old.quarantine)


def _by_pandera(frame: pl.DataFrame, table: str, fetched_on: dt.date = FETCHED_ON) -> Validated:
    return validate_module._validate_with_pandera(frame, CONTRACTS[table], table, fetched_on)


def test_every_contract_is_covered_by_the_one_pass_check():
    assert set(VALID) == set(CONTRACTS)
    for table, contract in CONTRACTS.items():
        assert validate_module._covered_schema(contract) is not None, table
        frame = _frame(table, [VALID[table]])
        passing = validate_module._passing_rows(frame, contract, pl.lit(FETCHED_ON), None)
        assert passing is not None and passing.to_list() == [True], table


@pytest.mark.parametrize("table", sorted(CONTRACTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_frame_validates_exactly_as_pandera_alone(table, data):
    frame = _frame(table, data.draw(_rows(table, VALID[table])))
    _same(validate_frame(frame, CONTRACTS[table], table, FETCHED_ON), _by_pandera(frame, table))


@pytest.mark.parametrize("table", sorted(CONTRACTS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_several_frames_validate_as_each_alone(table, data):
    frames = [_frame(table, data.draw(_rows(table, VALID[table]))) for _ in range(data.draw(st.integers(2, 4)))]
    days = [data.draw(st.sampled_from([FETCHED_ON, dt.date(2024, 3, 1), dt.date(2026, 1, 1)])) for _ in frames]
    checked = validate_frames(frames, CONTRACTS[table], table, days)
    for frame, day, result in zip(frames, days, checked, strict=True):
        _same(result, _by_pandera(frame, table, day))


def test_repeats_and_keys_are_judged_within_each_frame():
    row = VALID["token_prices"]
    frame = _frame("token_prices", [row])
    twice = _frame("token_prices", [row, {**row, "provenance": "elsewhere"}])  # an exact repeat
    clash = _frame("token_prices", [row, {**row, "input_usd_per_mtok": 9.0}])  # one key, two prices
    checked = validate_frames([frame, frame, twice, clash], CONTRACTS["token_prices"], "token_prices", [FETCHED_ON] * 4)
    assert [c.good.height for c in checked] == [1, 1, 1, 0]
    assert [c.duplicates for c in checked] == [0, 0, 1, 0]
    assert set(checked[3].quarantine["check_name"]) == {"multiple_fields_uniqueness"}


def test_clean_frames_never_reach_pandera(monkeypatch):
    def refuse(*args: Any) -> Validated:
        raise AssertionError("pandera was called for a clean frame")

    monkeypatch.setattr(validate_module, "_validate_with_pandera", refuse)
    for table, contract in CONTRACTS.items():
        frame = _frame(table, [VALID[table]])
        assert validate_frame(frame, contract, table, FETCHED_ON).good.height == 1
        assert [v.good.height for v in validate_frames([frame, frame.clear()], contract, table, [FETCHED_ON] * 2)] == [
            1,
            0,
        ]


def test_a_structural_failure_is_raised_as_before_and_names_the_frame():
    frame = _frame("token_prices", [VALID["token_prices"]]).drop("provenance")
    with pytest.raises(StructuralError) as alone:
        validate_frame(frame, CONTRACTS["token_prices"], "token_prices", FETCHED_ON)
    with pytest.raises(StructuralError) as before:
        _by_pandera(frame, "token_prices")
    assert str(alone.value) == str(before.value)
    good = _frame("token_prices", [VALID["token_prices"]])
    with pytest.raises(StructuralError) as several:
        validate_frames(
            [good, frame], CONTRACTS["token_prices"], "token_prices", [FETCHED_ON] * 2, ["a.json", "b.json"]
        )
    assert "b.json" in str(several.value) and "provenance" in str(several.value)
