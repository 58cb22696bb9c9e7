"""The CLI through typer's runner, on a warehouse built by the stage functions (no Prefect)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from flows import stages
from flows.cli import app
from warehouse.connection import open_work
from warehouse.publish import publish
from warehouse.settings import Settings

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Settings:
    settings = Settings.from_env(tmp_path_factory.mktemp("cli") / "home")
    con = open_work(settings)
    stages.ingest_feed(con, settings, "epoch_prices")
    stages.build_marts(con)
    summary = stages.fit_forecasts(con, dt.date(2025, 3, 1))
    stages.render_reports(con, settings, summary.notes[0])
    con.close()
    publish(settings)
    return settings


def _run(settings: Settings, *args: str):
    return runner.invoke(app, [*args, "--home", str(settings.home)])


def test_sql_prints_a_table(published):
    result = _run(published, "sql", "select count(*) as tiers from marts.capability_tiers")
    assert result.exit_code == 0, result.output
    assert "tiers" in result.output and "21" in result.output


def test_sql_csv_and_json_formats(published):
    csv_result = _run(
        published,
        "sql",
        "select tier_id from marts.capability_tiers order by tier_id limit 2",
        "--format",
        "csv",
    )
    assert csv_result.exit_code == 0
    assert csv_result.output.splitlines() == ["tier_id", "arena_gpt35_turbo", "arena_gpt4_0314"]
    json_result = _run(published, "sql", "select count(*) as n from marts.price_index", "--format", "json")
    assert json.loads(json_result.output)[0]["n"] > 0


@pytest.mark.parametrize(
    "statement",
    [
        "drop table marts.price_index",
        "delete from marts.price_index",
        "insert into marts.capability_tiers values ('x','mmlu',null,1,'x')",
        "update marts.price_index set cheapest_model = 'x'",
        "create table marts.sneaky as select 1",
        "attach '/tmp/other.duckdb' as other",
        "copy (select 1) to '/tmp/infercast-leak.csv'",
    ],
)
def test_write_statements_are_refused_and_change_nothing(published, statement):
    before = _run(published, "sql", "select count(*) from marts.price_index", "--format", "csv").output
    result = _run(published, "sql", statement)
    assert result.exit_code == 2
    assert "refused" in result.output and "read-only" in result.output
    after = _run(published, "sql", "select count(*) from marts.price_index", "--format", "csv").output
    assert before == after


def test_sql_reports_a_bad_query_without_traceback(published):
    result = _run(published, "sql", "select * from no_such_table")
    assert result.exit_code == 1
    assert "query failed" in result.output and "Traceback" not in result.output


def test_status_lists_tables_batches_and_last_run(published):
    result = _run(published, "status", "--tables", "--feeds", "--runs")
    assert result.exit_code == 0, result.output
    for fragment in (
        "staging.token_prices",
        "marts.price_index",
        "epoch_prices",
        "success",
        "forecast.values",
        "data through",
        "price listings left out of the index",
    ):
        assert fragment in result.output


def test_commands_explain_a_missing_warehouse(tmp_path):
    result = runner.invoke(app, ["status", "--home", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "infercast refresh" in result.output


@pytest.mark.parametrize("command", ["refresh", "sql", "status"])
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--home" in result.output


def test_read_only_commands_do_not_import_prefect_or_statsmodels(published):
    probe = (
        "import sys\n"
        "from flows.cli import main\n"
        f"sys.argv = ['infercast', 'sql', 'select 1', '--home', {str(published.home)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('prefect', 'statsmodels', 'pandera', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in output


def test_status_runs_lists_the_last_runs_notes_one_a_line(published):
    # On main the notes sat in a table cell a few words wide, folded over dozens of lines.
    con = duckdb.connect(str(published.published_db), read_only=True)
    try:
        (message,) = con.execute("select message from forecast.runs order by started_at desc limit 1").fetchall()[0]
    finally:
        con.close()
    notes = (message or "").splitlines()
    assert notes, "the fixture's last run has notes"
    result = _run(published, "status", "--runs")
    assert result.exit_code == 0, result.output
    assert "notes of the last forecast run:" in result.output
    flat = " ".join(result.output.split())
    for note in notes:
        assert f"• {' '.join(note.split())}" in flat
