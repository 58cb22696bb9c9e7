"""Parts bounded by their total: hand-built frames, hand-computed caps."""

from __future__ import annotations

import datetime as dt

import polars as pl

from forecasts.coherence import bound_parts_by_total, coherent_compute

DAYS = [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]


def _rows(series_id: str, medians: list[float], uppers: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "series_id": series_id,
            "model": "drift_rw",
            "ds": DAYS,
            "mean": medians,
            "lo_80": [m * 0.8 for m in medians],
            "hi_80": [u * 0.8 for u in uppers],
            "lo_95": [m * 0.5 for m in medians],
            "hi_95": uppers,
        }
    )


def test_a_part_above_its_total_is_capped_and_the_check_fails() -> None:
    values = pl.concat([_rows("all", [10.0, 12.0], [20.0, 30.0]), _rows("AMD", [1.0, 1.5], [5.0, 120.0])])
    capped, checks = bound_parts_by_total(values, "shipped_h100e")
    amd = capped.filter(pl.col("series_id") == "AMD").sort("ds")
    assert amd["hi_95"].to_list() == [5.0, 30.0]  # 120 > 30: capped; 5 < 20: kept
    assert amd["hi_80"].to_list() == [4.0, 24.0]  # 96 > 24
    assert amd["mean"].to_list() == [1.0, 1.5]
    assert capped.filter(pl.col("series_id") == "all")["hi_95"].to_list() == [20.0, 30.0]
    row = checks.row(0, named=True)
    assert (row["check_id"], row["subject"], row["passed"]) == ("parts_within_total", "shipped_h100e/AMD", False)
    assert row["observed"] == 4.0  # 120 / 30, the worst excess
    assert "2 of 10 bounds" in row["message"] and "on 2026-04-01, 4.0x" in row["message"]


def test_a_part_within_its_total_passes_unchanged() -> None:
    values = pl.concat([_rows("all", [10.0, 12.0], [20.0, 30.0]), _rows("Nvidia", [7.0, 8.0], [15.0, 25.0])])
    capped, checks = bound_parts_by_total(values, "shipped_h100e")
    assert capped.equals(values)
    assert checks["passed"].to_list() == [True]


def test_without_a_total_nothing_is_judged() -> None:
    values = _rows("AMD", [1.0, 1.5], [5.0, 120.0])
    capped, checks = bound_parts_by_total(values, "shipped_h100e")
    assert capped.equals(values) and checks.height == 0


def test_installed_compute_is_bounded_after_accumulation() -> None:
    # The total retires the 90 units it shipped in 2021Q1 (five-year life) in 2026Q1; the part
    # retires nothing, so its accumulated bound (99.5 + 1) passes the total's (100 + 1 - 90)
    # although every shipment bound of the part is within the total's.
    shipped = pl.concat([_rows("all", [1.0, 1.0], [1.0, 1.0]), _rows("AMD", [1.0, 1.0], [1.0, 1.0])])
    installed = pl.DataFrame(
        {
            "vendor": ["all", "all", "AMD"],
            "quarter": [dt.date(2021, 1, 1), dt.date(2025, 10, 1), dt.date(2025, 10, 1)],
            "installed_h100e_p50": [90.0, 100.0, 99.5],
            "shipped_h100e_p50": [90.0, 1.0, 1.0],
            "service_life_years": [5.0, 5.0, 5.0],
        }
    )
    _, stock, checks = coherent_compute(shipped, installed)
    first = stock.filter(pl.col("ds") == DAYS[0])
    total = first.filter(pl.col("series_id") == "all")["hi_95"][0]
    part = first.filter(pl.col("series_id") == "AMD")["hi_95"][0]
    assert total == 100.0 + 1.0 - 90.0  # 11: the total retires what it shipped in 2021Q1
    assert part == total  # 99.5 + 1.0 = 100.5 would exceed it: capped
    failed = checks.filter(~pl.col("passed"))["subject"].to_list()
    assert failed == ["installed_h100e/AMD"]
