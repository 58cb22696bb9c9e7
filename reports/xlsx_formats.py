"""Units and Excel number formats of the workbook's cells.

Units come from column names (the warehouse keeps units there: `*_usd_per_mtok`, `*_h100e`, ...) or, in
long tables with a `unit` column (forecast.values, claims, scenario_parameters), from each row's unit.
The rule for formats: within a sheet, every cell of one unit gets one number format, so a value and its
interval bounds, or all `*_h100e` columns, read alike. The units an investor reads (dollars, shares,
H100e, tokens/day, factors) have fixed formats without scientific notation; any other group of cells
gets a format chosen from all of the group's values.
"""

from __future__ import annotations

import decimal
import math
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from reports.table_export import Column, ExportTable

SIGNIFICANT_DIGITS = 3
# Shares read as percentages; two digits of the smallest one are enough (12.5% -> 0.0%, 0.4% -> 0.40%).
SHARE_SIGNIFICANT_DIGITS = 2
MAX_DECIMALS = 6
RATIO_UNIT = "ratio, 100% = full"
SEE_UNIT_COLUMN = "see unit column"
# Excel allows two conditions per format: prices keep ~3 significant digits from $0.000123 to $1,234.56
# (a fixed "$"0.0000 would show the many sub-$0.0001 forecast bounds as $0.0000 or 1 digit).
PRICE_FORMAT = '[<0.01]"$"0.000000;[<1]"$"0.0000;"$"#,##0.00'
# Factors per year range from 0.05x (CI bounds) to 300x: ~3 significant digits across that range.
FACTOR_FORMAT = "[<1]0.000;[<100]0.00;#,##0"
FIXED_FORMATS: dict[str, str] = {
    "USD per 1M tokens": PRICE_FORMAT,
    "USD per sample": PRICE_FORMAT,
    "USD": '"$"#,##0',
    "H100e": "#,##0",
    # Comma groups, not 1.72E+14: exact to Excel's 15 digits, and the same as marts.token_demand shows.
    "tokens/day": "#,##0",
    "× per year": FACTOR_FORMAT,
    "×": FACTOR_FORMAT,
    "year (decimal)": "0.00",  # 2025.76, not 2,026
    RATIO_UNIT: "0.0%",  # may exceed 100% (a demand above capacity): always a percentage
}

UNIT_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), unit)
    for pattern, unit in (
        (r"usd_per_mtok$", "USD per 1M tokens"),
        (r"usd_per_sample$", "USD per sample"),
        (r"(^|_)usd$", "USD"),
        (r"(^|_)h100e(_|$)", "H100e"),
        (r"tokens_per_day$", "tokens/day"),
        (r"messages_per_day$", "messages/day"),
        (r"factor_per_year$", "× per year"),
        (r"(^|_)share(_|$)", "share"),
        (r"^coverage_\d+$", "share"),
        (r"(^|_)utilization$", RATIO_UNIT),
        (r"flop_per_s$", "FLOP/s"),
        (r"op_per_s$", "OP/s"),
        (r"bytes_per_s$", "bytes/s"),
        (r"(^|_)bytes$", "bytes"),
        (r"(^|_)tokens$", "tokens"),
        (r"(^|_)(pct|percent)$", "%"),
        (r"(^|_)w$", "W"),
        (r"(^|_)elo$", "Elo"),
        (r"(^|_)months$", "months"),
        (r"(^|_)years$", "years"),
        (r"(^|_)days$", "days"),
        (r"_per_year$", "per year"),
    )
)
# Row units written as prose in the warehouse ("x per year (price divides by this)", "probability").
ROW_UNIT_ALIASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(share|probability)\b"), "share"),
    (re.compile(r"^x per year\b"), "× per year"),
    (re.compile(r"^x\b"), "×"),
    (re.compile(r"^year\b"), "year (decimal)"),
)
# Interval bounds and point estimates share the unit of the quantity they bound.
BOUND_COLUMN = re.compile(r"^((lo|hi)_\d+|ci\d+_(low|high)|p\d+|mean|median|estimate|value)$")
# An interval end, maybe prefixed (per_token_ci90_low, installed_units_p5); the lazy prefix tries none
# first. expected_low/high bound the observed value beside them (forecast.checks), as ci90_low would.
INTERVAL_END = re.compile(r"^(?:(.*?)_)??((lo|hi)_\d+|ci\d+_(low|high)|expected_(low|high)|p\d+|low|high)$")
YEAR_COLUMN = re.compile(r"(^|_)year$")
INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL"}
CONDITION = re.compile(r"^\[(<=|>=|<|>|=)(-?[\d.]+)\]")
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
}
# A format group: (label, unit). Cells with one label share a format, chosen for the unit.
Group = tuple[str, str | None]


