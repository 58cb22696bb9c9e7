"""The XLSX export read back with openpyxl: sheets, headers with units, formats, values, provenance."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from reports.table_export import Column, ExportTable, discover_tables
from reports.xlsx_export import export_xlsx, sheet_names
from reports.xlsx_formats import (
    FACTOR_FORMAT,
    PRICE_FORMAT,
    column_units,
    format_section,
    number_format,
    row_unit,
    value_format,
)
from tests.reports.conftest import AS_OF
from tests.reports.handmade import empty_run
from warehouse.migrate import apply_migrations

GENERATED_AT = dt.datetime(2025, 3, 2, 8, 30, tzinfo=dt.UTC)
VALUE_COLUMNS = ("median", "lo_80", "hi_80", "lo_95", "hi_95")
# Interval ends and the estimate they bound (a prefix, as in per_token_ci90_low, goes on both).
INTERVALS = {
    "ci90_low": "factor_per_year",
    "ci90_high": "factor_per_year",
    **dict.fromkeys(VALUE_COLUMNS[1:], "median"),
}
ESTIMATES = ("factor_per_year", "estimate", "multiplier", "median")


@pytest.fixture(scope="module")
def workbook_path(warehouse, feeds_provenance, tmp_path_factory):
    con = warehouse.connect()
    try:
        return export_xlsx(
            con,
            tmp_path_factory.mktemp("xlsx") / "infercast.xlsx",
            warehouse.run_id,
            feeds_provenance,
            generated_at=GENERATED_AT,
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def book(workbook_path):
    return openpyxl.load_workbook(workbook_path)


def _header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def _name(header: str) -> str:
    return header.split(" (", 1)[0]


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_about_first_then_one_sheet_per_mart_and_forecast_table(book, con):
    tables = discover_tables(con)
    assert book.sheetnames == ["About", "Data dictionary", *sheet_names(tables).values()]
    assert {"price_index", "capability_tiers", "decline_rates", "values", "runs"} <= set(book.sheetnames)


def test_data_sheets_have_frozen_header_autofilter_and_units(book):
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), name
    assert "cheapest_blended_usd_per_mtok (USD per 1M tokens)" in _header(book["price_index"])
    declines = _header(book["decline_rates"])
    assert "factor_per_year (× per year)" in declines
    assert "ci90_low (× per year)" in declines
    assert "started_at (UTC)" in _header(book["runs"])


def test_cells_hold_warehouse_values_with_number_formats(book, con):
    price, month = con.execute(
        "select cheapest_blended_usd_per_mtok, month from marts.price_index "
        "where tier_id = 'mmlu_gpt3' order by month limit 1"
    ).fetchall()[0]
    sheet = book["price_index"]
    header = _header(sheet)
    price_col = header.index("cheapest_blended_usd_per_mtok (USD per 1M tokens)")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "mmlu_gpt3")
    assert row[price_col].value == price
    assert row[header.index("month")].value.date() == month
    assert row[header.index("month")].number_format == "yyyy-mm-dd"
    assert row[price_col].number_format == PRICE_FORMAT
    assert row[header.index("qualifying_models")].number_format == "#,##0"


def test_forecast_sheets_hold_only_the_requested_run(book, con, warehouse):
    factor = con.execute(
        "select factor_per_year from forecast.decline_rates where run_id = ? and tier_id = 'mmlu_gpt3' "
        "and method = 'monthly_index_loglinear_ols_hac'",
        [warehouse.run_id],
    ).fetchall()[0][0]
    declines = _records(book["decline_rates"])
    assert {r["run_id"] for r in declines} == {warehouse.run_id}
    exported = next(
        r for r in declines if r["tier_id"] == "mmlu_gpt3" and r["method"] == "monthly_index_loglinear_ols_hac"
    )["factor_per_year (× per year)"]
    # xlsxwriter writes 16 significant digits: equal to within the last binary digits.
    assert exported == pytest.approx(factor, rel=1e-15)
    values = _records(book["values"])
    expected = con.execute("select count(*) from forecast.values where run_id = ?", [warehouse.run_id]).fetchall()
    assert len(values) == expected[0][0]
    assert {r["run_id"] for r in values} == {warehouse.run_id}
    assert [r["run_id"] for r in _records(book["runs"])] == [warehouse.run_id]


def test_data_dictionary_sheet_has_every_exported_column_with_its_comment(book, con):
    expected = [
        (table.qualified, column.name, column.comment) for table in discover_tables(con) for column in table.columns
    ]
    rows = _records(book["Data dictionary"])
    assert [(r["table"], r["column"], r["meaning and unit"]) for r in rows] == expected
    assert all(r["meaning and unit"] for r in rows)  # migration 015 documents every column
    median = next(r for r in rows if r["table"] == "forecast.values" and r["column"] == "median")
    assert "median" in median["meaning and unit"]


def test_about_sheet_states_run_provenance_and_sheets(book, con, warehouse, feeds_provenance):
    cells = [value for row in book["About"].iter_rows(values_only=True) for value in row if value is not None]
    text = "\n".join(str(value) for value in cells)
    assert warehouse.run_id in cells
    assert dt.datetime.combine(AS_OF, dt.time()) in cells  # the as-of date, as a date cell
    assert "2025-03-02 08:30 UTC" in cells
    for feed in feeds_provenance:
        if feed["feed"] == "epoch_prices":
            assert feed["licence"] in cells and feed["citation"] in cells
    for batch_id, sha256 in con.execute(
        "select batch_id, sha256 from meta.ingest_batches where status = 'loaded'"
    ).fetchall():
        assert batch_id in cells and sha256[:12] in cells
    comment = con.execute(
        "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'price_index'"
    ).fetchall()[0][0]
    assert comment in text
    assert f"rows of forecast run {warehouse.run_id} only" in text


def test_sheet_description_is_a_note_on_the_header(book):
    note = book["price_index"]["A1"].comment
    assert note is not None and note.text.startswith("marts.price_index: One row per capability tier per month")


def test_same_warehouse_gives_the_same_workbook(warehouse, feeds_provenance, tmp_path, workbook_path):
    con = warehouse.connect()
    try:
        again = export_xlsx(con, tmp_path / "again.xlsx", warehouse.run_id, feeds_provenance, generated_at=GENERATED_AT)
    finally:
        con.close()
    assert again.read_bytes() == workbook_path.read_bytes()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_a_new_table_gets_its_own_sheet_with_units_and_formats(feeds_provenance, tmp_path):
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    empty_run(con, "run-new-table", AS_OF)
    try:
        con.execute(
            "create table marts.reasoning_adoption_test (month date primary key, reasoning_share double, "
            "tokens_per_day double, installed_h100e double, year integer)"
        )
        con.execute("comment on table marts.reasoning_adoption_test is 'One row per month: test mart.'")
        con.execute(
            "insert into marts.reasoning_adoption_test values "
            "('2025-01-01', 0.125, 1.5e12, 2500000, 2025), ('2025-02-01', 0.25, 2e12, 3000000, 2025)"
        )
        path = export_xlsx(con, tmp_path / "new.xlsx", "run-new-table", feeds_provenance)
    finally:
        con.close()
    sheet = openpyxl.load_workbook(path)["reasoning_adoption_test"]
    assert _header(sheet) == [
        "month",
        "reasoning_share (share)",
        "tokens_per_day (tokens/day)",
        "installed_h100e (H100e)",
        "year",
    ]
    second = list(sheet[2])
    assert second[1].value == 0.125 and second[1].number_format == "0.0%"
    assert second[2].number_format == "#,##0" and second[3].number_format == "#,##0"
    assert second[4].value == 2025 and second[4].number_format == "0"


def _table(name: str, *columns: tuple[str, str], schema: str = "forecast") -> ExportTable:
    return ExportTable(schema, name, None, tuple(Column(n, t, None) for n, t in columns), ())


def test_units_come_from_column_names():
    table = _table(
        "t",
        ("input_usd_per_mtok", "DOUBLE"),
        ("revenue_usd", "DOUBLE"),
        ("factor_per_year", "DOUBLE"),
        ("ci90_low", "DOUBLE"),
        ("finished_at", "TIMESTAMP"),
        ("label", "VARCHAR"),
    )
    assert column_units(table) == {
        "input_usd_per_mtok": "USD per 1M tokens",
        "revenue_usd": "USD",
        "factor_per_year": "× per year",
        "ci90_low": None,  # two candidate units: a bound is not guessed
        "finished_at": "UTC",
        "label": None,
    }
    bounded = _table("v", ("mean", "DOUBLE"), ("lo_80", "DOUBLE"), ("unit", "VARCHAR"))
    assert column_units(bounded)["lo_80"] == "see unit column"


def test_number_formats_are_fixed_for_investor_units_and_fitted_otherwise():
    price = Column("p_usd_per_mtok", "DOUBLE", None)
    # One price format whatever the values: its conditional sections keep ~3 significant digits.
    for values in ([0.07, 60.0], [1.5, 60.0], [3e-10, 5.6]):
        assert number_format(price, "USD per 1M tokens", values) == PRICE_FORMAT
    assert number_format(Column("revenue_usd", "BIGINT", None), "USD", [3]) == '"$"#,##0'
    assert number_format(Column("x_h100e", "DOUBLE", None), "H100e", [0.5, 2e9]) == "#,##0"
    assert number_format(Column("units", "DOUBLE", None), None, [1.0, 2e6]) == "#,##0"
    assert number_format(Column("ratio", "DOUBLE", None), None, [0.07, 60.0]) == "#,##0.0000"
    assert number_format(Column("ratio", "DOUBLE", None), None, [3e-10, 5.6]) == "0.00E+00"
    assert number_format(Column("a_share", "DOUBLE", None), "share", [0.004, 0.5]) == "0.00%"
    assert number_format(Column("n", "BIGINT", None), None, [3]) == "#,##0"
    assert number_format(Column("d", "DATE", None), None, []) == "yyyy-mm-dd"


def test_conditional_formats_show_about_three_significant_digits():
    shown = {
        number: format_section(fmt, number)
        for fmt, numbers in ((PRICE_FORMAT, (0.000196, 0.0139, 1.70)), (FACTOR_FORMAT, (0.053, 17.16, 246.4)))
        for number in numbers
    }
    assert shown == {
        0.000196: '"$"0.000000',
        0.0139: '"$"0.0000',
        1.70: '"$"#,##0.00',
        0.053: "0.000",
        17.16: "0.00",
        246.4: "#,##0",
    }


def test_row_units_are_read_like_column_units():
    assert row_unit("usd_per_mtok") == "USD per 1M tokens"
    assert row_unit("factor_per_year") == "× per year"
    assert row_unit("x per year (price divides by this)") == "× per year"
    assert row_unit("share of new releases") == "share" and row_unit("probability") == "share"
    assert row_unit("FLOP/s per H100e") == "flop/s per h100e"  # prose naming H100e is not H100e
    assert value_format(row_unit("h100e"), [5e3, 9e8]) == value_format(row_unit("tokens_per_day"), [1e16]) == "#,##0"


def test_sheet_names_are_short_unique_and_readable():
    tables = [
        _table("values", schema="marts"),
        _table("values"),
        _table("about", schema="marts"),
        _table("a_very_long_table_name_that_does_not_fit_in_excel"),
        _table("a_very_long_table_name_that_does_not_fit_in_excel_either"),
    ]
    names = list(sheet_names(tables).values())
    assert names[:3] == ["marts_values", "forecast_values", "about~2"]
    assert all(len(name) <= 31 for name in names)
    assert len({name.lower() for name in names}) == len(names)


def test_utilization_and_coverage_are_percentages_whatever_their_size():
    table = _table("d", ("implied_utilization", "DOUBLE"), ("coverage_80", "DOUBLE"))
    units = column_units(table)
    assert units == {"implied_utilization": "ratio, 100% = full", "coverage_80": "share"}
    utilization = Column("implied_utilization", "DOUBLE", None)
    # 5.5866 is 558.7% (as the HTML shows it), not 5.5866 in a four-decimal format.
    assert number_format(utilization, units["implied_utilization"], [5.5866, 0.42]) == "0.0%"
    assert number_format(Column("coverage_80", "DOUBLE", None), "share", [0.5, 1.0]) == "0.0%"


def test_forecast_values_rows_are_formatted_by_their_unit(book):
    """Long tables: median and its bounds take the format of the row's unit (a share as 82.1%, not 8.21E-01)."""
    for name in ("values", "latest_forecast"):
        sheet = book[name]
        header = [_name(text) for text in _header(sheet)]
        formats: dict[str, set[str]] = {}
        for row in sheet.iter_rows(min_row=2):
            cells = [row[header.index(column)] for column in VALUE_COLUMNS]
            unit = row[header.index("unit")].value
            formats.setdefault(unit, set()).update(cell.number_format for cell in cells if _is_number(cell.value))
        assert {"share", "usd_per_mtok"} <= set(formats), name
        assert formats["share"] == {"0.0%"}, name
        assert formats["usd_per_mtok"] == {PRICE_FORMAT}, name
        assert all("E+" not in fmt for unit, found in formats.items() if unit != "tokens_per_day" for fmt in found)


