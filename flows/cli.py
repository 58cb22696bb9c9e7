"""The `infercast` command line.

Read-only commands (`sql`, `status`) import neither Prefect nor statsmodels, so they start
fast; `refresh` imports them when it runs.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.terminal_text import escape_control

app = typer.Typer(
    name="infercast",
    help="Forecasts of the economics of AI inference: token prices, installed compute, reasoning adoption.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="State directory (DuckDB, payload archive, Prefect home, exports). Default: $INFERCAST_HOME or ./data",
        show_default=False,
    ),
]


LiveOption = Annotated[
    bool,
    typer.Option(
        "--live",
        help="Fetch feeds from their live endpoints (also: INFERCAST_MODE=live). Default: bundled data.",
    ),
]
LockTimeoutOption = Annotated[
    float, typer.Option("--lock-timeout", help="Seconds to wait for another writer to finish.")
]


def _mode(live: bool) -> str:
    return "live" if live or os.environ.get("INFERCAST_MODE", "").lower() == "live" else "bundled"


class _State:
    debug = False
    home: Path | None = None
    terminated = False


def _settings(home: Path | None) -> Any:
    """Settings for `--home` given after the command, else before it, else $INFERCAST_HOME or ./data."""
    from warehouse.settings import Settings

    return Settings.from_env(home or _State.home)


def _fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    if _State.debug:
        traceback.print_exc()
    return typer.Exit(code)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks on errors.")] = False,
    home: HomeOption = None,
) -> None:
    _State.debug = debug
    _State.home = home


@app.command()
def refresh(
    home: HomeOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date the run is stamped with (YYYY-MM-DD). Default: today (UTC)."),
    ] = None,
    live: LiveOption = False,
    lock_timeout: LockTimeoutOption = 600.0,
    runner: Annotated[
        str,
        typer.Option(
            "--task-runner",
            help="default (threads) or dask: where the per-series forecast map runs "
            "(INFERCAST_DASK_ADDRESS=tcp://host:8786 for an existing cluster; else a local one).",
        ),
    ] = "default",
) -> None:
    """Run the full pipeline: ingest, marts, forecasts, report, publish (bundled data by default).

    A past --as-of writes its report and exports to exports/as-of-DATE/; the current marts stay published.
    """
    settings = _settings(home)
    mode = _mode(live)
    as_of_date = _parse_date(as_of) if as_of else None
    from flows.inputs import NothingKnown, check_as_of_not_in_future

    if as_of_date is not None:
        try:
            check_as_of_not_in_future(as_of_date)
        except NothingKnown as error:
            raise _fail(str(error), code=2) from error
    # Open the working database once before Prefect starts: a read-only home or a process holding
    # the database open then fails here as one line (see `main`), not as Prefect's logged
    # traceback of a crashed flow run after 15 s of server start-up.
    from warehouse.connection import open_work

    open_work(settings).close()
    from flows.prefect_env import configure_prefect

    configure_prefect(settings)
    from flows.cli_progress import stage_progress
    from flows.fit_warnings import collected_warnings

    with stage_progress(errors, "start Prefect (temporary local server)"):
        from flows.refresh import run_refresh
        from sources.errors import FeedError
        from warehouse.lock import LockTimeout

        try:
            with collected_warnings() as caught:
                summary = run_refresh(settings, as_of=as_of_date, mode=mode, lock_timeout_s=lock_timeout, runner=runner)
        except (FeedError, LockTimeout, NothingKnown) as error:
            raise _fail(str(error)) from error
    _report_fit_warnings(caught)
    _print_refresh_summary(summary)
    if summary["status"] != "success":
        raise typer.Exit(1)


def _report_fit_warnings(caught: list[Any]) -> None:
    from flows.fit_warnings import summary_line

    line = summary_line(caught)
    if line:
        errors.print(f"[yellow]note:[/] {line}", highlight=False)
    if _State.debug:
        for item in caught:
            errors.print(f"{item.filename}:{item.lineno}: {item.category.__name__}: {item.message}", markup=False)


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"not a date (YYYY-MM-DD): {text!r}", code=2) from None


def _print_refresh_summary(summary: dict[str, Any]) -> None:
    table = Table(title=f"refresh {summary['status']} · as of {summary['as_of']}", title_justify="left")
    table.add_column("stage")
    table.add_column("result")
    for item in summary["ingested"]:
        table.add_row(f"ingest {item['feed']}", _ingest_detail(item))
    table.add_row("marts", ", ".join(f"{k} {v}" for k, v in summary["marts"]["rows"].items()))
    forecast_rows = summary["forecasts"]["rows"]
    notes = summary["forecasts"]["notes"][1:]
    table.add_row(
        "forecasts",
        f"run {summary['run_id']}: " + (", ".join(f"{k} {v}" for k, v in forecast_rows.items()) or "; ".join(notes)),
    )
    console.print(table)
    # Paths on lines of their own, never folded into a table cell, so they can be copied whole.
    for label, path in export_paths(Path(summary["report"]).parent):
        console.print(f"{label}: {path}", highlight=False, markup=False, soft_wrap=True)
    console.print(f"published warehouse: {summary['published']}", highlight=False, markup=False, soft_wrap=True)
    for warning in summary.get("warnings", []):
        errors.print(f"[yellow]warning:[/] {warning}", highlight=False)


def export_paths(exports_dir: Path) -> list[tuple[str, str]]:
    """(label, absolute path) of every export in the directory: report files, then the tables folder."""
    found = [(path.suffix.lstrip("."), str(path.resolve())) for path in sorted(exports_dir.glob("infercast*.*"))]
    tables = exports_dir / "tables"
    if tables.is_dir():
        count = sum(1 for _ in tables.iterdir())
        found.append(("tables", f"{tables.resolve()}{os.sep} ({count} CSV/Parquet files)"))
    return found


def _ingest_detail(item: dict[str, Any]) -> str:
    if item["status"] == "failed":
        return f"[red]failed[/]: {item['message']}"
    detail = "unchanged" if item["unchanged"] else f"{item['rows_loaded']:,} rows loaded"
    detail += f", {item['rows_quarantined']:,} quarantined"
    if item.get("files", 1) > 1:
        detail += f" ({item['files']} files, {item['files_unchanged']} unchanged)"
    if item["status"] == "stale":
        detail += f" · [yellow]stale[/]: {item['message']}"
    return detail


SQL_FORMATS = ("table", "csv", "json", "parquet")
MAX_QUERY_FILE_BYTES = 1_000_000


@app.command()
def sql(
    query: Annotated[
        str | None,
        typer.Argument(help="A read-only SQL query (select, with, describe, show, summarize, explain); or use -f."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "-f", "--file", help="Read the query from this file (e.g. warehouse/queries/*.sql).", show_default=False
        ),
    ] = None,
    home: HomeOption = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table, csv, json or parquet (parquet needs --out).", case_sensitive=False)
    ] = "table",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the result to this file instead of stdout (required for parquet).", show_default=False
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Rows fetched and shown (default: 100 in table format; all rows in csv, json and parquet).",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.001, help="Seconds a query may run before it is stopped.")
    ] = 300.0,
) -> None:
    """Run one read-only SQL query against the published warehouse: a query argument or -f FILE."""
    import duckdb

    from flows.sql_stream import QueryTimedOut, time_limit
    from flows.sqlguard import RefusedStatement, check_read_only, open_analyst_connection

    output_format = output_format.lower()
    if output_format not in SQL_FORMATS:
        raise _fail(f"unknown format {output_format!r}; use {', '.join(SQL_FORMATS)}", code=2)
    if output_format == "parquet" and out is None:
        raise _fail("--format parquet writes a file: add --out PATH", code=2)
    text = _query_text(query, file)
    settings = _settings(home)
    if out is not None and out.resolve() in {settings.published_db.resolve(), settings.work_db.resolve()}:
        raise _fail(f"--out {out} is the warehouse itself; `infercast sql` does not write it", code=2)
    if not settings.published_db.exists():
        raise _fail(f"no published warehouse at {settings.published_db}; run `infercast refresh` first")
    try:
        con = open_analyst_connection(settings.published_db)
    except duckdb.Error as error:
        raise _fail(f"cannot open the published warehouse {settings.published_db}: {error}") from error
    try:
        try:
            check_read_only(con, text)
        except RefusedStatement as error:
            raise _fail(_without_file_text(str(error), file), code=2) from error
        with time_limit(con, timeout):
            _run_analyst_query(con, text, output_format, limit, out)
    except QueryTimedOut as error:
        raise _fail(str(error)) from error
    except duckdb.Error as error:
        raise _fail(f"query failed: {_without_file_text(str(error), file)}") from error
    finally:
        con.close()


def _run_analyst_query(con: Any, text: str, output_format: str, limit: int | None, out: Path | None) -> None:
    """Fetch in bounded chunks: a table shows `limit` rows (100 by default), files stream every row."""
    from flows import sql_stream

    if output_format == "parquet" and out is not None:
        _write_out(out, lambda temp: sql_stream.write_parquet(str(temp), con, text, limit))
        return
    cursor = con.execute(text)
    names = [column[0] for column in cursor.description or []]
    if output_format == "table":
        shown = limit or 100
        rows, more = sql_stream.head(cursor, shown)
        target = console if out is None else Console(file=io.StringIO(), width=10_000, no_color=True, highlight=False)
        _print_table(target, names, rows, shown, more=more)
        if out is not None:
            _write_text(out, target.file.getvalue())  # type: ignore[attr-defined]
            errors.print(f"wrote {len(rows)} row(s) to {out}", highlight=False)
        return
    write = sql_stream.write_csv if output_format == "csv" else sql_stream.write_json
    if out is None:
        write(sys.stdout, names, _escaped_chunks(sql_stream.chunks(cursor, limit)))
        return

    def write_text_file(temp: Path) -> int:
        with temp.open("w", encoding="utf-8", newline="") as handle:
            return write(handle, names, sql_stream.chunks(cursor, limit))

    _write_out(out, write_text_file)


def _write_out(out: Path, write: Any) -> None:
    """`write(temp)` fills a temporary file beside `out`, renamed into place only when complete."""
    temp = _temp_beside(out)
    try:
        count = write(temp)
        os.replace(temp, out)
    except OSError as error:
        raise _fail(f"cannot write {out}: {error.strerror or error}") from error
    finally:
        temp.unlink(missing_ok=True)
    errors.print(f"wrote {count} row(s) to {out}", highlight=False)


def _escaped_chunks(batches: Any) -> Any:
    """Rows for a terminal: control characters in text shown as escapes, never sent raw."""
    for rows in batches:
        yield [tuple(escape_control(value) if isinstance(value, str) else value for value in row) for row in rows]


def _without_file_text(message: str, file: Path | None) -> str:
    """A DuckDB error about a query read from a file, without the file's text (it may not be SQL)."""
    if file is None:
        return message
    first = message.split("\n", 1)[0]
    first = re.sub(r'(at or near|Referenced column|name|with name) "[^"]*"', r"\1 (text withheld)", first)
    first = re.sub(r"'[^']*'|\"[^\"]*\"", "(text withheld)", first)
    return f"{first} (in the query file {file}; its text is not echoed)"


