"""Token demand: growth per year and projections from sparse, irregular usage reports (pure).

Reports are few and irregular (a company's figure every few months), so the series cannot
go through the regular-grid engine; a log-linear fit on dates gives the growth factor and
prediction intervals for quarter starts ahead. How sparse the data is travels with it.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
from scipy import stats

from forecasts.base import add_months
from forecasts.compute_family import GROWTH_SCHEMA, growth_row

MIN_REPORTS = 3
DEMAND_HORIZON_QUARTERS = 8


def demand_histories(demand: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Per company, the reported tokens/day over time (company-wide totals preferred).

    A company's products measure different things, so one series per company takes the
    product with the most reports.
    """
    histories = {}
    for (company,), part in demand.group_by("company", maintain_order=True):
        counts = part.group_by("product").len().sort(["len", "product"], descending=[True, False])
        product = counts["product"][0]
        series = part.filter(pl.col("product") == product).sort("observed_on")
        histories[f"{company}"] = series.select(
            pl.col("observed_on").alias("ds"), pl.col("tokens_per_day").alias("y"), pl.lit(product).alias("product")
        )
    return histories


def demand_growth(demand: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    rows, skipped = [], {}
    for company, history in demand_histories(demand).items():
        if history.height < MIN_REPORTS:
            skipped[f"token_demand/{company}"] = f"only {history.height} report(s) (need {MIN_REPORTS})"
            continue
        rows.append(
            growth_row(
                "token_demand",
                company,
                history.select("ds", "y"),
                "OLS of log tokens/day on date",
                None,
                f"{history.height} reports of {history['product'][0]!r} from {history['ds'].min()!s} to "
                f"{history['ds'].max()!s}; sparse: treat as indicative",
            )
        )
    return pl.DataFrame(rows, schema=GROWTH_SCHEMA) if rows else pl.DataFrame(schema=GROWTH_SCHEMA), skipped


def demand_projection(history: pl.DataFrame, horizon_quarters: int = DEMAND_HORIZON_QUARTERS) -> pl.DataFrame:
    """Quarter-start projections [ds, mean, lo_80, hi_80, lo_95, hi_95] from an OLS fit of log y on time."""
    days: list[dt.date] = history["ds"].to_list()
    origin = days[0]
    t = np.array([(d - origin).days / 365.25 for d in days])
    log_y = np.log(history["y"].to_numpy())
    n = t.size
    design = np.column_stack([np.ones(n), t])
    coef, *_ = np.linalg.lstsq(design, log_y, rcond=None)
    residuals = log_y - design @ coef
    sigma2 = float(residuals @ residuals) / (n - 2)
    xtx_inv = np.linalg.inv(design.T @ design)
    last = days[-1]
    start = add_months(dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), 3)
    future = [add_months(start, 3 * k) for k in range(horizon_quarters)]
    rows = []
    for day in future:
        x = np.array([1.0, (day - origin).days / 365.25])
        mean = float(x @ coef)
        se = math.sqrt(sigma2 * (1.0 + float(x @ xtx_inv @ x)))
        row = {"ds": day, "mean": math.exp(mean)}
        for level in (80, 95):
            q = float(stats.t.ppf(0.5 + level / 200.0, n - 2))
            row[f"lo_{level}"] = math.exp(mean - q * se)
            row[f"hi_{level}"] = math.exp(mean + q * se)
        rows.append(row)
    return pl.DataFrame(rows, schema_overrides={"ds": pl.Date()})


def demand_values(demand: pl.DataFrame) -> pl.DataFrame:
    parts = []
    for company, history in demand_histories(demand).items():
        if history.height < MIN_REPORTS:
            continue
        parts.append(
            demand_projection(history).with_columns(
                target=pl.lit("token_demand"),
                series_id=pl.lit(company),
                model=pl.lit("loglinear_ols_irregular"),
                unit=pl.lit("tokens_per_day"),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame()
