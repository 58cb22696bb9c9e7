"""Token demand: growth per year and projections from sparse, irregular usage reports (pure).

Reports are few and irregular (a company's figure every few months), so the series cannot
go through the regular-grid engine. The headline growth is pooled (forecasts.pooled_growth):
every report of every company, one common growth rate per year with an offset per company,
its interval on Student's t with the residual degrees of freedom (nine reports from three
companies leave five). The projections in forecast.values use that common rate from each
company's own level. Per-company fits stay in forecast.growth_rates as diagnostics; one
company's 2024-2025 ramp (Google's four reports) is not the industry's growth. How sparse
the data is travels with every row.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from forecasts.base import add_months
from forecasts.compute_family import GROWTH_SCHEMA, growth_row
from forecasts.pooled_growth import PooledGrowth, pooled_growth

MIN_REPORTS = 3
DEMAND_HORIZON_QUARTERS = 8
POOLED_SERIES_ID = "pooled"
POOLED_LEVEL = 0.90


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


def pooled_reports(demand: pl.DataFrame) -> pl.DataFrame:
    """[company, ds, y]: every positive tokens/day report (all products: scope differences stay in the residual)."""
    return demand.filter(pl.col("tokens_per_day") > 0).select(
        "company", pl.col("observed_on").alias("ds"), pl.col("tokens_per_day").alias("y")
    )


def pooled_demand_fit(demand: pl.DataFrame) -> PooledGrowth | None:
    """The pooled fit, or None when the reports cannot identify a common growth."""
    reports = pooled_reports(demand)
    try:
        return pooled_growth(reports, group_col="company")
    except ValueError:
        return None


def pooled_row(fit: PooledGrowth) -> dict:
    factor, low, high = fit.factor_interval(POOLED_LEVEL)
    return {
        "target": "token_demand",
        "series_id": POOLED_SERIES_ID,
        "factor_per_year": factor,
        "ci90_low": low,
        "ci90_high": high,
        "n": fit.n,
        "start_date": fit.start,
        "end_date": fit.end,
        "r_squared": fit.r_squared,
        "method": "OLS of log tokens/day on date with company fixed effects (t on "
        f"{fit.df_resid} residual degrees of freedom)",
        "anchor_factor_per_year": None,
        "note": f"only {fit.n} reports from {len(fit.series)} companies ({', '.join(fit.series)}), "
        f"{fit.start!s}..{fit.end!s}; products of one company differ in scope; few observations: indicative",
    }


def too_few_reports(reports: pl.DataFrame, history: pl.DataFrame) -> str:
    """Why a company has no growth fit of its own, saying what was counted: its fit uses the reports
    of one product (demand_histories), while the pooled fit uses all of them, of every product."""
    products = reports["product"].n_unique()
    counted = f"{history.height} report{'' if history.height == 1 else 's'}"
    if products <= 1:
        return f"only {counted} (need {MIN_REPORTS} of one product for a company's own growth fit)"
    return (
        f"only {counted} of any one product (need {MIN_REPORTS} of one product for a company's own growth "
        f"fit); its {reports.height} reports across {products} products all enter the pooled fit"
    )


def demand_growth(demand: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    rows, skipped = [], {}
    fit = pooled_demand_fit(demand)
    if fit is None:
        skipped[f"token_demand/{POOLED_SERIES_ID}"] = "the reports do not identify a common growth rate"
    else:
        rows.append(pooled_row(fit))
    for company, history in demand_histories(demand).items():
        if history.height < MIN_REPORTS:
            skipped[f"token_demand/{company}"] = too_few_reports(demand.filter(pl.col("company") == company), history)
            continue
        rows.append(
            growth_row(
                "token_demand",
                company,
                history.select("ds", "y"),
                "OLS of log tokens/day on date",
                None,
                f"{history.height} reports of {history['product'][0]!r} from {history['ds'].min()!s} to "
                f"{history['ds'].max()!s}; one company only, a diagnostic: the pooled row is the headline",
            )
        )
    return pl.DataFrame(rows, schema=GROWTH_SCHEMA) if rows else pl.DataFrame(schema=GROWTH_SCHEMA), skipped


def next_quarter_starts(last: dt.date, horizon_quarters: int) -> list[dt.date]:
    start = add_months(dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), 3)
    return [add_months(start, 3 * k) for k in range(horizon_quarters)]


def demand_values(demand: pl.DataFrame) -> pl.DataFrame:
    """Per company with at least two reports: the pooled growth from its own level, quarter starts ahead."""
    fit = pooled_demand_fit(demand)
    if fit is None:
        return pl.DataFrame()
    reports = pooled_reports(demand)
    parts = []
    for company in fit.series:
        own = reports.filter(pl.col("company") == company)
        if own.height < 2:
            continue
        days = next_quarter_starts(own["ds"].max(), DEMAND_HORIZON_QUARTERS)  # type: ignore[arg-type]
        parts.append(
            fit.predict(company, days).with_columns(
                target=pl.lit("token_demand"),
                series_id=pl.lit(company),
                model=pl.lit("pooled_loglinear_company_offsets"),
                unit=pl.lit("tokens_per_day"),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame()