def _query_text(query: str | None, file: Path | None) -> str:
    """The SQL to run: the argument, or the contents of -f FILE (exactly one of them)."""
    if query is not None and file is not None:
        raise _fail("give either a query or -f FILE, not both", code=2)
    if query is not None:
        return query
    if file is None:
        raise _fail("give a query, or -f FILE with one", code=2)
    try:
        if file.exists() and not file.is_file():
            raise _fail(f"the query file {file} is not a regular file", code=2)
        if file.stat().st_size > MAX_QUERY_FILE_BYTES:
            raise _fail(f"the query file {file} is larger than {MAX_QUERY_FILE_BYTES // 1_000_000} MB", code=2)
        return file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise _fail(f"cannot read the query file {file}: {error.strerror or error}", code=2) from error
    except UnicodeDecodeError as error:
        raise _fail(f"the query file {file} is not UTF-8 text", code=2) from error


def _write_text(out: Path, text: str) -> None:
    temp = _temp_beside(out)
    try:
        temp.write_text(text, encoding="utf-8", newline="")
        os.replace(temp, out)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise _fail(f"cannot write {out}: {error.strerror or error}") from error


def _temp_beside(out: Path) -> Path:
    """A temporary name next to `out`: the file is renamed into place only once fully written."""
    return out.with_name(f".{out.name}.{os.getpid()}.tmp")


