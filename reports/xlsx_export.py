"""The XLSX workbook: an About sheet (run, provenance, sheet list), then one sheet per mart and forecast table.

Tables are discovered from the warehouse (reports.table_export.discover_tables), so new marts and
forecast tables appear without a change here. Units and number formats come from
reports.xlsx_formats (column names, or a long table's `unit` column; one format per unit in a sheet).
The workbook's dates are fixed (created = the run's as-of date; xlsxwriter fixes the zip entry
times), so only the generated-at line differs between two exports of the same warehouse.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reports.provenance import BatchProvenance, RunInfo, batch_provenance, run_info
from reports.table_export import ExportTable, discover_tables
from reports.xlsx_formats import column_units, format_section, sheet_formats

TITLE = "infercast — inference economics data export"
ABOUT_SHEET = "About"
DICTIONARY_SHEET = "Data dictionary"
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_STRING = 32_767
MAX_COLUMN_WIDTH = 60
MIN_COLUMN_WIDTH = 8
# Room for the autofilter drop-down button in header cells.
FILTER_BUTTON = 3


def header_text(name: str, unit: str | None) -> str:
    return f"{name} ({unit})" if unit else name


def sheet_names(tables: Sequence[ExportTable]) -> dict[str, str]:
    """Readable, unique Excel sheet names: the bare table name, schema-prefixed only on a clash."""
    bare = Counter(table.name.lower() for table in tables)
    used = {ABOUT_SHEET.lower(), "history"}  # Excel reserves "History"
    names: dict[str, str] = {}
    for table in tables:
        wanted = table.name if bare[table.name.lower()] == 1 else f"{table.schema}_{table.name}"
        base = re.sub(r"[\[\]:*?/\\']", "_", wanted)[:31] or "table"
        name, number = base, 2
        while name.lower() in used:
            suffix = f"~{number}"
            name, number = base[: 31 - len(suffix)] + suffix, number + 1
        used.add(name.lower())
        names[table.qualified] = name
    return names


def _display_width(value: Any, fmt: str | None) -> int:
    """Approximate the width Excel shows for a value in the given format (for column sizing)."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, bool) or not isinstance(value, int | float | decimal.Decimal):
        text = _as_text(value)
        return max((len(line) for line in text.splitlines()), default=0)
    number = float(value)
    if not math.isfinite(number):
        return 4
    fmt = format_section(fmt, number) if fmt else fmt
    if fmt and fmt.endswith("%"):
        return len(f"{number * 100:.{fmt.count('0') - 1}f}%")
    if fmt and "E" in fmt:
        return 9
    decimals = fmt.split(".", 1)[1].count("0") if fmt and "." in fmt else 0
    text = f"{number:,.{decimals}f}" if fmt and "," in fmt else f"{number:.{decimals}f}"
    return len(text) + (1 if fmt and "$" in fmt else 0)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def _to_naive_utc(value: dt.datetime) -> dt.datetime:
    # Excel has no time zones; the warehouse stores naive UTC, and aware values are converted to it.
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _write_value(sheet: Worksheet, row: int, col: int, value: Any, fmt: Format | None) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | decimal.Decimal):
        number = float(value)
        if not math.isfinite(number):
            sheet.write_string(row, col, str(number))
        elif isinstance(value, int) and abs(value) >= 2**53:
            # Excel keeps 15 significant digits; a larger integer would be silently rounded.
            sheet.write_string(row, col, str(value))
        else:
            sheet.write_number(row, col, number, fmt)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, _to_naive_utc(value), fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, _as_text(value)[:EXCEL_MAX_STRING])