def _interval_pairs(header: list[str]) -> list[tuple[int, int]]:
    """(estimate, bound) column indexes: ci90_low/high beside a factor or estimate, lo/hi beside median."""
    pairs = []
    for index, name in enumerate(header):
        for end in INTERVALS:
            if name.endswith(end):
                prefix = name[: -len(end)]
                wanted = [prefix + INTERVALS[end]] if end in VALUE_COLUMNS[1:] else [prefix + e for e in ESTIMATES]
                estimate = next((header.index(w) for w in wanted if w in header), None)
                if estimate is not None:
                    pairs.append((estimate, index))
    return pairs


def test_an_estimate_and_its_interval_bounds_share_a_format_in_every_sheet(book):
    checked = set()
    for name in book.sheetnames[2:]:
        sheet = book[name]
        header = [_name(text) for text in _header(sheet)]
        for estimate, bound in _interval_pairs(header):
            for row in sheet.iter_rows(min_row=2):
                if _is_number(row[estimate].value) and _is_number(row[bound].value):
                    assert row[bound].number_format == row[estimate].number_format, (name, header[bound], row[0].row)
                    checked.add(name)
    assert {"decline_rates", "decline_sensitivity", "values"} <= checked


def test_all_h100e_columns_of_a_sheet_share_one_format(book):
    checked = set()
    for name in book.sheetnames[2:]:
        sheet = book[name]
        columns = [index for index, text in enumerate(_header(sheet)) if "_h100e" in _name(text)]
        found = {
            row[i].number_format for row in sheet.iter_rows(min_row=2) for i in columns if _is_number(row[i].value)
        }
        assert len(found) <= 1, (name, found)
        if found:
            checked.add(name)
    assert "installed_compute" in checked