def _print_table(
    target: Console, names: list[str], rows: list[tuple[Any, ...]], limit: int, more: bool = False
) -> None:
    """At most `limit` rows, as a table or (too wide for the terminal) one block per row."""
    from flows.result_view import print_result

    print_result(target, names, rows, limit, more=more)


def _cell(value: Any) -> Text:
    """A value for a terminal table: plain text (no rich markup), control characters escaped."""
    from flows.result_view import cell_text

    return Text(cell_text(value))


@app.command()
def status(
    home: HomeOption = None,
    tables: Annotated[bool, typer.Option("--tables", help="Every table with its row count and grain.")] = False,
    feeds: Annotated[
        bool,
        typer.Option("--feeds", help="Per feed: last good batch, quarantine reasons, fetch errors; model identity."),
    ] = False,
    runs: Annotated[bool, typer.Option("--runs", help="The last forecast run and recent flow runs in full.")] = False,
) -> None:
    """Health at a glance: feeds, the last forecast run and flow run (details: --tables, --feeds, --runs)."""
    from warehouse.connection import NoPublishedWarehouse, open_published

    settings = _settings(home)
    try:
        con = open_published(settings)
    except NoPublishedWarehouse as error:
        raise _fail(str(error)) from error
    try:
        if not (tables or feeds or runs):
            _print_status_summary(con)
        if tables:
            _print_table_counts(con)
        if feeds:
            _print_feed_details(con)
        if runs:
            _print_last_run(con)
            flow_headers = ("run", "flow", "started", "finished", "status", "warnings")
            _print_query(con, "recent_flow_runs", "recent flow runs", flow_headers)
        console.print(f"published warehouse: {settings.published_db}", highlight=False, soft_wrap=True)
    finally:
        con.close()


