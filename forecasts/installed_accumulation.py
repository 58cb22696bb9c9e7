"""Installed compute forecast = today's stock + forecast shipments - retirements (pure).

Why shipments and not the stock itself: every vendor's stock in marts.installed_compute
starts at zero in its first covered quarter (AMD and Amazon from 2024Q1, NVIDIA from 2022Q1),
so the early growth of a stock is the ramp of the data, not of the fleet; a trend fitted to
the stock (drift of log stock since 2022) forecast 4-7x a year. Quarterly shipments are a
flow and need no such start; the engine forecasts them (backtest and champion as for every
quarterly family) from SHIPMENTS_SINCE, when every vendor is in the data, and they are
accumulated here with the mart's retirement rule (a chip retires `service_life_years` after
the quarter it shipped in; the shipment that retires is read from the mart's history, or
from the shipment forecast when that quarter is itself in the future).

Bounds: the stock bound at quarter h is the last observed stock (median) plus the sum of
the shipment bounds of quarters 1..h, i.e. the quarters' quantiles added (quarters move
together, which a trend forecast nearly does; independent quarters would give a narrower
band). The uncertainty of the current stock estimate itself (the mart's p5..p95) is not in
the band: the band is about what will be added, not about what is there.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from forecasts.base import add_months

SHIPMENTS_SINCE = dt.date(2024, 1, 1)
BOUNDS = ("mean", "lo_80", "hi_80", "lo_95", "hi_95")


def _quarter_back(day: dt.date, quarters: int) -> dt.date:
    return add_months(day, -3 * quarters)


def installed_from_shipments(shipped: pl.DataFrame, installed: pl.DataFrame) -> pl.DataFrame:
    """forecast.values rows of target installed_h100e from rows of target shipped_h100e.

    shipped: [series_id, model, ds, mean, lo_80, hi_80, lo_95, hi_95] (quarter starts);
    installed: marts.installed_compute [vendor, quarter, installed_h100e_p50, shipped_h100e_p50,
    service_life_years].
    """
    parts = []
    for (series_id,), future in shipped.sort("ds").group_by("series_id", maintain_order=True):
        history = installed.filter(pl.col("vendor") == series_id).sort("quarter")
        if history.height == 0:
            continue
        last = history.row(-1, named=True)
        life_years = last["service_life_years"]
        life_quarters = round(life_years * 4) if life_years is not None else None
        shipped_by_quarter = dict(
            zip(history["quarter"].to_list(), history["shipped_h100e_p50"].to_list(), strict=True)
        )
        forecast_median = dict(zip(future["ds"].to_list(), future["mean"].to_list(), strict=True))
        totals = dict.fromkeys(BOUNDS, 0.0)
        rows = []
        for row in future.iter_rows(named=True):
            retired = 0.0
            if life_quarters is not None:
                leaving = _quarter_back(row["ds"], life_quarters)
                retired = float(shipped_by_quarter.get(leaving) or forecast_median.get(leaving) or 0.0)
            out: dict[str, object] = {"series_id": series_id, "model": f"accumulated_{row['model']}", "ds": row["ds"]}
            for bound in BOUNDS:
                totals[bound] += float(row[bound]) - retired
                out[bound] = max(float(last["installed_h100e_p50"]) + totals[bound], 0.0)
            rows.append(out)
        parts.append(pl.DataFrame(rows, schema_overrides={"ds": pl.Date()}))
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts).with_columns(target=pl.lit("installed_h100e"), unit=pl.lit("h100e"))