def is_timestamp(data_type: str) -> bool:
    return data_type.startswith("TIMESTAMP")


def _is_float(data_type: str) -> bool:
    return data_type in FLOAT_TYPES or data_type.startswith("DECIMAL")


def _is_number(data_type: str) -> bool:
    return data_type in INTEGER_TYPES or _is_float(data_type)


def _is_year(column: Column) -> bool:
    return column.data_type in INTEGER_TYPES and bool(YEAR_COLUMN.search(column.name))


def _unit_of_name(name: str) -> str | None:
    return next((unit for pattern, unit in UNIT_RULES if pattern.search(name)), None)


def _direct_unit(column: Column) -> str | None:
    return "UTC" if is_timestamp(column.data_type) else _unit_of_name(column.name.lower())


def column_units(table: ExportTable) -> dict[str, str | None]:
    """Unit per column, from its name; bounds and estimates inherit the unit of what they bound."""
    units = {column.name: _direct_unit(column) for column in table.columns}
    has_unit_column = any(column.name == "unit" for column in table.columns)
    measured = {
        unit
        for column in table.columns
        if (unit := units[column.name]) and unit != "UTC" and not BOUND_COLUMN.match(column.name)
    }
    for column in table.columns:
        if units[column.name] is None and BOUND_COLUMN.match(column.name):
            if has_unit_column:
                units[column.name] = SEE_UNIT_COLUMN
            elif len(measured) == 1:
                units[column.name] = next(iter(measured))
    return units


def row_unit(raw: Any) -> str | None:
    """A `unit` cell in the names column units use, so `usd_per_mtok` rows format like price columns."""
    if raw is None:
        return None
    text = str(raw).strip().lower()
    alias = next((unit for pattern, unit in ROW_UNIT_ALIASES if pattern.search(text)), None)
    # Only a name-like unit goes through the column rules: "FLOP/s per H100e" is not H100e.
    return alias or (_unit_of_name(text) if " " not in text else None) or text


def _finite_magnitudes(values: Sequence[Any]) -> list[float]:
    return [
        abs(float(v))
        for v in values
        if isinstance(v, int | float | decimal.Decimal) and not isinstance(v, bool) and math.isfinite(v) and v
    ]


def _decimals_for(smallest: float, digits: int = SIGNIFICANT_DIGITS) -> int:
    return max(0, digits - 1 - math.floor(math.log10(smallest)))


def _share_format(smallest: float) -> str:
    decimals = min(max(_decimals_for(smallest * 100, SHARE_SIGNIFICANT_DIGITS), 1), 3)
    return "0." + "0" * decimals + "%"


def _fitted_format(magnitudes: Sequence[float]) -> str:
    """The smallest non-zero value to 3 significant digits; scientific beyond 6 decimals or from 1e15."""
    if not magnitudes:
        return "0.00"
    smallest, largest = min(magnitudes), max(magnitudes)
    if all(value.is_integer() for value in magnitudes) and largest < 1e15:
        return "#,##0"
    decimals = _decimals_for(smallest)
    if decimals > MAX_DECIMALS or largest >= 1e15:
        return "0.00E+00"
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def value_format(unit: str | None, values: Sequence[Any], integer_typed: bool = False) -> str:
    """The one format for all the values of a unit (or of a group of related columns) in a sheet."""
    if unit in FIXED_FORMATS:
        return FIXED_FORMATS[unit]
    if integer_typed:
        return "#,##0"
    magnitudes = _finite_magnitudes(values)
    if unit == "share" and (not magnitudes or max(magnitudes) <= 1):
        return _share_format(min(magnitudes)) if magnitudes else "0.0%"
    return _fitted_format(magnitudes)


