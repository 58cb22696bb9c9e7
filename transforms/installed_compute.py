"""marts.installed_compute: the installed base of AI accelerators, quarter by quarter.

Input is a `chip_shipments` frame (sources.schemas.CHIP_SHIPMENT_COLUMNS): shipments per
vendor, chip and period with 5th/50th/95th percentiles in units and H100-equivalents.

Method
------
* **Vintages.** A source re-estimates history; only the latest `estimate_vintage` per
  (vendor, chip, period_start) is used (a null vintage counts as the oldest).
* **Quarters.** A shipment row belongs to the calendar quarter that contains the midpoint
  of its period, so fiscal-quarter rows (NVIDIA's fiscal year starts in late January) land
  in the calendar quarter where most of their days fall.
* **Stock and retirement.** The installed base at the end of quarter Q counts the
  shipments of the last `service_life_years * 4` quarters including Q: a chip shipped in
  2022Q1 with a 5-year life is installed through 2026Q4 and retired in 2027Q1.
  `service_life_years=None` means no retirement (a plain cumulative sum, which is how
  Epoch AI's own cumulative totals are built).
* **Uncertainty.** Each shipment row is sampled from a two-piece (split) lognormal that
  reproduces its three quantiles exactly: median p50, log-scale sigma
  (ln p50 - ln p5) / z95 below and (ln p95 - ln p50) / z95 above. Shipment estimates are
  right-skewed (p95/p50 > p50/p5 for most rows), which a symmetric distribution would
  miss. Rows with p5 <= 0 use a two-piece normal clipped at zero instead; rows with a
  null p5 or p95 have no uncertainty on that side. Units and H100e of a row share the
  same draw: they are one estimate in two units.
* **Correlation.** Draws of different rows are correlated through a Gaussian one-factor
  structure on the normal scores: z = sqrt(rv) * vendor factor + sqrt(rc - rv) * chip
  factor + sqrt(1 - rc) * noise, so two rows of the same chip type correlate at `rc` and
  two rows of different chips of one vendor at `rv`; vendors are independent. The default
  (rc = 1, rv = 0) reads Epoch AI's estimates as driven by one uncertain per-chip
  assumption (price, mix share) applied to every quarter: their per-chip p95/p50 ratio is
  constant across quarters for NVIDIA, and their cumulative totals' percentiles are much
  wider than independence across quarters would give. Independent rows would make the
  interval of a multi-year stock implausibly narrow. (rc = rv = 0 is full independence;
  rc = rv = 1 is one shared vendor-level factor.)

The output has one row per vendor (and "all") per quarter, from the vendor's first to its
last shipment quarter; "all" runs from the earliest first quarter to the earliest last
quarter over vendors, so the total never silently omits a vendor whose data stop early.
Before a vendor's first covered quarter its stock counts as zero: the total is the stock
of *covered* shipments (left-censored), see `shipment_coverage`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

Z95 = 1.6448536269514722  # standard normal 95th percentile: p5/p95 sit at -/+ Z95
ALL_VENDORS = "all"

INSTALLED_SCHEMA: dict[str, pl.DataType] = {
    "vendor": pl.String(),
    "quarter": pl.Date(),  # quarter start; the stock is measured at the quarter's end
    "installed_h100e_p5": pl.Float64(),
    "installed_h100e_p50": pl.Float64(),
    "installed_h100e_p95": pl.Float64(),
    "installed_units_p5": pl.Float64(),
    "installed_units_p50": pl.Float64(),
    "installed_units_p95": pl.Float64(),
    "shipped_h100e_p50": pl.Float64(),
    "retired_h100e_p50": pl.Float64(),
    "service_life_years": pl.Float64(),
}

COVERAGE_SCHEMA: dict[str, pl.DataType] = {
    "vendor": pl.String(),
    "first_quarter": pl.Date(),
    "last_quarter": pl.Date(),
    "n_rows": pl.Int64(),
    "n_chips": pl.Int64(),
    "estimate_vintage": pl.Date(),
}


def quarter_index(day: dt.date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def quarter_from_index(index: int) -> dt.date:
    return dt.date(index // 4, 3 * (index % 4) + 1, 1)


def latest_vintage(shipments: pl.DataFrame) -> pl.DataFrame:
    """The rows of the latest estimate_vintage per (vendor, chip, period_start)."""
    return (
        shipments.sort("estimate_vintage", nulls_last=False)
        .group_by("vendor", "chip", "period_start", maintain_order=True)
        .last()
        .select(shipments.columns)
    )


def with_quarters(shipments: pl.DataFrame) -> pl.DataFrame:
    """Adds `quarter` (start of the calendar quarter holding the period's midpoint)."""
    end = pl.coalesce("period_end", "period_start")
    midpoint = pl.col("period_start") + (end - pl.col("period_start")) / 2
    return shipments.with_columns(quarter=pl.date(midpoint.dt.year(), (midpoint.dt.month() - 1) // 3 * 3 + 1, 1))


def shipment_coverage(shipments: pl.DataFrame) -> pl.DataFrame:
    """Per vendor: first and last shipment quarter covered, rows, chip types, vintage used."""
    rows = with_quarters(latest_vintage(shipments))
    return (
        rows.group_by("vendor")
        .agg(
            first_quarter=pl.col("quarter").min(),
            last_quarter=pl.col("quarter").max(),
            n_rows=pl.len().cast(pl.Int64),
            n_chips=pl.col("chip").n_unique().cast(pl.Int64),
            estimate_vintage=pl.col("estimate_vintage").max(),
        )
        .sort("vendor")
        .select(list(COVERAGE_SCHEMA))
    )


def split_lognormal_draws(p5: np.ndarray, p50: np.ndarray, p95: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Values at standard-normal scores `scores` (rows x draws) for rows with quantiles p5/p50/p95.

    A score of -Z95, 0 and +Z95 returns p5, p50 and p95 exactly. Null (NaN) p5/p95 mean no
    spread on that side; p5 <= 0 switches the row to a two-piece normal clipped at zero.
    """
    if np.any(np.isnan(p50)):
        raise ValueError("shipment medians (p50) must not be null")
    p50 = p50[:, None]
    lo = np.where(np.isnan(p5), p50[:, 0], p5)[:, None]
    hi = np.where(np.isnan(p95), p50[:, 0], p95)[:, None]
    if np.any(lo > p50) or np.any(p50 > hi):
        raise ValueError("shipment quantiles must satisfy p5 <= p50 <= p95")
    below = scores < 0
    positive = (lo > 0) & (p50 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p50 = np.log(np.where(positive, p50, 1.0))
        sigma_lo = (log_p50 - np.log(np.where(positive, lo, 1.0))) / Z95
        sigma_hi = (np.log(np.where(positive, hi, 1.0)) - log_p50) / Z95
    lognormal = np.exp(log_p50 + scores * np.where(below, sigma_lo, sigma_hi))
    spread = np.where(below, (p50 - lo) / Z95, (hi - p50) / Z95)
    normal = np.maximum(p50 + scores * spread, 0.0)
    return np.where(positive, lognormal, normal)


def correlated_scores(
    vendors: list[str],
    chips: list[str],
    n_draws: int,
    rng: np.random.Generator,
    chip_correlation: float,
    vendor_correlation: float,
) -> np.ndarray:
    """Standard-normal scores (rows x draws) with the one-factor structure in the module doc."""
    if not 0.0 <= vendor_correlation <= chip_correlation <= 1.0:
        raise ValueError("need 0 <= vendor_correlation <= chip_correlation <= 1")
    vendor_keys = sorted(set(vendors))
    chip_keys = sorted(set(zip(vendors, chips, strict=True)))
    vendor_factor = rng.standard_normal((len(vendor_keys), n_draws))
    chip_factor = rng.standard_normal((len(chip_keys), n_draws))
    noise = rng.standard_normal((len(vendors), n_draws))
    vendor_row = [vendor_keys.index(v) for v in vendors]
    chip_row = [chip_keys.index(key) for key in zip(vendors, chips, strict=True)]
    return (
        np.sqrt(vendor_correlation) * vendor_factor[vendor_row]
        + np.sqrt(chip_correlation - vendor_correlation) * chip_factor[chip_row]
        + np.sqrt(1.0 - chip_correlation) * noise
    )


def _window_sum(per_quarter: np.ndarray, life_quarters: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Stock (rolling sum over the service life) and retirements per quarter, both quarters x draws."""
    cumulative = np.cumsum(per_quarter, axis=0)
    if life_quarters is None or life_quarters >= per_quarter.shape[0]:
        return cumulative, np.zeros_like(per_quarter)
    retired = np.zeros_like(per_quarter)
    retired[life_quarters:] = per_quarter[:-life_quarters]
    return cumulative - np.cumsum(retired, axis=0), retired


def installed_compute(
    shipments: pl.DataFrame,
    *,
    service_life_years: float | None = 5.0,
    n_draws: int = 2000,
    seed: int = 0,
    chip_correlation: float = 1.0,
    vendor_correlation: float = 0.0,
) -> pl.DataFrame:
    """Installed base per vendor and in total per calendar quarter (INSTALLED_SCHEMA).

    `service_life_years` is rounded to whole quarters; None disables retirement.
    """
    if service_life_years is not None and service_life_years <= 0:
        raise ValueError("service_life_years must be positive (or None for no retirement)")
    if n_draws < 1:
        raise ValueError("n_draws must be at least 1")
    life_quarters = None if service_life_years is None else max(1, round(service_life_years * 4))
    rows = with_quarters(latest_vintage(shipments)).sort("vendor", "chip", "quarter")
    if rows.height == 0:
        return pl.DataFrame(schema=INSTALLED_SCHEMA)

    rng = np.random.default_rng(seed)
    vendors: list[str] = rows["vendor"].to_list()
    scores = correlated_scores(vendors, rows["chip"].to_list(), n_draws, rng, chip_correlation, vendor_correlation)

    def draws(prefix: str) -> np.ndarray:
        p5, p50, p95 = (rows[f"{prefix}_p{q}"].cast(pl.Float64).fill_null(np.nan).to_numpy() for q in (5, 50, 95))
        return split_lognormal_draws(p5, p50, p95, scores)

    h100e, units = draws("h100e"), draws("units")
    row_quarter = np.array([quarter_index(q) for q in rows["quarter"].to_list()])
    first, last = int(row_quarter.min()), int(row_quarter.max())
    n_quarters = last - first + 1

    per_vendor: dict[str, tuple[np.ndarray, np.ndarray, int, int]] = {}
    for vendor in sorted(set(vendors)):
        mask = np.array([v == vendor for v in vendors])
        shipped_h100e = np.zeros((n_quarters, n_draws))
        shipped_units = np.zeros((n_quarters, n_draws))
        np.add.at(shipped_h100e, row_quarter[mask] - first, h100e[mask])
        np.add.at(shipped_units, row_quarter[mask] - first, units[mask])
        span = (int(row_quarter[mask].min()) - first, int(row_quarter[mask].max()) - first)
        per_vendor[vendor] = (shipped_h100e, shipped_units, *span)

    total_span = (min(s[2] for s in per_vendor.values()), min(s[3] for s in per_vendor.values()))
    series = [(vendor, *values) for vendor, values in per_vendor.items()]
    series.append(
        (
            ALL_VENDORS,
            np.sum([v[0] for v in per_vendor.values()], axis=0),
            np.sum([v[1] for v in per_vendor.values()], axis=0),
            *total_span,
        )
    )

    parts = []
    for vendor, shipped_h100e, shipped_units, lo, hi in series:
        stock_h100e, retired_h100e = _window_sum(shipped_h100e, life_quarters)
        stock_units, _ = _window_sum(shipped_units, life_quarters)
        keep = slice(lo, hi + 1)
        q_h100e = np.quantile(stock_h100e[keep], [0.05, 0.5, 0.95], axis=1)
        q_units = np.quantile(stock_units[keep], [0.05, 0.5, 0.95], axis=1)
        parts.append(
            pl.DataFrame(
                {
                    "vendor": vendor,
                    "quarter": [quarter_from_index(first + i) for i in range(lo, hi + 1)],
                    "installed_h100e_p5": q_h100e[0],
                    "installed_h100e_p50": q_h100e[1],
                    "installed_h100e_p95": q_h100e[2],
                    "installed_units_p5": q_units[0],
                    "installed_units_p50": q_units[1],
                    "installed_units_p95": q_units[2],
                    "shipped_h100e_p50": np.median(shipped_h100e[keep], axis=1),
                    "retired_h100e_p50": np.median(retired_h100e[keep], axis=1),
                    "service_life_years": service_life_years,
                },
                schema=INSTALLED_SCHEMA,
            )
        )
    return pl.concat(parts).sort("vendor", "quarter")
