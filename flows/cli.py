"""The `infercast` command line.

Read-only commands (`sql`, `status`) import neither Prefect nor statsmodels, so they start
fast; `refresh` imports them when it runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
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
    """Run the full pipeline: ingest, marts, forecasts, report, publish (bundled data by default)."""
    settings = _settings(home)
    mode = _mode(live)
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
                summary = run_refresh(settings, as_of=as_of_date, mode=mode, lock_timeout_s=lock_timeout, runner=runner)
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
        table.add_row(f"ingest {item['feed']}", _ingest_detail(item))
    table.add_row("marts", ", ".join(f"{k} {v}" for k, v in summary["marts"]["rows"].items()))
    forecast_rows = summary["forecasts"]["rows"]
    notes = summary["forecasts"]["notes"][1:]
    table.add_row(
        "forecasts",
        f"run {summary['run_id']}: " + (", ".join(f"{k} {v}" for k, v in forecast_rows.items()) or "; ".join(notes)),
    )
    table.add_row("report", summary["report"])
    table.add_row("published", summary["published"])
    console.print(table)
    for warning in summary.get("warnings", []):
        errors.print(f"[yellow]warning:[/] {warning}", highlight=False)


def _ingest_detail(item: dict[str, Any]) -> str:
    if item["status"] == "failed":
        return f"[red]failed[/]: {item['message']}"
    detail = "unchanged" if item["unchanged"] else f"{item['rows_loaded']} rows loaded"
    detail += f", {item['rows_quarantined']} quarantined"
    if item["status"] == "stale":
        detail += f" · [yellow]stale[/]: {item['message']}"
    return detail


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query (select, with, describe, show).")],
    home: HomeOption = None,
    output_format: Annotated[str, typer.Option("--format", help="table, csv or json.", case_sensitive=False)] = "table",
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
                "stale",
                "stale days",
                "fetch error",
            ),
        )
        _print_query(con, "last_run", "last forecast run", ("run", "as of", "started", "finished", "status", "message"))
        _print_query(
            con,
            "recent_flow_runs",
            "recent flow runs",
            ("run", "flow", "started", "finished", "status", "warnings"),
        )
        console.print(f"published warehouse: {settings.published_db}")
    finally:
        con.close()


@app.command()
def ingest(
    feed: Annotated[str, typer.Argument(help="Feed id (see `infercast sources`).")],
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Load this file; it must be in the format of the feed's live endpoint."),
    ] = None,
    live: LiveOption = False,
    home: HomeOption = None,
    lock_timeout: LockTimeoutOption = 600.0,
) -> None:
    """Load one feed into staging (bundled history by default, a file, or the live endpoint)."""
    from flows.stages import ingest_feed
    from sources.errors import FeedError
    from sources.registry import FEEDS
    from warehouse.connection import open_work
    from warehouse.lock import LockTimeout, WriterLock
    from warehouse.publish import publish

    if feed not in FEEDS:
        raise _fail(f"unknown feed {feed!r}; known feeds: {', '.join(FEEDS)}", code=2)
    if file is not None and live:
        raise _fail("use either --file or --live, not both", code=2)
    settings = _settings(home)
    try:
        with WriterLock(settings.lock_path, timeout_s=lock_timeout):
            con = open_work(settings)
            try:
                outcome = ingest_feed(con, settings, feed, file=file, live=_mode(live) == "live")
            except FeedError:
                # Loads are transactional: staging is as before and the failed batch is
                # recorded, so publishing lets `status` and `quarantine` show why it failed.
                con.close()
                publish(settings)
                raise
            con.close()
            publish(settings)
    except (FeedError, LockTimeout) as error:
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
            str(batch[5]) if batch else "",
        )
    console.print(table)


@app.command()
def quarantine(
    feed: Annotated[str | None, typer.Option("--feed", help="Only this feed.")] = None,
    batch: Annotated[str | None, typer.Option("--batch", help="Only this batch id.")] = None,
    home: HomeOption = None,
    limit: Annotated[int, typer.Option(help="Rows shown.")] = 50,
) -> None:
    """List rows held back by validation: batch, source row, column, check, offending value."""
    from warehouse.connection import NoPublishedWarehouse, open_published
    from warehouse.sqlfiles import read_sql

    try:
        con = open_published(_settings(home))
    except NoPublishedWarehouse as error:
        raise _fail(str(error)) from error
    try:
        cursor = con.execute(read_sql("quarantine_rows"), [feed, feed, batch, batch])
        names = [column[0] for column in cursor.description or []]
        rows = cursor.fetchall()
    finally:
        con.close()
    _print_rows(names, rows, "table", limit)


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


def _print_query(con: Any, sql_name: str, title: str, headers: tuple[str, ...]) -> None:
    from warehouse.sqlfiles import read_sql

    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in con.sql(read_sql(sql_name)).fetchall():
        table.add_row(*(_cell(value) for value in row))
    console.print(table)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