def number_format(column: Column, unit: str | None, values: Sequence[Any]) -> str | None:
    """The format of one column on its own (dates, counts, years; numbers through value_format)."""
    data_type = column.data_type
    if data_type == "DATE":
        return "yyyy-mm-dd"
    if is_timestamp(data_type):
        return "yyyy-mm-dd hh:mm:ss"
    if not _is_number(data_type):
        return None
    if _is_year(column):
        return "0"
    return value_format(unit, values, integer_typed=data_type in INTEGER_TYPES)


def _interval_group(columns: Sequence[Column], groups: Sequence[Group | None], index: int, prefix: str) -> Group:
    """An interval end formats like the nearest estimate to its left (tables put ci90_low right after
    factor_per_year, per_token_ci90_low after per_token_factor_per_year); if none, like its other end."""
    for left in range(index - 1, -1, -1):
        name, group = columns[left].name, groups[left]
        estimate = _is_float(columns[left].data_type) and not INTERVAL_END.match(name)
        if group and estimate and (not prefix or name.startswith(prefix + "_")):
            return group
    return (f"interval {prefix}", None)


def column_groups(table: ExportTable, units: dict[str, str | None]) -> list[Group | None]:
    """Format group of each numeric column: its unit if it has one, else its estimate's; None for
    dates, text and years, which have a format of their own."""
    groups: list[Group | None] = []
    for index, column in enumerate(table.columns):
        unit = units[column.name]
        interval = INTERVAL_END.match(column.name)
        if not _is_number(column.data_type) or _is_year(column):
            groups.append(None)
        elif unit and unit != SEE_UNIT_COLUMN:
            groups.append((f"unit {unit}", unit))
        elif interval:
            groups.append(_interval_group(table.columns, groups, index, interval[1] or ""))
        else:
            groups.append((f"column {column.name}", unit))
    return groups


def _cell_groups(
    table: ExportTable, rows: Sequence[tuple[Any, ...]], units: dict[str, str | None]
) -> list[list[Group | None]]:
    groups = column_groups(table, units)
    names = [column.name for column in table.columns]
    per_row = None
    if "unit" in names:
        per_row = [(f"unit {unit}", unit) for unit in (row_unit(row[names.index("unit")]) for row in rows)]
    return [
        list(per_row) if per_row is not None and group and BOUND_COLUMN.match(name) else [group] * len(rows)
        for name, group in zip(names, groups, strict=True)
    ]


def sheet_formats(
    table: ExportTable, rows: Sequence[tuple[Any, ...]], units: dict[str, str | None]
) -> list[list[str | None]]:
    """The number format of every cell, column by column: the value columns of a long table take the
    row's unit; every cell of one group gets the format of the group's values taken together."""
    cells = _cell_groups(table, rows, units)
    values: dict[Group, list[Any]] = defaultdict(list)
    integer: dict[Group, bool] = defaultdict(lambda: True)
    for index, column in enumerate(table.columns):
        for row, group in zip(rows, cells[index], strict=True):
            if group:
                values[group].append(row[index])
                integer[group] &= column.data_type in INTEGER_TYPES
    formats = {group: value_format(group[1], pooled, integer[group]) for group, pooled in values.items()}
    return [
        [formats[group] if group else number_format(column, units[column.name], []) for group in cells[index]]
        for index, column in enumerate(table.columns)
    ]


def format_section(fmt: str, number: float) -> str:
    """The section of a conditional format ([<1]0.000;0.00) that Excel applies to `number`."""
    sections = fmt.split(";")
    for section in sections:
        condition = CONDITION.match(section)
        if not condition:
            return section
        if COMPARISONS[condition[1]](number, float(condition[2])):
            return section[condition.end() :]
    return sections[-1]
