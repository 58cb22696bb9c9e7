"""End to end: the Prefect `refresh` flow on the bundled data, under one test harness."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from warehouse.settings import Settings

AS_OF = dt.date(2025, 3, 1)


def _row_counts(path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
            for schema, name in tables
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def refreshed(prefect_harness, tmp_path_factory):
    from flows.refresh import refresh_flow

    settings = Settings.from_env(tmp_path_factory.mktemp("e2e") / "home")
    summary = refresh_flow(home=str(settings.home), as_of=AS_OF)
    return settings, summary


def test_refresh_fills_every_stage(refreshed):
    settings, summary = refreshed
    assert summary["status"] == "success"
    counts = _row_counts(settings.published_db)
    assert counts["staging.token_prices"] > 100
    assert counts["staging.model_capabilities"] > 300
    assert counts["marts.price_index"] > 0
    assert counts["forecast.values"] >= 21 * 24  # every tier, 24 months, plus the other families
    # Three methods (published frontier lows, index trend, pooled step rates) for every published
    # tier, and the tiers added since where their reference model is scored by the as-of date.
    assert counts["forecast.decline_rates"] >= 3 * 21
    for table in ("marts.installed_compute", "marts.reasoning_adoption", "forecast.backtests", "forecast.growth_rates"):
        assert counts[table] > 0, table
    from sources.registry import FEEDS
    from sources.snapshot import snapshot_files

    bundled_files = sum(len(snapshot_files(feed)) for feed in FEEDS.values())
    assert counts["meta.ingest_batches"] == bundled_files  # one batch per bundled file, all loaded


def test_forecast_intervals_are_ordered(refreshed):
    settings, _ = refreshed
    con = duckdb.connect(str(settings.published_db), read_only=True)
    bad = con.execute(
        "select count(*) from forecast.values "
        "where not (lo_95 <= lo_80 and lo_80 <= median and median <= hi_80 and hi_80 <= hi_95)"
    ).fetchall()
    run = con.execute("select as_of, status from forecast.runs").fetchall()
    con.close()
    assert bad == [(0,)]
    assert run == [(AS_OF, "success")]


def test_a_past_as_of_writes_its_report_to_its_own_folder_and_publishes_the_current_marts(refreshed):
    settings, summary = refreshed
    folder = settings.exports_dir / f"as-of-{AS_OF.isoformat()}"
    assert summary["report"] == str(folder / "infercast_report.html")
    assert (folder / "infercast.xlsx").is_file()
    assert not any(path.is_file() for path in settings.exports_dir.iterdir())
    con = duckdb.connect(str(settings.published_db), read_only=True)
    (latest_month,) = con.execute("select max(month) from marts.price_index").fetchall()[0]
    con.close()
    assert latest_month > AS_OF  # the marts were rebuilt as of today once the report was written


def test_report_has_the_chart_and_the_decline_table(refreshed):
    settings, _summary = refreshed
    html = (settings.exports_dir / f"as-of-{AS_OF.isoformat()}" / "infercast_report.html").read_text()
    assert "<svg" in html and "http://" not in html.split("<svg", 1)[0].replace("http://www.w3.org", "")
    con = duckdb.connect(str(settings.published_db), read_only=True)
    factor, n = con.execute(
        "select factor_per_year, n from forecast.decline_rates "
        "where tier_id = 'mmlu_gpt3' and method = 'frontier_lows_ols'"
    ).fetchall()[0]
    con.close()
    assert f"{factor:.1f}×" in html
    assert f">{n}<" in html


def test_second_refresh_on_unchanged_inputs_changes_no_row_counts(refreshed):
    from flows.refresh import refresh_flow

    settings, _ = refreshed
    before = _row_counts(settings.published_db)
    summary = refresh_flow(home=str(settings.home), as_of=AS_OF)
    assert summary["status"] == "success"
    assert all(item["unchanged"] for item in summary["ingested"])
    after = _row_counts(settings.published_db)
    # The run log records every run by design; every data table stays exactly as it was.
    assert after.pop("meta.flow_runs") == before.pop("meta.flow_runs") + 1
    assert after == before


def test_every_column_keeps_its_comment_through_refresh_and_publish(refreshed):
    # Marts are refilled by delete + insert (flows.stages.replace_tables), so their DDL and comments
    # stay; the published copy is a file copy of the working database.
    from warehouse.dictionary import relations, undocumented_columns

    settings, _ = refreshed
    con = duckdb.connect(str(settings.published_db), read_only=True)
    try:
        assert undocumented_columns(con) == []
        assert sum(len(r.columns) for r in relations(con)) > 400
        assert con.execute("select count(*) from marts.model_developers").fetchall()[0][0] > 0
    finally:
        con.close()
