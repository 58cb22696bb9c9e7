"""Facts the product relies on, asserted on the bundled snapshot files themselves."""

import datetime as dt

import polars as pl
import pytest

from sources.contracts import CONTRACTS
from sources.registry import FEEDS
from sources.snapshot import read_canonical, snapshot_files
from warehouse.validate import validate_frame

CHIP_FEEDS = ("epoch_chips", "nvidia_revenue", "epoch_hardware")


def _bundled(feed_id: str, table: str) -> pl.DataFrame:
    path = FEEDS[feed_id].snapshot_dir / f"{table}.csv"
    return read_canonical(path.read_bytes(), table, path.name)


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarters_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    quarters = []
    year, quarter = first
    while (year, quarter) <= last:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


@pytest.mark.parametrize(
    ("vendor", "first_quarter"),
    [("Nvidia", (2022, 1)), ("Google", (2022, 4)), ("AMD", (2024, 1)), ("Amazon", (2024, 1))],
)
def test_chip_shipments_cover_every_quarter_of_each_vendor_through_2025q4(vendor, first_quarter):
    shipments = _bundled("epoch_chips", "chip_shipments").filter(pl.col("vendor") == vendor)
    quarters = sorted({_quarter(day) for day in shipments["period_start"].to_list()})
    assert quarters == _quarters_between(first_quarter, (2025, 4))
    assert shipments["period_end"].max() == dt.date(2025, 12, 31)
    assert shipments.filter(pl.col("units_p50") > 0).height == shipments.height


def test_chip_shipments_name_vendors_and_chips_as_the_product_expects():
    shipments = _bundled("epoch_chips", "chip_shipments")
    assert set(shipments["vendor"].unique()) == {"Nvidia", "Google", "AMD", "Amazon"}
    chips = set(shipments["chip"].unique())
    assert {"H100", "B300", "TPU v6e", "TPU v7", "Instinct MI300X", "Trainium2"} <= chips


def test_vendor_revenue_holds_nvidia_fy23q1_to_fy26q3_back_to_back():
    revenue = _bundled("nvidia_revenue", "vendor_revenue").sort("period_start")
    expected = [f"FY{year}Q{quarter}" for year in range(23, 27) for quarter in range(1, 5)][:15]
    assert revenue["fiscal_quarter"].to_list() == expected
    assert revenue["company"].unique().to_list() == ["Nvidia"]
    starts, ends = revenue["period_start"].to_list(), revenue["period_end"].to_list()
    assert all(start == end + dt.timedelta(days=1) for start, end in zip(starts[1:], ends[:-1], strict=True))
    assert ends[-1] == dt.date(2025, 10, 26)
    assert revenue["total_revenue_usd"].min() > 1e9  # stored in USD, not billions


def test_hardware_specs_have_unique_chip_names():
    specs = _bundled("epoch_hardware", "hardware_specs")
    assert specs.height == 170
    assert specs["chip"].n_unique() == specs.height


@pytest.mark.parametrize("feed_id", CHIP_FEEDS)
def test_bundled_tables_pass_their_contracts_with_provenance(feed_id):
    for table, path in snapshot_files(FEEDS[feed_id]):
        frame = read_canonical(path.read_bytes(), table, path.name)
        validated = validate_frame(frame, CONTRACTS[table], table, dt.date.today())
        assert validated.quarantine.height == 0, (table, validated.quarantine.head(3).to_dicts())
        assert validated.duplicates == 0
        assert frame["provenance"].str.contains(r"row \d+").all()
        assert frame["provenance"].str.contains("Epoch AI").all()


def test_feeds_are_registered_with_their_tables_and_endpoints():
    assert FEEDS["epoch_chips"].tables == ("chip_shipments",)
    assert len(FEEDS["epoch_chips"].default_endpoints) == 4
    assert FEEDS["nvidia_revenue"].tables == ("vendor_revenue", "gpu_prices")
    assert FEEDS["nvidia_revenue"].default_endpoints[0].endswith("Nvidia%20quarterly%20revenue.csv")
    assert FEEDS["epoch_hardware"].default_endpoints == ("https://epoch.ai/data/ml_hardware.csv",)
    for feed_id in CHIP_FEEDS:
        assert [table for table, _ in snapshot_files(FEEDS[feed_id])] == list(FEEDS[feed_id].tables)