def _wrapped_lines(text: str, width: int) -> int:
    lines, current = 1, 0
    for word in text.split(" "):
        if current and current + 1 + len(word) > width:
            lines, current = lines + 1, len(word)
        else:
            current += len(word) + (1 if current else 0)
    return lines


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.section = workbook.add_format({"bold": True, "font_size": 12})
        self.label = workbook.add_format({"bold": True})
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F4F4F6", "bottom": 1}
        )
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.top = workbook.add_format({"valign": "top"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd", "align": "left", "valign": "top"})
        self.timestamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"})
        self.count = workbook.add_format({"num_format": "#,##0", "valign": "top"})
        self.link = workbook.add_format({"font_color": "#1F4E9E", "underline": 1, "valign": "top"})
        self._numbers: dict[str, Format] = {}

    def number(self, num_format: str | None) -> Format | None:
        if num_format is None:
            return None
        if num_format not in self._numbers:
            self._numbers[num_format] = self.workbook.add_format({"num_format": num_format})
        return self._numbers[num_format]


def _sheet_description(table: ExportTable, run_id: str, truncated: bool) -> str:
    rows = table.rows_note(run_id)
    if truncated:
        rows += f"; only the first {EXCEL_MAX_ROWS - 1:,} rows fit in a sheet (the CSV/Parquet export has all)"
    return f"{table.qualified}: {table.comment or '(no description)'} Rows: {rows}."


def _write_table_sheet(
    sheet: Worksheet,
    formats: _Formats,
    table: ExportTable,
    rows: list[tuple[Any, ...]],
    description: str,
) -> None:
    units = column_units(table)
    cell_formats = sheet_formats(table, rows, units)
    headers = [header_text(column.name, units[column.name]) for column in table.columns]
    header_lines = 1
    for index, column in enumerate(table.columns):
        values = [row[index] for row in rows]
        column_formats = cell_formats[index]
        data_width = max(
            (_display_width(value, fmt) for value, fmt in zip(values, column_formats, strict=True)), default=0
        )
        longest_word = max(len(word) for word in headers[index].split(" "))
        width = min(max(data_width + 2, longest_word + FILTER_BUTTON, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
        header_lines = max(header_lines, _wrapped_lines(headers[index], width - FILTER_BUTTON))
        sheet.set_column(index, index, width)
        sheet.write_string(0, index, headers[index], formats.header)
        if column.comment and index > 0:
            sheet.write_comment(0, index, f"{column.name}: {column.comment}", {"x_scale": 2, "y_scale": 1.5})
        for row_number, (value, fmt) in enumerate(zip(values, column_formats, strict=True), start=1):
            _write_value(sheet, row_number, index, value, formats.number(fmt))
    sheet.set_row(0, 15 * header_lines)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(table.columns) - 1)
    # The description sits in a note on A1 (the About sheet lists it too), keeping row 1 the header.
    first = table.columns[0] if table.columns else None
    note = f"{description}\n\n{first.name}: {first.comment}" if first and first.comment else description
    sheet.write_comment(0, 0, note, {"x_scale": 4, "y_scale": 2.5})
    # Printed, each page repeats the header row and names the table.
    sheet.repeat_rows(0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_header(f"&L&8{table.qualified}&R&8page &P of &N")


def _write_about(
    sheet: Worksheet,
    formats: _Formats,
    run: RunInfo,
    generated_at: dt.datetime,
    provenance: Sequence[BatchProvenance],
    listing: Sequence[tuple[str, ExportTable, int, str]],
) -> None:
    for col, width in enumerate((24, 44, 60, 18, 40, 20, 20, 16, 12, 12)):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, TITLE, formats.title)
    facts: list[tuple[str, Any, Format | None]] = [
        ("As of", run.as_of, formats.date),
        ("Forecast run", run.run_id, formats.top),
        ("Run status", run.status, formats.top),
        ("Generated at", f"{generated_at:%Y-%m-%d %H:%M} UTC", formats.top),
        (
            "Rows",
            f"Forecast sheets hold the rows of run {run.run_id} only; mart sheets hold the marts as they are "
            "in the warehouse at export time.",
            formats.top,
        ),
    ]
    row = 2
    for label, value, fmt in facts:
        sheet.write_string(row, 0, label, formats.label)
        _write_value(sheet, row, 1, value, fmt)
        row += 1

    row += 1
    sheet.write_string(row, 0, "Sources and data vintage", formats.section)
    row += 1
    provenance_headers = (
        "feed",
        "source",
        "citation",
        "licence",
        "batch",
        "fetched at (UTC)",
        "loaded at (UTC)",
        "sha256 (prefix)",
        "rows loaded",
        "used by this run",
    )
    for col, text in enumerate(provenance_headers):
        sheet.write_string(row, col, text, formats.header)
    for item in provenance:
        row += 1
        used = {True: "yes", False: "no (not in the run's data vintage)", None: ""}[item.used_by_run]
        cells: tuple[tuple[Any, Format | None], ...] = (
            (item.feed, formats.top),
            (item.source or "(no batch loaded)", formats.top),
            (item.citation, formats.wrap),
            (item.licence, formats.wrap),
            (item.batch_id, formats.top),
            (item.fetched_at, formats.timestamp),
            (item.loaded_at, formats.timestamp),
            (item.sha256[:12] if item.sha256 else None, formats.top),
            (item.rows_loaded, formats.count),
            (used, formats.top),
        )
        for col, (value, fmt) in enumerate(cells):
            _write_value(sheet, row, col, value, fmt)

    row += 2
    sheet.write_string(row, 0, "Sheets", formats.section)
    row += 1
    for col, text in enumerate(("sheet", "table", "description", "rows")):
        sheet.write_string(row, col, text, formats.header)
    for name, table, count, description in listing:
        row += 1
        sheet.write_url(row, 0, f"internal:'{name}'!A1", formats.link, string=name)
        sheet.write_string(row, 1, table.qualified, formats.top)
        sheet.write_string(row, 2, description, formats.wrap)
        sheet.write_number(row, 3, count, formats.count)


def _write_dictionary(
    sheet: Worksheet, formats: _Formats, tables: Sequence[ExportTable], names: Mapping[str, str]
) -> None:
    """One row per column of every exported sheet: its table, type and the warehouse's comment on it."""
    headers = ("sheet", "table", "column", "type", "meaning and unit")
    for col, (text, width) in enumerate(zip(headers, (22, 34, 34, 12, 90), strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, text, formats.header)
    row = 0
    for table in tables:
        for column in table.columns:
            row += 1
            sheet.write_url(
                row, 0, f"internal:'{names[table.qualified]}'!A1", formats.link, string=names[table.qualified]
            )
            sheet.write_string(row, 1, table.qualified, formats.top)
            sheet.write_string(row, 2, column.name, formats.top)
            sheet.write_string(row, 3, column.data_type, formats.top)
            sheet.write_string(row, 4, column.comment or "", formats.wrap)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row, 1), len(headers) - 1)


def export_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    run_id: str,
    feeds_provenance: Sequence[Mapping[str, str]],
    *,
    generated_at: dt.datetime | None = None,
) -> Path:
    """Write the workbook atomically to `path`; `feeds_provenance` holds {feed, citation, licence} dicts."""
    run = run_info(con, run_id)
    generated = _to_naive_utc(generated_at or dt.datetime.now(dt.UTC))
    tables = discover_tables(con)
    names = sheet_names(tables)
    contents: list[tuple[ExportTable, list[tuple[Any, ...]], bool]] = []
    for table in tables:
        rows = con.execute(table.select(run_id)).fetchall()
        truncated = len(rows) > EXCEL_MAX_ROWS - 1
        contents.append((table, rows[: EXCEL_MAX_ROWS - 1], truncated))

    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    workbook = xlsxwriter.Workbook(str(temp), {"strings_to_urls": False})
    try:
        workbook.set_properties(
            {
                "title": f"infercast data export, as of {run.as_of}",
                "subject": "Inference economics: marts and forecasts",
                "author": "infercast",
                "comments": f"Forecast run {run_id}",
                # Fixed from the run, not the clock, so the same warehouse gives the same file.
                "created": dt.datetime.combine(run.as_of, dt.time()),
            }
        )
        formats = _Formats(workbook)
        about = workbook.add_worksheet(ABOUT_SHEET)
        _write_dictionary(workbook.add_worksheet(DICTIONARY_SHEET), formats, tables, names)
        listing = []
        for table, rows, truncated in contents:
            name = names[table.qualified]
            description = _sheet_description(table, run_id, truncated)
            _write_table_sheet(workbook.add_worksheet(name), formats, table, rows, description)
            listing.append((name, table, len(rows), description))
        _write_about(about, formats, run, generated, batch_provenance(con, feeds_provenance, run), listing)
        about.activate()
        workbook.close()
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    return path
