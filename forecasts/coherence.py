"""A part's forecast cannot exceed its whole's (pure).

Vendors' shipments and stocks are forecast per series, and the family also forecasts their
total ("all"). A vendor's quantile above the total's same quantile is impossible (a part
that is never larger than the whole has every quantile below the whole's), yet a champion
fitted on a vendor's few volatile quarters produces one: drift on AMD's eight quarters put its
2028Q4 95% upper bound at four times that of all vendors. `bound_parts_by_total` caps each
part's median and bounds at the total's on the same date and returns one forecast.checks row
per part saying whether its model's own forecast needed the cap (failed: the run's warnings
then say which bounds were capped and by how much).
"""

from __future__ import annotations

import polars as pl

from forecasts.installed_accumulation import installed_from_shipments
from forecasts.sanity import CHECKS_SCHEMA
from transforms.installed_compute import ALL_VENDORS as TOTAL_SERIES

BOUNDS = ("mean", "lo_80", "hi_80", "lo_95", "hi_95")


def bound_parts_by_total(
    values: pl.DataFrame, target: str, total_id: str = TOTAL_SERIES
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """values: [series_id, ds, *BOUNDS, ...] rows of one target. Returns the values with every
    part's bound capped at the total's and the check rows (none without a total)."""
    if values.height == 0:
        return values, pl.DataFrame(schema=CHECKS_SCHEMA)
    total = values.filter(pl.col("series_id") == total_id)
    if total.height == 0:
        return values, pl.DataFrame(schema=CHECKS_SCHEMA)
    ceiling = total.select("ds", *(pl.col(b).alias(f"{b}__total") for b in BOUNDS))
    joined = values.join(ceiling, on="ds", how="left")
    is_part = pl.col("series_id") != total_id
    excess = [
        pl.when(is_part & (pl.col(b) > pl.col(f"{b}__total")))
        .then(pl.col(b) / pl.col(f"{b}__total"))
        .alias(f"{b}__excess")
        for b in BOUNDS
    ]
    joined = joined.with_columns(excess)
    rows = []
    for (series_id,), part in joined.filter(is_part).group_by("series_id", maintain_order=True):
        exceeded = [
            (b, d, r) for b in BOUNDS for d, r in zip(part["ds"], part[f"{b}__excess"], strict=True) if r is not None
        ]
        if not exceeded:
            rows.append(
                _check_row(target, str(series_id), True, 1.0, f"{target}/{series_id}: every bound within {total_id}'s")
            )
            continue
        bound, day, ratio = max(exceeded, key=lambda e: e[2])
        rows.append(
            _check_row(
                target,
                str(series_id),
                False,
                ratio,
                f"{target}/{series_id}: {len(exceeded)} of {part.height * len(BOUNDS)} bounds above {total_id}'s "
                f"(worst {bound} on {day}, {ratio:.1f}x); capped at {total_id}'s",
            )
        )
    capped = joined.with_columns(
        pl.when(is_part & pl.col(f"{b}__total").is_not_null())
        .then(pl.min_horizontal(b, f"{b}__total"))
        .otherwise(pl.col(b))
        .alias(b)
        for b in BOUNDS
    ).select(values.columns)
    return capped, pl.DataFrame(rows, schema=CHECKS_SCHEMA)


def _check_row(target: str, series_id: str, passed: bool, ratio: float, message: str) -> dict[str, object]:
    return {
        "check_id": "parts_within_total",
        "subject": f"{target}/{series_id}",
        "passed": passed,
        "observed": ratio,
        "expected_low": None,
        "expected_high": 1.0,
        "message": message,
    }


def coherent_compute(shipped: pl.DataFrame, installed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Shipment forecasts (target shipped_h100e) bounded by the total, the installed-compute
    forecast accumulated from them and bounded again (a part's stock starts below the total's
    but retires less, so accumulation alone does not keep it below), and both targets' checks."""
    shipped_bounded, shipped_checks = bound_parts_by_total(shipped, "shipped_h100e")
    accumulated = installed_from_shipments(shipped_bounded, installed)
    installed_bounded, installed_checks = bound_parts_by_total(accumulated, "installed_h100e")
    return shipped_bounded, installed_bounded, pl.concat([shipped_checks, installed_checks])
