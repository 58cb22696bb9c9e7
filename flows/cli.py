"""The `infercast` command line.

Read-only commands (`sql`, `status`) import neither Prefect nor statsmodels, so they start
fast; `refresh` imports them when it runs.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

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
        help="State directory (DuckDB, payload archive, Prefect home, exports). "
        "Default: $INFERCAST_HOME or ./data",
        show_default=False,
    ),
]


class _State:
    debug = False


def _settings(home: Path | None) -> Any:
    from warehouse.settings import Settings

    return Settings.from_env(home)


def _fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    if _State.debug:
        traceback.print_exc()
    return typer.Exit(code)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks on errors.")] = False,
) -> None:
    _State.debug = debug


@app.command()
def refresh(
    home: HomeOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date the run is stamped with (YYYY-MM-DD). Default: today (UTC)."),
    ] = None,
) -> None:
    """Run the full pipeline on the bundled data: ingest, marts, forecasts, report, publish."""
    settings = _settings(home)
    as_of_date = _parse_date(as_of) if as_of else None
    from flows.prefect_env import configure_prefect

    configure_prefect(settings)
    from flows.progress import set_listener

    try:
        with console.status("starting Prefect (temporary local server)…") as status:
            set_listener(lambda message: status.update(f"{message}…"))
            from flows.refresh import run_refresh
            from sources.errors import FeedError
            from warehouse.lock import LockTimeout

            try:
                summary = run_refresh(settings, as_of=as_of_date)
            except (FeedError, LockTimeout) as error:
                raise _fail(str(error)) from error
    finally:
        set_listener(None)
    _print_refresh_summary(summary)
    if summary["status"] != "success":
        raise typer.Exit(1)


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
        if item["status"] == "ok":
            detail = "unchanged" if item["unchanged"] else f"{item['rows_loaded']} rows loaded"
            detail += f", {item['rows_quarantined']} quarantined"
        else:
            detail = f"[red]failed[/]: {item['message']}"
        table.add_row(f"ingest {item['feed']}", detail)
    table.add_row("marts", ", ".join(f"{k} {v}" for k, v in summary["marts"]["rows"].items()))
    forecast_rows = summary["forecasts"]["rows"]
    notes = summary["forecasts"]["notes"][1:]
    table.add_row(
        "forecasts",
        f"run {summary['run_id']}: "
        + (", ".join(f"{k} {v}" for k, v in forecast_rows.items()) or "; ".join(notes)),
    )
    table.add_row("report", summary["report"])
    table.add_row("published", summary["published"])
    console.print(table)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query (select, with, describe, show).")],
    home: HomeOption = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table, csv or json.", case_sensitive=False)
    ] = "table",
    limit: Annotated[int, typer.Option(help="Rows shown in table format (csv/json print all).")] = 100,
) -> None:
    """Run a read-only SQL query against the published warehouse."""
    import duckdb

    from flows.sqlguard import RefusedStatement, check_read_only
    from warehouse.connection import NoPublishedWarehouse, open_published

    output_format = output_format.lower()
    if output_format not in {"table", "csv", "json"}:
        raise _fail(f"unknown format {output_format!r}; use table, csv or json", code=2)
    try:
        con = open_published(_settings(home))
    except NoPublishedWarehouse as error:
        raise _fail(str(error)) from error
    try:
        check_read_only(con, query)
        cursor = con.execute(query)
        names = [column[0] for column in cursor.description or []]
        rows = cursor.fetchall()
    except RefusedStatement as error:
        raise _fail(str(error), code=2) from error
    except duckdb.Error as error:
        raise _fail(f"query failed: {error}") from error
    finally:
        con.close()
    _print_rows(names, rows, output_format, limit)


def _print_rows(names: list[str], rows: list[tuple[Any, ...]], output_format: str, limit: int) -> None:
    if output_format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return
    if output_format == "json":
        records = [dict(zip(names, row, strict=True)) for row in rows]
        sys.stdout.write(json.dumps(records, default=str, indent=2) + "\n")
        return
    table = Table(show_lines=False)
    for name in names:
        table.add_column(name, overflow="fold")
    for row in rows[:limit]:
        table.add_row(*(_cell(value) for value in row))
    console.print(table)
    shown = min(limit, len(rows))
    console.print(f"{len(rows)} row(s)" + (f", first {shown} shown" if shown < len(rows) else ""))


def _cell(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@app.command()
def status(home: HomeOption = None) -> None:
    """Tables with row counts, the latest batch per feed and the last forecast run."""
    from warehouse.connection import NoPublishedWarehouse, open_published
    from warehouse.sqlfiles import read_sql

    settings = _settings(home)
    try:
        con = open_published(settings)
    except NoPublishedWarehouse as error:
        raise _fail(str(error)) from error
    try:
        tables = con.sql(read_sql("table_row_counts")).fetchall()
        counts = Table(title="tables", title_justify="left")
        for column in ("table", "rows", "what one row is"):
            counts.add_column(column, overflow="fold")
        for schema, name, _estimate, comment in tables:
            exact = con.sql(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
            counts.add_row(f"{schema}.{name}", str(exact), comment or "")
        console.print(counts)
        batches = con.sql(read_sql("latest_batch_per_feed")).fetchall()
        feeds = Table(title="latest batch per feed", title_justify="left")
        for column in ("feed", "batch", "status", "loaded at", "rows in", "loaded", "quarantined"):
            feeds.add_column(column, overflow="fold")
        for row in batches:
            feeds.add_row(*(_cell(value) for value in row[:7]))
        console.print(feeds)
        for row in batches:
            if row[7]:
                console.print(f"  {row[0]}: {row[7]}", highlight=False)
        runs = con.sql(read_sql("last_run")).fetchall()
        run_table = Table(title="last forecast run", title_justify="left")
        for column in ("run", "as of", "started", "finished", "status", "message"):
            run_table.add_column(column, overflow="fold")
        for row in runs:
            run_table.add_row(*(_cell(value) for value in row))
        console.print(run_table)
        console.print(f"published warehouse: {settings.published_db}")
    finally:
        con.close()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