def stale_cell(stale: bool | None, age_days: int | None, max_age_days: int | None, reason: str | None) -> str:
    """`status`'s stale column: the data's age against its threshold, or the reason (a failed fetch)."""
    if not stale:
        return "no"
    if age_days is not None and max_age_days is not None and age_days > max_age_days:
        return f"yes ({age_days:,} d > {max_age_days:,} d)"
    return f"yes ({reason})" if reason else "yes"


def _print_status_summary(con: Any) -> None:
    """The default `status`: one short table and a few lines, narrow enough for 100 columns."""
    from warehouse.sqlfiles import read_sql

    feeds = Table(title="feeds", title_justify="left")
    cells = [
        (
            row[0],
            _cell(row[2]),
            f"{row[3]:,}",
            f"{row[4]:,}",
            _cell(row[7]),
            stale_cell(row[10], row[8], row[9], row[11]),
        )
        for row in con.sql(read_sql("feed_health")).fetchall()
    ]
    # Cells stay on one line at 100 columns; two-word headers wrap into two lines instead, so the
    # columns that hold short values are sized to the longest of them.
    rows_width = max([6, *(len(cell[2]) for cell in cells)])
    for header, width in (
        ("feed", None),
        ("last good load", None),
        ("rows loaded", rows_width),
        ("quarantined", None),
        ("data through", 10),
        ("stale", None),
    ):
        numeric = header in ("rows loaded", "quarantined")
        feeds.add_column(header, min_width=width, max_width=width, justify="right" if numeric else "left")
    for cell in cells:
        feeds.add_row(*cell)
    console.print(feeds)
    last = con.sql(read_sql("last_run")).fetchall()
    if last:
        run_id, as_of, _started, finished, run_status, _message = last[0]
        finished_text = f"{finished:%Y-%m-%d %H:%M}" if isinstance(finished, dt.datetime) else _cell(finished)
        console.print(f"last forecast run: {run_id}, as of {as_of}, {run_status}, finished {finished_text} UTC")
    else:
        console.print("last forecast run: none yet")
    flow = con.sql(read_sql("recent_flow_runs")).fetchall()
    if flow:
        console.print(f"last flow run: {flow[0][1]} {flow[0][4]}, started {flow[0][2]}")
    relations = con.sql(read_sql("table_row_counts")).fetchall()
    console.print(
        f"{len(relations)} tables. Details: --tables (row counts and grain), --feeds (batches, "
        "quarantine reasons, fetch errors, model identity), --runs (forecast and flow runs).",
        highlight=False,
    )


