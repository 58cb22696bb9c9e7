"""Installed compute and NVIDIA revenue: engine jobs and growth factors (pure)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from forecasts.engine import EngineJob
from forecasts.growth import growth_factor
from forecasts.installed_accumulation import SHIPMENTS_SINCE
from transforms.revenue import calendar_quarter_of_midpoint

COMPUTE_HORIZON_QUARTERS = 12
# 4 windows x 4 quarters = 16 overlapping backtest points: an 80% interval that covered 9 of
# them (56%) is within sampling noise of nominal, so only coverage below 50% disqualifies.
QUARTERLY_COVERAGE_TOLERANCE = 0.30
# Published anchors (Epoch AI): NVIDIA installed compute ~2.3x/yr; all vendors ~3.3x/yr since 2022.
INSTALLED_ANCHORS = {"Nvidia": 2.3, "all": 3.3}
# Growth is measured once every vendor is in the data: the stock starts at zero in 2022,
# so earlier quarters would overstate growth.
GROWTH_SINCE = dt.date(2024, 1, 1)
# Vendors are parts of the "all" series: share_of_total forecasts a vendor as the total times
# its share, so its band cannot exceed the total's. (A drift with the step variance pooled
# across vendors was tried and scored 30% worse: AMD's volatility is its own.)
SHIPMENT_CANDIDATES = ("naive", "drift_rw", "share_of_total", "loglinear_hac", "ets_damped")

GROWTH_SCHEMA: dict[str, pl.DataType] = {
    "target": pl.String(),
    "series_id": pl.String(),
    "factor_per_year": pl.Float64(),
    "ci90_low": pl.Float64(),
    "ci90_high": pl.Float64(),
    "n": pl.Int64(),
    "start_date": pl.Date(),
    "end_date": pl.Date(),
    "r_squared": pl.Float64(),
    "method": pl.String(),
    "anchor_factor_per_year": pl.Float64(),
    "note": pl.String(),
}


def installed_series(installed: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {
        str(vendor): part.sort("quarter").select(
            pl.col("quarter").alias("ds"), pl.col("installed_h100e_p50").alias("y")
        )
        for (vendor,), part in installed.group_by("vendor", maintain_order=True)
    }


def shipped_series(installed: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Quarterly shipments (H100e, median) per vendor since SHIPMENTS_SINCE: the flow the
    installed-compute forecast accumulates (forecasts.installed_accumulation)."""
    recent = installed.filter((pl.col("quarter") >= SHIPMENTS_SINCE) & (pl.col("shipped_h100e_p50") > 0))
    return {
        str(vendor): part.sort("quarter").select(pl.col("quarter").alias("ds"), pl.col("shipped_h100e_p50").alias("y"))
        for (vendor,), part in recent.group_by("vendor", maintain_order=True)
    }


def revenue_series(revenue: pl.DataFrame) -> dict[str, pl.DataFrame]:
    nvidia = revenue.filter(pl.col("company").str.to_lowercase() == "nvidia").sort("period_start")
    if nvidia.height == 0:
        return {}
    quarters = [calendar_quarter_of_midpoint(r["period_start"], r["period_end"]) for r in nvidia.to_dicts()]
    return {
        "Nvidia": pl.DataFrame(
            {"ds": quarters, "y": nvidia["datacenter_revenue_usd"].to_list()},
            schema={"ds": pl.Date(), "y": pl.Float64()},
        ).drop_nulls()
    }


def compute_jobs(installed: pl.DataFrame, revenue: pl.DataFrame) -> list[EngineJob]:
    jobs = []
    if installed.height:
        shipments = shipped_series(installed)
        jobs.append(
            EngineJob(
                "shipped_h100e",
                "h100e",
                "quarter",
                COMPUTE_HORIZON_QUARTERS,
                shipments,
                backtest_windows=4,
                backtest_horizon=4,
                min_train=4,
                coverage_tolerance=QUARTERLY_COVERAGE_TOLERANCE,
                growth_ci=measured_growth_ci(shipments),
                candidates=SHIPMENT_CANDIDATES,
            )
        )
    series = revenue_series(revenue)
    if series:
        jobs.append(
            EngineJob(
                "nvidia_datacenter_revenue",
                "usd",
                "quarter",
                COMPUTE_HORIZON_QUARTERS,
                series,
                backtest_windows=4,
                backtest_horizon=4,
                min_train=4,
                coverage_tolerance=QUARTERLY_COVERAGE_TOLERANCE,
            )
        )
    return jobs


def measured_growth_ci(series: dict[str, pl.DataFrame]) -> dict[str, tuple[float, float]]:
    """series_id -> 90% CI of the growth factor per year measured on the series (the same fit
    as forecast.growth_rates), for series long enough to measure."""
    intervals = {}
    for series_id, history in series.items():
        if history.height >= 4:
            fit = growth_factor(history)
            intervals[series_id] = (fit.ci_low, fit.ci_high)
    return intervals


def growth_row(
    target: str, series_id: str, history: pl.DataFrame, method: str, anchor: float | None, note: str
) -> dict:
    fit = growth_factor(history)
    return {
        "target": target,
        "series_id": series_id,
        "factor_per_year": fit.factor_per_year,
        "ci90_low": fit.ci_low,
        "ci90_high": fit.ci_high,
        "n": fit.n,
        "start_date": fit.start,
        "end_date": fit.end,
        "r_squared": fit.r_squared,
        "method": f"{method} ({fit.cov} standard errors)",
        "anchor_factor_per_year": anchor,
        "note": note,
    }


def compute_growth(installed: pl.DataFrame, revenue: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    rows, skipped = [], {}
    for vendor, history in installed_series(installed).items():
        recent = history.filter(pl.col("ds") >= GROWTH_SINCE)
        if recent.height < 4:
            skipped[f"installed_h100e/{vendor}"] = f"only {recent.height} quarters since {GROWTH_SINCE}"
            continue
        rows.append(
            growth_row(
                "installed_h100e",
                vendor,
                recent,
                "OLS of log installed H100e (p50) on time",
                INSTALLED_ANCHORS.get(vendor),
                f"quarters since {GROWTH_SINCE:%Y-%m}; anchor: Epoch AI published growth where one exists",
            )
        )
    for vendor, history in shipped_series(installed).items():
        if history.height < 4:
            skipped[f"shipped_h100e/{vendor}"] = f"only {history.height} quarters of shipments since {SHIPMENTS_SINCE}"
            continue
        rows.append(
            growth_row(
                "shipped_h100e",
                vendor,
                history,
                "OLS of log quarterly shipments in H100e (p50) on time",
                None,
                f"quarters since {SHIPMENTS_SINCE:%Y-%m}: the flow the installed-compute forecast accumulates",
            )
        )
    for company, history in revenue_series(revenue).items():
        if history.height >= 4:
            rows.append(
                growth_row(
                    "nvidia_datacenter_revenue",
                    company,
                    history,
                    "OLS of log data-center revenue on time",
                    None,
                    "fiscal quarters placed at the calendar quarter of their midpoint",
                )
            )
    return pl.DataFrame(rows, schema=GROWTH_SCHEMA) if rows else pl.DataFrame(schema=GROWTH_SCHEMA), skipped
