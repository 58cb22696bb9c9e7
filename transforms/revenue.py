"""Reconciling NVIDIA's data-center revenue with Epoch's shipment estimates.

Implied units = data-center compute revenue / GPU price. Without the quarter's chip mix the
price is bracketed by the cheapest and dearest reported price of any NVIDIA data-center GPU
that year, so the implied units are a range, not a point. A fiscal quarter is compared with
the calendar quarter that contains its midpoint (NVIDIA's fiscal quarters end about a month
after calendar quarters). The quarter is flagged when the median shipment estimate lies
outside the implied range widened by the tolerance.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

RECONCILIATION_TOLERANCE = 0.25

RECONCILIATION_SCHEMA: dict[str, pl.DataType] = {
    "fiscal_quarter": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "datacenter_revenue_usd": pl.Float64(),
    "compute_revenue_usd": pl.Float64(),
    "gpu_price_low_usd": pl.Float64(),
    "gpu_price_high_usd": pl.Float64(),
    "implied_units_low": pl.Float64(),
    "implied_units_high": pl.Float64(),
    "shipped_units_p50": pl.Float64(),
    "shipped_units_p5": pl.Float64(),
    "shipped_units_p95": pl.Float64(),
    "gap_ratio": pl.Float64(),
    "flagged": pl.Boolean(),
    "note": pl.String(),
}


def calendar_quarter_of_midpoint(start: dt.date, end: dt.date) -> dt.date:
    middle = start + (end - start) / 2
    return dt.date(middle.year, 3 * ((middle.month - 1) // 3) + 1, 1)


def reconcile_revenue(
    revenue: pl.DataFrame,
    gpu_prices: pl.DataFrame,
    shipments: pl.DataFrame,
    tolerance: float = RECONCILIATION_TOLERANCE,
) -> pl.DataFrame:
    nvidia = revenue.filter(pl.col("company").str.to_lowercase() == "nvidia")
    price_range = gpu_prices.group_by("year").agg(
        pl.col("price_low_usd").min().alias("gpu_price_low_usd"),
        pl.col("price_high_usd").max().alias("gpu_price_high_usd"),
    )
    shipped = (
        shipments.filter(pl.col("vendor") == "Nvidia")
        .sort("chip", "period_start", "estimate_vintage")
        .group_by("chip", "period_start", maintain_order=True)
        .last()
        .with_columns(quarter=pl.col("period_start").dt.truncate("1q"))
        .group_by("quarter")
        .agg(
            pl.col("units_p50").sum().alias("shipped_units_p50"),
            pl.col("units_p5").sum().alias("shipped_units_p5"),
            pl.col("units_p95").sum().alias("shipped_units_p95"),
        )
    )
    rows = []
    for quarter in nvidia.sort("period_start").to_dicts():
        calendar_quarter = calendar_quarter_of_midpoint(quarter["period_start"], quarter["period_end"])
        prices = price_range.filter(pl.col("year") == calendar_quarter.year).to_dicts()
        ships = shipped.filter(pl.col("quarter") == calendar_quarter).to_dicts()
        revenue_usd = quarter["compute_revenue_usd"] or quarter["datacenter_revenue_usd"]
        row = {
            **{k: quarter[k] for k in ("fiscal_quarter", "period_start", "period_end")},
            "datacenter_revenue_usd": quarter["datacenter_revenue_usd"],
            "compute_revenue_usd": quarter["compute_revenue_usd"],
            "gpu_price_low_usd": prices[0]["gpu_price_low_usd"] if prices else None,
            "gpu_price_high_usd": prices[0]["gpu_price_high_usd"] if prices else None,
            "shipped_units_p50": ships[0]["shipped_units_p50"] if ships else None,
            "shipped_units_p5": ships[0]["shipped_units_p5"] if ships else None,
            "shipped_units_p95": ships[0]["shipped_units_p95"] if ships else None,
        }
        notes = [f"compared with calendar quarter {calendar_quarter:%Y}Q{(calendar_quarter.month - 1) // 3 + 1}"]
        if revenue_usd and prices:
            row["implied_units_low"] = revenue_usd / row["gpu_price_high_usd"]
            row["implied_units_high"] = revenue_usd / row["gpu_price_low_usd"]
        else:
            notes.append("no GPU price for that year" if not prices else "no revenue figure")
        if row.get("implied_units_low") and row["shipped_units_p50"]:
            low, high = row["implied_units_low"], row["implied_units_high"]
            row["gap_ratio"] = row["shipped_units_p50"] / (low * high) ** 0.5
            row["flagged"] = not (low / (1 + tolerance) <= row["shipped_units_p50"] <= high * (1 + tolerance))
            if row["flagged"]:
                notes.append(f"shipment estimate outside the revenue-implied range by more than {tolerance:.0%}")
        else:
            row["flagged"] = False
            if not row["shipped_units_p50"]:
                notes.append("no shipment estimate for that quarter")
        row["note"] = "; ".join(notes)
        rows.append(row)
    return pl.DataFrame(
        [{name: row.get(name) for name in RECONCILIATION_SCHEMA} for row in rows], schema=RECONCILIATION_SCHEMA
    )