def _print_table_counts(con: Any) -> None:
    from warehouse.sqlfiles import read_sql

    counts = Table(title="tables", title_justify="left")
    for column in ("table", "rows", "what one row is"):
        counts.add_column(column, overflow="fold")
    for schema, name, _estimate, comment in con.sql(read_sql("table_row_counts")).fetchall():
        exact = con.sql(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
        counts.add_row(f"{schema}.{name}", f"{exact:,}", comment or "")
    console.print(counts)


def _print_feed_details(con: Any) -> None:
    _print_query(
        con,
        "feed_health",
        "feeds",
        (
            "feed",
            "last good batch",
            "loaded at",
            "rows loaded",
            "quarantined",
            "failed batches",
            "top quarantine reasons",
            "data through",
            "age (days)",
            "threshold (days)",
            "stale",
            "why stale",
            "stale days",
            "fetch error",
        ),
    )
    _print_query(
        con,
        "flagged_prices",
        "price listings left out of the index (implausible; marts.flagged_price_listings)",
        ("rule", "listings", "tier-months they would set", "examples"),
    )
    _print_query(
        con,
        "identity_match_rate",
        "model identity: identifiers that another feed also knows",
        ("feed", "identifiers", "matched", "match rate", "unmatched"),
    )


@app.command()
def forecast(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Use only what was known on this date (YYYY-MM-DD). Default: today (UTC)."),
    ] = None,
    home: HomeOption = None,
    lock_timeout: LockTimeoutOption = 600.0,
) -> None:
    """Rebuild the marts and fit every forecast as of a date from the data already loaded (no ingest).

    A past --as-of writes its report and exports to exports/as-of-DATE/; the current marts stay published.
    """
    import datetime as _dt

    from flows import backdated
    from flows.fit_warnings import collected_warnings
    from flows.inputs import NothingKnown, check_as_of_not_in_future, check_data_known
    from flows.stages import build_marts, fit_forecasts
    from warehouse.connection import open_work
    from warehouse.lock import LockTimeout, WriterLock
    from warehouse.publish import publish

    today = _dt.datetime.now(_dt.UTC).date()
    as_of_date = _parse_date(as_of) if as_of else today
    settings = _settings(home)
    try:
        check_as_of_not_in_future(as_of_date)
        with WriterLock(settings.lock_path, timeout_s=lock_timeout), console.status("forecasting…"):
            con = open_work(settings)
            try:
                check_data_known(con, as_of_date)
                marts = build_marts(con, as_of_date)
                with collected_warnings() as caught:
                    summary = fit_forecasts(con, as_of_date)
                _report_fit_warnings(caught)
                report_path = backdated.render_leaving_current_state(con, settings, summary.notes[0], as_of_date, today)
            finally:
                con.close()
            publish(settings)
    except LockTimeout as error:
        raise _fail(str(error)) from error
    except NothingKnown as error:
        raise _fail(str(error), code=2) from error
    console.print(f"as of {as_of_date}: run {summary.notes[0]}")
    console.print("marts: " + ", ".join(f"{k} {v}" for k, v in marts.rows.items()))
    console.print(
        "forecasts: " + (", ".join(f"{k} {v}" for k, v in summary.rows.items()) or "; ".join(summary.notes[1:]))
    )
    console.print(f"report: {report_path}")


