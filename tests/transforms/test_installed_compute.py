import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from sources.schemas import CHIP_SHIPMENT_COLUMNS
from transforms.installed_compute import (
    INSTALLED_SCHEMA,
    Z95,
    installed_compute,
    latest_vintage,
    shipment_coverage,
    split_lognormal_draws,
    with_quarters,
)

D = dt.date
VINTAGE = D(2026, 3, 31)


def _quarter_end(start: dt.date) -> dt.date:
    month = start.month + 3
    following = D(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _row(vendor, chip, start, h100e, units=None, spread=(1.0, 1.0), vintage=VINTAGE, end=None):
    """A shipment row; spread = (p5/p50, p95/p50) multipliers, (1, 1) for a known quantity."""
    units = h100e if units is None else units
    low, high = spread
    return {
        "vendor": vendor,
        "chip": chip,
        "period_start": start,
        "period_end": end or _quarter_end(start),
        "units_p5": units * low,
        "units_p50": units,
        "units_p95": units * high,
        "h100e_p5": h100e * low,
        "h100e_p50": h100e,
        "h100e_p95": h100e * high,
        "estimate_vintage": vintage,
        "source_row": 1,
        "provenance": "test",
    }


def _frame(rows):
    return pl.DataFrame(rows, schema=CHIP_SHIPMENT_COLUMNS)


def _quarters(first: dt.date, count: int) -> list[dt.date]:
    index = first.year * 4 + (first.month - 1) // 3
    return [D((index + i) // 4, 3 * ((index + i) % 4) + 1, 1) for i in range(count)]


def test_latest_vintage_replaces_revised_estimates():
    old = _row("Nvidia", "H100", D(2024, 1, 1), 100.0, vintage=D(2025, 1, 1))
    new = _row("Nvidia", "H100", D(2024, 1, 1), 130.0, vintage=D(2026, 1, 1))
    other = _row("Nvidia", "A100", D(2024, 1, 1), 7.0, vintage=D(2025, 1, 1))
    kept = latest_vintage(_frame([new, old, other])).sort("chip")
    assert kept["h100e_p50"].to_list() == [7.0, 130.0]
    assert kept.columns == list(CHIP_SHIPMENT_COLUMNS)


def test_fiscal_periods_land_in_the_calendar_quarter_of_their_midpoint():
    rows = _frame(
        [
            _row("Nvidia", "A100", D(2021, 11, 1), 1.0, end=D(2022, 1, 30)),  # midpoint Dec 16
            _row("Nvidia", "A100", D(2022, 1, 31), 1.0, end=D(2022, 5, 1)),  # midpoint Mar 16
            _row("Nvidia", "A100", D(2022, 4, 1), 1.0, end=None),
        ]
    )
    assert with_quarters(rows)["quarter"].to_list() == [D(2021, 10, 1), D(2022, 1, 1), D(2022, 4, 1)]


def test_stock_counts_the_last_service_life_of_shipments():
    # Known quantities 1..8 in eight quarters and a one-year (four-quarter) life: each
    # quarter's stock is the sum of the last four shipments, and a shipment leaves four
    # quarters after it arrived.
    quarters = _quarters(D(2020, 1, 1), 8)
    rows = _frame([_row("AMD", "MI300X", q, float(i + 1)) for i, q in enumerate(quarters)])
    out = installed_compute(rows, service_life_years=1, n_draws=5).filter(pl.col("vendor") == "AMD")
    assert out["quarter"].to_list() == quarters
    assert out["installed_h100e_p50"].to_list() == pytest.approx([1, 3, 6, 10, 14, 18, 22, 26])
    assert out["installed_h100e_p5"].to_list() == pytest.approx(out["installed_h100e_p95"].to_list())
    assert out["shipped_h100e_p50"].to_list() == pytest.approx([1, 2, 3, 4, 5, 6, 7, 8])
    assert out["retired_h100e_p50"].to_list() == pytest.approx([0, 0, 0, 0, 1, 2, 3, 4])
    assert out["service_life_years"].to_list() == [1.0] * 8


def test_half_year_life_and_no_retirement():
    quarters = _quarters(D(2020, 1, 1), 4)
    rows = _frame([_row("AMD", "MI300X", q, 10.0 * (i + 1)) for i, q in enumerate(quarters)])
    half_year = installed_compute(rows, service_life_years=0.5, n_draws=3).filter(pl.col("vendor") == "AMD")
    assert half_year["installed_h100e_p50"].to_list() == pytest.approx([10, 30, 50, 70])
    forever = installed_compute(rows, service_life_years=None, n_draws=3).filter(pl.col("vendor") == "AMD")
    assert forever["installed_h100e_p50"].to_list() == pytest.approx([10, 30, 60, 100])
    assert forever["retired_h100e_p50"].to_list() == [0.0] * 4
    assert forever["service_life_years"].null_count() == 4


def test_units_are_carried_alongside_h100e():
    # An A100 is about a third of an H100: 3 units per H100e.
    rows = _frame([_row("Nvidia", "A100", D(2022, 1, 1), 10.0, units=30.0)])
    out = installed_compute(rows, n_draws=3).filter(pl.col("vendor") == "Nvidia")
    assert out["installed_units_p50"].to_list() == pytest.approx([30.0])
    assert out["installed_h100e_p50"].to_list() == pytest.approx([10.0])


def test_total_sums_vendors_and_stops_at_the_earliest_last_quarter():
    rows = _frame(
        [
            _row("Nvidia", "H100", D(2023, 1, 1), 5.0),
            _row("Nvidia", "H100", D(2023, 4, 1), 5.0),
            _row("Nvidia", "H100", D(2023, 7, 1), 5.0),
            _row("Google", "TPU v5e", D(2023, 4, 1), 2.0),  # Google's data stop in 2023Q2
        ]
    )
    out = installed_compute(rows, n_draws=3)
    total = out.filter(pl.col("vendor") == "all")
    assert total["quarter"].to_list() == [D(2023, 1, 1), D(2023, 4, 1)]
    assert total["installed_h100e_p50"].to_list() == pytest.approx([5.0, 12.0])
    assert out.filter(pl.col("vendor") == "Nvidia").height == 3
    assert out.filter(pl.col("vendor") == "Google")["quarter"].to_list() == [D(2023, 4, 1)]
    assert out.schema == pl.Schema(INSTALLED_SCHEMA)
    coverage = shipment_coverage(rows)
    assert coverage.filter(pl.col("vendor") == "Google")["last_quarter"].to_list() == [D(2023, 4, 1)]


def test_split_lognormal_hits_the_three_quantiles_exactly():
    p5, p50, p95 = np.array([50.0, 0.0, 0.0]), np.array([100.0, 40.0, 0.0]), np.array([300.0, 100.0, 0.0])
    scores = np.tile(np.array([-Z95, 0.0, Z95]), (3, 1))
    values = split_lognormal_draws(p5, p50, p95, scores)
    assert values[0].tolist() == pytest.approx([50.0, 100.0, 300.0])
    # p5 = 0 cannot be a lognormal: a two-piece normal clipped at zero instead.
    assert values[1].tolist() == pytest.approx([0.0, 40.0, 100.0])
    assert values[2].tolist() == [0.0, 0.0, 0.0]
    # Missing p5/p95: no spread on that side.
    missing = split_lognormal_draws(np.array([np.nan]), np.array([10.0]), np.array([np.nan]), scores[:1])
    assert missing[0].tolist() == pytest.approx([10.0, 10.0, 10.0])
    with pytest.raises(ValueError, match="must not be null"):
        split_lognormal_draws(np.array([1.0]), np.array([np.nan]), np.array([2.0]), scores[:1])
    with pytest.raises(ValueError, match="p5 <= p50 <= p95"):
        split_lognormal_draws(np.array([5.0]), np.array([4.0]), np.array([6.0]), scores[:1])


def test_monte_carlo_quantiles_of_one_shipment_match_its_inputs():
    # Seeded, 20,000 draws: sampling error of a 5th/95th percentile is well under 3%.
    rows = _frame([_row("Amazon", "Trainium2", D(2024, 1, 1), 100.0, spread=(0.5, 3.0))])
    out = installed_compute(rows, n_draws=20_000, seed=7).filter(pl.col("vendor") == "Amazon")
    assert out["installed_h100e_p5"][0] == pytest.approx(50.0, rel=0.03)
    assert out["installed_h100e_p50"][0] == pytest.approx(100.0, rel=0.03)
    assert out["installed_h100e_p95"][0] == pytest.approx(300.0, rel=0.03)


def test_shared_chip_factor_widens_the_stock_interval():
    # Four quarters of one chip, each 100 with p5/p95 = 70/140. Perfectly correlated rows
    # (one factor per chip) add up quantile by quantile: p5/p95 of the stock = 280/560.
    # Independent rows partly cancel: the stock interval is narrower.
    rows = _frame([_row("Google", "TPU v6e", q, 100.0, spread=(0.7, 1.4)) for q in _quarters(D(2024, 1, 1), 4)])
    shared = installed_compute(rows, n_draws=20_000, seed=1).filter(pl.col("vendor") == "Google").tail(1)
    assert shared["installed_h100e_p5"][0] == pytest.approx(280.0, rel=0.03)
    assert shared["installed_h100e_p95"][0] == pytest.approx(560.0, rel=0.03)
    independent = (
        installed_compute(rows, n_draws=20_000, seed=1, chip_correlation=0.0)
        .filter(pl.col("vendor") == "Google")
        .tail(1)
    )
    width_shared = math.log(shared["installed_h100e_p95"][0] / shared["installed_h100e_p5"][0])
    width_independent = math.log(independent["installed_h100e_p95"][0] / independent["installed_h100e_p5"][0])
    # For lognormal-like rows the log width shrinks by about sqrt(4) = 2.
    assert width_independent < 0.65 * width_shared


def test_vendor_factor_correlates_different_chips():
    rows = _frame(
        [
            _row("AMD", "MI300X", D(2024, 1, 1), 100.0, spread=(0.7, 1.4)),
            _row("AMD", "MI325X", D(2024, 1, 1), 100.0, spread=(0.7, 1.4)),
        ]
    )
    one_vendor_factor = installed_compute(
        rows, n_draws=20_000, seed=3, chip_correlation=1.0, vendor_correlation=1.0
    ).filter(pl.col("vendor") == "AMD")
    assert one_vendor_factor["installed_h100e_p95"][0] == pytest.approx(280.0, rel=0.03)
    per_chip = installed_compute(rows, n_draws=20_000, seed=3).filter(pl.col("vendor") == "AMD")
    assert per_chip["installed_h100e_p95"][0] < 0.95 * 280.0


def test_invalid_arguments_and_empty_input():
    rows = _frame([_row("AMD", "MI300X", D(2024, 1, 1), 1.0)])
    with pytest.raises(ValueError, match="vendor_correlation"):
        installed_compute(rows, chip_correlation=0.2, vendor_correlation=0.5)
    with pytest.raises(ValueError, match="service_life_years"):
        installed_compute(rows, service_life_years=0)
    assert installed_compute(_frame([])).schema == pl.Schema(INSTALLED_SCHEMA)


def test_draws_are_reproducible_with_a_seed():
    rows = _frame([_row("AMD", "MI300X", q, 10.0, spread=(0.5, 2.0)) for q in _quarters(D(2024, 1, 1), 3)])
    first = installed_compute(rows, n_draws=500, seed=11)
    assert first.equals(installed_compute(rows, n_draws=500, seed=11))
    assert not first.equals(installed_compute(rows, n_draws=500, seed=12))