def test_related_columns_share_a_format_whatever_their_values(feeds_provenance, tmp_path):
    """A format comes from a unit, not a column's sample values: a 2e-8 CI bound no longer makes its own
    column scientific, nor an all-zero retired_h100e column 0.00 beside #,##0 ones."""
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    empty_run(con, "run-formats", AS_OF)
    try:
        con.execute(
            "create table marts.format_test (id varchar, factor_per_year double, ci90_low double, ci90_high double, "
            "per_token_factor_per_year double, per_token_ci90_low double, installed_h100e double, "
            "retired_h100e double)"
        )
        con.execute(
            "insert into marts.format_test values ('a', 12.5, 2.4e-8, 6.2e11, 3.3, 0.05, 2.5e6, 0), "
            "('b', 0.9, 0.5, 1.5, 30.0, 12.0, 3.0e6, 0)"
        )
        con.execute("create table marts.long_test (unit varchar, median double, lo_80 double, hi_80 double)")
        con.execute(
            "insert into marts.long_test values ('share', 0.8205, 0.57, 0.97), ('usd_per_mtok', 0.0139, 2e-9, 1.7), "
            "('usd', 1.5e11, 4.2e10, 4.8e11), ('h100e', 9.8e6, 5.4e3, 9.0e8)"
        )
        path = export_xlsx(con, tmp_path / "formats.xlsx", "run-formats", feeds_provenance)
    finally:
        con.close()
    book = openpyxl.load_workbook(path)
    for row in book["format_test"].iter_rows(min_row=2):
        assert {cell.number_format for cell in row[1:6]} == {FACTOR_FORMAT}
        assert {cell.number_format for cell in row[6:8]} == {"#,##0"}
    formats = {row[0].value: {cell.number_format for cell in row[1:]} for row in book["long_test"].iter_rows(min_row=2)}
    assert formats == {"share": {"0.0%"}, "usd_per_mtok": {PRICE_FORMAT}, "usd": {'"$"#,##0'}, "h100e": {"#,##0"}}