@app.command()
def hindcast(
    start: Annotated[str, typer.Option("--from", help="First as-of date (YYYY-MM-DD).")] = "2023-03-31",
    end: Annotated[str, typer.Option("--to", help="Last as-of date (YYYY-MM-DD).")] = "2025-12-31",
    every: Annotated[str, typer.Option("--every", help="quarter or month.")] = "quarter",
    home: HomeOption = None,
    lock_timeout: LockTimeoutOption = 600.0,
) -> None:
    """Forecast as of past dates from what was known then and score them against what happened."""
    from flows.fit_warnings import collected_warnings
    from flows.hindcast import SCORE_HEADERS, score_table_rows
    from flows.hindcast import hindcast as run
    from forecasts.hindcast_scoring import as_of_dates
    from warehouse.lock import LockTimeout, WriterLock
    from warehouse.publish import publish

    try:
        dates = as_of_dates(_parse_date(start), _parse_date(end), every)
    except ValueError as error:
        raise _fail(str(error), code=2) from error
    settings = _settings(home)
    try:
        with WriterLock(settings.lock_path, timeout_s=lock_timeout), console.status("hindcasting…"):
            with collected_warnings() as caught:
                result = run(settings, dates)
            publish(settings)
    except LockTimeout as error:
        raise _fail(str(error)) from error
    _report_fit_warnings(caught)
    # No rules or column separators: the full family names and every number fit 80 columns.
    table = Table(
        title=f"{result.hindcast_id}: {len(dates)} as-of dates, {result.points.height} points",
        box=None,
        pad_edge=False,
    )
    rows = score_table_rows(result.scores)
    for position, header in enumerate(SCORE_HEADERS):
        # Each column exactly as wide as its widest cell or header word, so rich wraps
        # headers instead of cutting numbers.
        widest = max([len(row[position]) for row in rows] + [len(word) for word in header.split()])
        table.add_column(header, width=widest, justify="left" if position == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for note in result.notes:
        errors.print(f"[yellow]warning:[/] {note}", highlight=False)


@app.command()
def report(
    output_format: Annotated[
        str,
        typer.Option("--format", help="Comma-separated: html,pdf,xlsx,csv,parquet (default: all)."),
    ] = "html,pdf,xlsx,csv,parquet",
    out: Annotated[Path | None, typer.Option("--out", help="Directory to write to (default: HOME/exports).")] = None,
    run: Annotated[str | None, typer.Option("--run", help="Forecast run id (default: the latest successful).")] = None,
    home: HomeOption = None,
) -> None:
    """Render the investor report and exports of a forecast run from the published warehouse."""
    from flows.stages import ALL_FORMATS, feeds_provenance
    from reports.exports import write_all_exports
    from warehouse.connection import NoPublishedWarehouse, open_published
    from warehouse.db import fetch_first
    from warehouse.sqlfiles import read_sql

    formats = tuple(part.strip().lower() for part in output_format.split(",") if part.strip())
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown or not formats:
        raise _fail(f"unknown format(s) {unknown}; choose from {', '.join(ALL_FORMATS)}", code=2)
    settings = _settings(home)
    try:
        con = open_published(settings)
    except NoPublishedWarehouse as error:
        raise _fail(str(error)) from error
    try:
        run_id = run
        if run_id is None:
            latest = con.sql(read_sql("latest_successful_run")).fetchall()
            if not latest:
                raise _fail("no successful forecast run yet; run `infercast refresh`")
            run_id = str(latest[0][0])
        elif fetch_first(con, "select 1 from forecast.runs where run_id = ?", [run_id]) is None:
            raise _fail(f'no forecast run {run_id!r}; see `infercast sql "select run_id, as_of from forecast.runs"`')
        with console.status("rendering…"):
            written = write_all_exports(con, out or settings.exports_dir, run_id, feeds_provenance(), formats=formats)
    finally:
        con.close()
    for kind, paths in written.items():
        console.print(f"{kind}: " + (str(paths[0]) if len(paths) == 1 else f"{len(paths)} files in {paths[0].parent}"))


@app.command()
def ingest(
    feed: Annotated[str, typer.Argument(help="Feed id (see `infercast sources`).")],
    file: Annotated[
        list[Path] | None,
        typer.Option(
            "--file",
            help="Load this file, in the format of the feed's live endpoint. Repeat for several files; "
            "a directory loads every file in it. Several files load together, one batch each.",
        ),
    ] = None,
    live: LiveOption = False,
    home: HomeOption = None,
    lock_timeout: LockTimeoutOption = 600.0,
    follow_symlinks: Annotated[
        bool, typer.Option("--follow-symlinks", help="Read a --file that is a symbolic link (refused by default).")
    ] = False,
) -> None:
    """Load one feed into staging (bundled history by default, a file, or the live endpoint)."""
    from flows.stages import count_files, ingest_feed, summarize_batches
    from sources.errors import FeedError
    from sources.registry import FEEDS
    from warehouse.connection import open_work
    from warehouse.ingest import FilesFailed
    from warehouse.lock import LockTimeout, WriterLock
    from warehouse.publish import publish

    if feed not in FEEDS:
        raise _fail(f"unknown feed {feed!r}; known feeds: {', '.join(FEEDS)}", code=2)
    if file and live:
        raise _fail("use either --file or --live, not both", code=2)
    settings = _settings(home)
    try:
        with WriterLock(settings.lock_path, timeout_s=lock_timeout):
            con = open_work(settings)
            try:
                outcome = ingest_feed(
                    con, settings, feed, files=file or (), live=_mode(live) == "live", follow_symlinks=follow_symlinks
                )
            except FeedError:
                # Loads are transactional: staging is as before and the failed batch is
                # recorded, so publishing lets `status` and `quarantine` show why it failed.
                con.close()
                publish(settings)
                raise
            con.close()
            publish(settings)
    except (FeedError, LockTimeout) as error:
        if isinstance(error, FilesFailed) and error.results:
            # The files that did load are in staging (and published): say so before the failures.
            partial = summarize_batches(feed, error.results, []) | count_files(error.results)
            console.print(f"ingest {feed}: {_ingest_detail(partial)}")
        raise _fail(str(error)) from error
    console.print(f"ingest {feed}: {_ingest_detail(outcome)}")
    console.print("Run `infercast refresh` to rebuild marts and forecasts with it.")
    if outcome["status"] != "ok":
        raise typer.Exit(1)


@app.command()
def sources(home: HomeOption = None) -> None:
    """List the feeds: family, endpoint, bundled range, last batch and rows in staging."""
    from sources.registry import FEEDS
    from warehouse.connection import NoPublishedWarehouse, open_published
    from warehouse.sqlfiles import read_sql

    last: dict[str, tuple[Any, ...]] = {}
    try:
        con = open_published(_settings(home))
        try:
            last = {row[0]: row for row in con.sql(read_sql("latest_batch_per_feed")).fetchall()}
        finally:
            con.close()
    except NoPublishedWarehouse:
        pass
    table = Table(title="feeds", title_justify="left")
    table.caption = "rows loaded: over all batches of the feed (the figure status and marts.feed_status show)"
    for column in ("feed", "family", "endpoint", "bundled", "last batch", "status", "rows loaded"):
        table.add_column(column, overflow="fold")
    for feed in FEEDS.values():
        batch = last.get(feed.feed_id)
        table.add_row(
            feed.feed_id,
            feed.family,
            "\n".join(feed.endpoints) or "none (bundled or --file)",
            feed.bundled_range,
            str(batch[3]) if batch else "never loaded",
            str(batch[2]) if batch else "",
            f"{batch[8]:,}" if batch else "",
        )
    console.print(table)


@app.command()
def quarantine(
    feed: Annotated[str | None, typer.Option("--feed", help="Only this feed.")] = None,
    batch: Annotated[str | None, typer.Option("--batch", help="Only this batch id.")] = None,
    home: HomeOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows shown.")] = 50,
) -> None:
    """List rows held back by validation: batch, source row, column, check, offending value."""
    from sources.registry import FEEDS
    from warehouse.connection import NoPublishedWarehouse, open_published
    from warehouse.sqlfiles import read_sql

    if feed is not None and feed not in FEEDS:
        raise _fail(f"unknown feed {feed!r}; known feeds: {', '.join(FEEDS)}", code=2)
    try:
        con = open_published(_settings(home))
    except NoPublishedWarehouse as error:
        raise _fail(str(error)) from error
    try:
        cursor = con.execute(read_sql("quarantine_rows"), [feed, feed, batch, batch])
        names = [column[0] for column in cursor.description or []]
        rows = cursor.fetchmany(limit + 1)
    finally:
        con.close()
    _print_table(console, names, rows, limit, more=len(rows) > limit)


@app.command()
def schedules(home: HomeOption = None) -> None:
    """List the deployments with cron, timezone and the next three run times (no server needed)."""
    from flows.deployments import ScheduleConfigError, load_schedules

    try:
        configured = load_schedules(_settings(home))
    except ScheduleConfigError as error:
        raise _fail(str(error), code=2) from error
    table = Table(title="deployments", title_justify="left")
    for column in ("deployment", "flow", "cron", "timezone", "next runs"):
        table.add_column(column, overflow="fold")
    for schedule in configured:
        runs = "\n".join(f"{run:%Y-%m-%d %H:%M %Z}" for run in schedule.next_runs(3))
        table.add_row(schedule.name, schedule.flow_name, schedule.cron, schedule.timezone, runs)
    console.print(table)


@app.command()
def serve(home: HomeOption = None) -> None:
    """Serve the scheduled deployments against the configured Prefect API (PREFECT_API_URL)."""
    settings = _settings(home)
    from flows.prefect_env import configure_prefect

    configure_prefect(settings)
    if not os.environ.get("PREFECT_API_URL"):
        errors.print(
            "[yellow]warning:[/] PREFECT_API_URL is not set: serving against a temporary local "
            "server (no UI). Start one with `prefect server start --host 127.0.0.1` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api.",
            highlight=False,
        )
    from prefect import serve as prefect_serve

    from flows.deployments import ScheduleConfigError, build_deployments

    try:
        deployments = build_deployments(settings)
    except ScheduleConfigError as error:
        raise _fail(str(error), code=2) from error
    console.print(f"serving {', '.join(d.name for d in deployments)} (Ctrl-C to stop)")
    # Paused schedules would survive a restart of this process; keep them active.
    prefect_serve(*deployments, pause_on_shutdown=False, print_starting_message=False)


@app.command()
def shell(home: HomeOption = None) -> None:
    """Open an interactive read-only SQL prompt on the published warehouse (.help for commands)."""
    from flows.shell import HELP, run_shell, terminal_reader
    from warehouse.connection import NoPublishedWarehouse, open_published

    settings = _settings(home)
    try:
        con = open_published(settings)
    except NoPublishedWarehouse as error:
        raise _fail(str(error)) from error
    console.print(f"infercast shell on {settings.published_db} (read-only)\n{HELP}", highlight=False)
    try:
        run_shell(
            con,
            terminal_reader(),
            lambda names, rows: _print_table(console, names, rows, SHELL_ROWS_SHOWN),
            lambda text: console.print(text, highlight=False, markup=False),
        )
    finally:
        con.close()


SHELL_ROWS_SHOWN = 200


def _print_last_run(con: Any) -> None:
    """The last forecast run, then its notes one a line below the table: in a table cell the
    notes (a dozen sentences) folded into a column a few words wide."""
    from forecasts.sanity import split_notes
    from warehouse.sqlfiles import read_sql

    rows = con.sql(read_sql("last_run")).fetchall()
    _print_rows("last forecast run", ("run", "as of", "started", "finished", "status"), [row[:5] for row in rows])
    notes = split_notes(rows[0][5]) if rows else []
    if notes:
        console.print("notes of the last forecast run:", highlight=False)
    for note in notes:
        console.print(Text(f"  • {note}"), highlight=False)


def _print_query(con: Any, sql_name: str, title: str, headers: tuple[str, ...]) -> None:
    from warehouse.sqlfiles import read_sql

    _print_rows(title, headers, con.sql(read_sql(sql_name)).fetchall())


def _print_rows(title: str, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(value) for value in row))
    console.print(table)


