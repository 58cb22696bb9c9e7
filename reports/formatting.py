"""How numbers look in the report: one function per kind of quantity, also used as Jinja filters.

Every figure in the report goes through these, so a test can format a warehouse value the same
way and find it in the HTML. Missing values show as "n/a".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

MISSING = "n/a"
SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
# Up to a million trillion a quantity keeps the T suffix ("1,260T" beside "304T" in one column of
# tokens per day, where 1.26e15 read as another unit); beyond, scientific notation (FLOP counts).
SCIENTIFIC_FROM = 1e18


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def sig3(value: float) -> str:
    """Three significant digits without scientific notation for ordinary magnitudes."""
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def factor(value: float | None) -> str:
    """A growth or decline factor per year (or a ratio): 0.057×, 3.3×, 12.4×, 310×."""
    if _missing(value):
        return MISSING
    assert value is not None
    if abs(value) < 1:
        return f"{value:.2g}×"
    return f"{value:.1f}×" if abs(value) < 100 else f"{value:,.0f}×"


# A 90% CI whose ends differ by more than this factor says nothing a reader could use
# ("3.7e-08×–348,728,471,280×" from three price lows): it is named as such, not printed.
UNINFORMATIVE_CI_SPAN = 1e4


def factor_range(low: float | None, high: float | None) -> str:
    if (
        low is not None
        and high is not None
        and math.isfinite(low)
        and math.isfinite(high)
        and low > 0
        and high / low > UNINFORMATIVE_CI_SPAN
    ):
        return "CI too wide to use (over 10,000-fold)"
    return f"{factor(low)}–{factor(high)}"


def share(value: float | None) -> str:
    """A share as a percentage with one decimal: 76.9%."""
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value * 100:.1f}%"


def share_range(low: float | None, high: float | None) -> str:
    return f"{share(low)}–{share(high)}"


def scientific(value: float) -> str:
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def si(value: float | None) -> str:
    """A large quantity with a suffix: 19.7M, 43.0T, 812k, 2,500T; 7.83e20 from 10^18 on."""
    if _missing(value):
        return MISSING
    assert value is not None
    if abs(value) >= SCIENTIFIC_FROM:
        return scientific(value)
    for scale, suffix in SCALES:
        if abs(value) >= scale:
            return f"{sig3(value / scale)}{suffix}"
    return sig3(value)


def si_range(low: float | None, high: float | None) -> str:
    return f"{si(low)}–{si(high)}"


def usd(value: float | None) -> str:
    """An amount of US dollars: $51.2B."""
    return MISSING if _missing(value) else f"${si(value)}"


def usd_range(low: float | None, high: float | None) -> str:
    return f"{usd(low)}–{usd(high)}"


def price(value: float | None) -> str:
    """A token price in USD per 1M tokens: $0.0600, $2.50, $37.50."""
    if _missing(value):
        return MISSING
    assert value is not None
    if abs(value) >= 1 or value == 0:
        return f"${value:,.2f}"
    # Three significant digits in fixed notation, trailing zeros kept: "$0.100" beside "$0.135",
    # "$0.0000407" beside "$0.000271" (":.3g" printed "$0.1" and "$4.07e-05" in one column).
    decimals = 2 - math.floor(math.log10(abs(value)))
    return f"${value:.{decimals}f}"


def price_range(low: float | None, high: float | None) -> str:
    return f"{price(low)}–{price(high)}"


def number(value: float | None) -> str:
    """A plain measurement (MASE, Winkler score, R²): two decimals, or three significant digits."""
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value:.2f}" if abs(value) >= 0.1 or value == 0 else f"{value:.2g}"


def count(value: int | float | None) -> str:
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{int(value):,}"


def month(value: dt.date | None) -> str:
    return MISSING if value is None else f"{value:%Y-%m}"


def day(value: dt.date | dt.datetime | None) -> str:
    return MISSING if value is None else f"{value:%Y-%m-%d}"


def timestamp(value: dt.datetime | None) -> str:
    return MISSING if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def quarter(value: dt.date | None) -> str:
    return MISSING if value is None else f"{value.year}Q{(value.month - 1) // 3 + 1}"


def period(start: dt.date | None, end: dt.date | None) -> str:
    return f"{day(start)} – {day(end)}"


def by_unit(value: float | None, unit: str | None) -> str:
    """A value in a unit named the way the warehouse names it (forecast.values.unit and the like)."""
    formatter = {
        "usd_per_mtok": price,
        "h100e": lambda v: f"{si(v)} H100e",
        "usd": usd,
        "tokens_per_day": lambda v: f"{si(v)} tokens/day",
        "share": share,
        "factor_per_year": factor,
        "x_per_year": factor,
        "flop_per_s": lambda v: f"{si(v)} FLOP/s",
    }.get((unit or "").lower())
    if formatter is None:
        return MISSING if _missing(value) else f"{si(value)} {unit or ''}".strip()
    return MISSING if _missing(value) else formatter(value)


def for_unit(value: float | None, unit: str | None) -> str:
    """The number alone, formatted for a unit given in free text next to it (a table's unit column):
    factors ("x per year ...") as 3.3×, shares as %, dollars as $, years and probabilities as decimals."""
    if _missing(value):
        return MISSING
    assert value is not None
    name = (unit or "").strip().lower()
    if name.startswith("x") or "factor" in name:
        return factor(value)
    if name == "share":
        return share(value)
    if name == "usd_per_mtok":
        return price(value)
    if name in ("usd", "us dollars"):
        return usd(value)
    if name.startswith("year") or name in ("probability", "ratio"):
        return f"{value:.2f}" if abs(value) < 1e4 else si(value)
    return si(value)


FILTERS = {
    "factor": factor,
    "factor_range": factor_range,
    "share": share,
    "share_range": share_range,
    "si": si,
    "si_range": si_range,
    "usd": usd,
    "usd_range": usd_range,
    "price": price,
    "price_range": price_range,
    "number": number,
    "count": count,
    "month": month,
    "day": day,
    "timestamp": timestamp,
    "quarter": quarter,
    "by_unit": by_unit,
    "for_unit": for_unit,
}