class Terminated(KeyboardInterrupt):
    """SIGTERM, delivered like Ctrl-C so every stage rolls back exactly as it does for an interrupt."""


def _on_sigterm(signum: int, frame: Any) -> None:
    # Remembered as well as raised: a library may turn the interrupt into a plain KeyboardInterrupt.
    _State.terminated = True
    raise Terminated()


def _stopped_by_sigterm() -> None:
    errors.print(
        "stopped by SIGTERM: a load in progress was rolled back (each load is one transaction) "
        "and the published warehouse is only replaced once a command's work is complete"
    )
    raise SystemExit(143) from None


def sql_comments_kept_as_queries(args: list[str]) -> list[str]:
    """`infercast sql "-- note\nselect 1"`: a query that opens with a SQL comment looks like an
    option to the parser. An argument after `sql` that starts with `--` and then a space or a line
    break (no option name does) gets a leading line break, which changes nothing in SQL."""
    if "sql" not in args:
        return args
    start = args.index("sql") + 1

    def is_comment(arg: str) -> bool:
        return arg.startswith("--") and (arg[2:3].isspace() or "\n" in arg.split("=", 1)[0])

    return args[:start] + [f"\n{arg}" if is_comment(arg) else arg for arg in args[start:]]


def main() -> None:
    import signal

    from flows.env_errors import describe

    sys.argv[1:] = sql_comments_kept_as_queries(sys.argv[1:])
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        # Typer turns an interrupt into exit code 130 itself; a SIGTERM is told apart by the flag.
        app()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # done: see below
    except (KeyboardInterrupt, SystemExit) as stop:
        if isinstance(stop, SystemExit) and stop.code != 130 and not _State.terminated:
            # The work is done: a SIGTERM now would meet the interpreter's teardown, which restores
            # the default action and dies by the signal (-15) although everything was committed.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
            raise
        if _State.terminated:
            _stopped_by_sigterm()
        errors.print("interrupted: a load in progress was rolled back (each load is one transaction)")
        raise SystemExit(130) from None
    except Exception as error:
        if _State.terminated:
            # The interrupt raised inside a query comes back from DuckDB as an error of its own
            # ("Query interrupted"); the flag says it was the SIGTERM.
            _stopped_by_sigterm()
        message = describe(error)
        if message is None:
            if _State.debug:
                raise
            # A defect, not an input or environment problem: one line, and how to get the rest.
            first_line = (str(error).splitlines() or [""])[0][:300]
            message = (
                f"internal error ({type(error).__name__}: {first_line}). "
                "Run the command again with --debug (infercast --debug ...) for the traceback and report it."
            )
        _fail(message)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
