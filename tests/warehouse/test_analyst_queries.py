"""Analyst SQL: the convenience views (given tiny rows, expect exact answers) and the example
queries in warehouse/queries (each runs on a warehouse built by the real stages and returns
the columns its header promises)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from flows import stages
from flows.cli import app
from sources.registry import FEEDS
from sources.snapshot import snapshot_files
from warehouse.connection import open_work
from warehouse.freshness import data_gap_notes
from warehouse.migrate import apply_migrations
from warehouse.publish import publish
from warehouse.settings import Settings

QUERIES_DIR = Path(__file__).resolve().parents[2] / "warehouse" / "queries"
QUERY_FILES = sorted(QUERIES_DIR.glob("*.sql"))
VIEWS = ("latest_forecast", "model_price_history", "cheapest_per_tier", "latest_decline_rates", "feed_status")
AS_OF = dt.date(2025, 12, 31)
# Claims are evaluated by forecasts.claims; until a run has evaluated them the query answers no rows.
MAY_BE_EMPTY = {"latest_claims_verdicts"}

runner = CliRunner(env={"COLUMNS": "200"})


def _header(path: Path) -> tuple[str, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    question = lines[0].removeprefix("-- ").strip()
    match = re.fullmatch(r"-- columns: (.+)", lines[1].strip())
    assert match, f"{path.name}: second line must be '-- columns: a, b, ...'"
    return question, [name.strip() for name in match.group(1).split(",")]


def _build_marts_stage() -> Any:
    build_marts: Any
    try:
        from flows.marts_stage import build_marts
    except ImportError:
        build_marts = getattr(stages, "build_marts", None)
    if build_marts is None:
        pytest.skip("no build_marts stage (neither flows.marts_stage.build_marts nor flows.stages.build_marts)")
    return build_marts


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Settings:
    """A published warehouse built like tests/flows/test_cli.py does, from every bundled feed."""
    build_marts = _build_marts_stage()
    settings = Settings.from_env(tmp_path_factory.mktemp("analyst") / "home")
    con = open_work(settings)
    for feed in FEEDS.values():
        if snapshot_files(feed):
            stages.ingest_feed(con, settings, feed.feed_id)
    build_marts(con)
    stages.fit_forecasts(con, AS_OF)
    con.close()
    publish(settings)
    return settings


# --- the example queries ------------------------------------------------------------------


def test_there_are_at_least_eight_example_queries_each_stating_its_question():
    assert len(QUERY_FILES) >= 8
    for path in QUERY_FILES:
        question, columns = _header(path)
        assert question.endswith("?"), f"{path.name}: the first line states the question"
        assert len(columns) == len(set(columns)) > 0


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_example_query_runs_on_the_published_warehouse(published, path):
    _, promised = _header(path)
    result = runner.invoke(app, ["sql", "-f", str(path), "--format", "csv", "--home", str(published.home)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == promised
    if path.stem not in MAY_BE_EMPTY:
        assert len(rows) > 1, f"{path.name} answered no rows on the bundled data"


def test_the_gpt4o_history_spans_sources_and_providers(published):
    con = duckdb.connect(str(published.published_db), read_only=True)
    try:
        rows = con.execute((QUERIES_DIR / "gpt4o_price_history.sql").read_text()).fetchall()
    finally:
        con.close()
    assert {row[1] for row in rows} >= {"epoch_api_prices", "litellm"}
    assert len({row[2] for row in rows}) >= 2


# --- the views, on tiny hand-inserted rows -------------------------------------------------


@pytest.fixture
def con():
    connection = duckdb.connect()
    apply_migrations(connection)
    yield connection
    connection.close()


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple]:
    return con.execute(query).fetchall()


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    for row in rows:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values())).fetchall()


def _run(run_id: str, as_of: dt.date, finished: dt.datetime, status: str = "success") -> dict:
    return {
        "run_id": run_id,
        "as_of": as_of,
        "started_at": finished - dt.timedelta(minutes=1),
        "finished_at": finished,
        "data_vintage": "[]",
        "status": status,
    }


def _forecast_value(run_id: str, ds: dt.date, mean: float) -> dict:
    return {
        "run_id": run_id,
        "target": "price_index",
        "series_id": "mmlu_gpt4_0314",
        "model": "naive",
        "ds": ds,
        "median": mean,
        "lo_80": mean / 2,
        "hi_80": mean * 2,
        "lo_95": mean / 4,
        "hi_95": mean * 4,
        "unit": "usd_per_mtok",
    }


CURRENT_AS_OF = dt.date(2025, 6, 30)


def _three_runs(con: duckdb.DuckDBPyConnection) -> None:
    """The current success, a backdated success (finished later, earlier as-of) and a newest failure."""
    _insert(
        con,
        "forecast.runs",
        [
            _run("run-current", CURRENT_AS_OF, dt.datetime(2025, 7, 1, 6)),
            _run("run-backdated", dt.date(2025, 3, 31), dt.datetime(2025, 8, 1, 6)),
            _run("run-failed", dt.date(2025, 9, 30), dt.datetime(2025, 9, 1, 6), status="failed"),
        ],
    )


def test_latest_forecast_is_the_successful_run_with_the_greatest_as_of_not_the_last_finished(con):
    _three_runs(con)
    _insert(
        con,
        "forecast.values",
        [
            _forecast_value("run-backdated", dt.date(2025, 4, 1), 9.0),
            _forecast_value("run-current", dt.date(2025, 7, 1), 2.0),
            _forecast_value("run-current", dt.date(2025, 8, 1), 1.0),
            _forecast_value("run-failed", dt.date(2025, 10, 1), 7.0),
        ],
    )
    assert _rows(
        con, "select run_id, as_of, ds, median, lo_95, hi_95, unit from marts.latest_forecast order by ds"
    ) == [
        ("run-current", dt.date(2025, 6, 30), dt.date(2025, 7, 1), 2.0, 0.5, 8.0, "usd_per_mtok"),
        ("run-current", dt.date(2025, 6, 30), dt.date(2025, 8, 1), 1.0, 0.25, 4.0, "usd_per_mtok"),
    ]


def test_latest_forecast_is_empty_without_a_successful_run(con):
    _insert(con, "forecast.runs", [_run("run-failed", dt.date(2025, 9, 30), dt.datetime(2025, 9, 1), "failed")])
    _insert(con, "forecast.values", [_forecast_value("run-failed", dt.date(2025, 10, 1), 7.0)])
    assert _rows(con, "select * from marts.latest_forecast") == []


def _price(source: str, provider: str, model: str, observed_on: dt.date, input_usd: float, output_usd: float) -> dict:
    return {
        "source": source,
        "provider": provider,
        "model": model,
        "model_version": "",
        "observed_on": observed_on,
        "input_usd_per_mtok": input_usd,
        "output_usd_per_mtok": output_usd,
        "blended_usd_per_mtok": (3 * input_usd + output_usd) / 4,
        "provenance": "test",
        "batch_id": "b1",
    }


def _alias(feed: str, alias: str, model_id: str, method: str = "normalized") -> dict:
    return {
        "feed": feed,
        "alias": alias,
        "model_id": model_id,
        "match_method": method,
        "provenance": "test",
        "batch_id": "b0",
    }


def test_model_price_history_keys_every_source_by_canonical_id(con):
    day = dt.date(2025, 3, 1)
    _insert(
        con,
        "staging.token_prices",
        [
            _price("litellm", "azure", "azure/gpt-4o", day, 2.5, 10.0),
            _price("openrouter", "openrouter", "openai/gpt-4o", day, 2.5, 10.0),
            _price("epoch_api_prices", "OpenAI", "GPT-4o", dt.date(2024, 5, 13), 5.0, 15.0),
            _price("epoch_price_benchmarks", "unspecified", "GPT-4o-2024-05", dt.date(2024, 5, 13), 5.0, 15.0),
            # An alias of another feed with the same text must not be used for this source.
            _price("litellm", "together_ai", "mystery-model", day, 1.0, 1.0),
        ],
    )
    _insert(
        con,
        "staging.model_aliases",
        [
            _alias("litellm", "azure/gpt-4o", "gpt-4o"),
            _alias("openrouter", "openai/gpt-4o", "gpt-4o"),
            _alias("epoch_models", "GPT-4o", "gpt-4o", "exact"),
            _alias("openrouter", "mystery-model", "not-this-one"),
        ],
    )
    rows = _rows(
        con,
        "select model_id, model, provider, source, observed_on, blended_usd_per_mtok, match_method "
        "from marts.model_price_history order by source, model",
    )
    assert rows == [
        ("gpt-4o", "GPT-4o", "OpenAI", "epoch_api_prices", dt.date(2024, 5, 13), 7.5, "exact"),
        (
            "GPT-4o-2024-05",
            "GPT-4o-2024-05",
            "unspecified",
            "epoch_price_benchmarks",
            dt.date(2024, 5, 13),
            7.5,
            "unmatched",
        ),
        ("gpt-4o", "azure/gpt-4o", "azure", "litellm", day, 4.375, "normalized"),
        ("mystery-model", "mystery-model", "together_ai", "litellm", day, 1.0, "unmatched"),
        ("gpt-4o", "openai/gpt-4o", "openrouter", "openrouter", day, 4.375, "normalized"),
    ]


def _tier(tier_id: str, label: str, score: float) -> dict:
    return {"tier_id": tier_id, "benchmark": "mmlu", "threshold_model": None, "threshold_score": score, "label": label}


def _index_row(tier_id: str, month: dt.date, price: float, model: str) -> dict:
    return {
        "tier_id": tier_id,
        "benchmark": "mmlu",
        "threshold_score": 86.0,
        "month": month,
        "cheapest_blended_usd_per_mtok": price,
        "cheapest_model": model,
        "price_observed_on": month,
        "qualifying_models": 3,
        "cheapest_provider": "p",
    }


def test_cheapest_per_tier_labels_the_price_index(con):
    _insert(con, "marts.capability_tiers", [_tier("mmlu_gpt4_0314", "MMLU at GPT-4 level", 86.0)])
    _insert(
        con,
        "marts.price_index",
        [
            _index_row("mmlu_gpt4_0314", dt.date(2025, 1, 1), 0.5, "A"),
            _index_row("mmlu_gpt4_0314", dt.date(2025, 2, 1), 0.25, "B"),
        ],
    )
    assert _rows(
        con,
        "select tier_id, tier_label, month, cheapest_model, cheapest_blended_usd_per_mtok "
        "from marts.cheapest_per_tier order by month",
    ) == [
        ("mmlu_gpt4_0314", "MMLU at GPT-4 level", dt.date(2025, 1, 1), "A", 0.5),
        ("mmlu_gpt4_0314", "MMLU at GPT-4 level", dt.date(2025, 2, 1), "B", 0.25),
    ]


def _decline(run_id: str, method: str, factor: float) -> dict:
    return {
        "run_id": run_id,
        "tier_id": "mmlu_gpt4_0314",
        "benchmark": "mmlu",
        "threshold_score": 86.0,
        "n": 20,
        "start_date": dt.date(2023, 3, 1),
        "end_date": dt.date(2025, 2, 1),
        "factor_per_year": factor,
        "ci90_low": factor / 2,
        "ci90_high": factor * 2,
        "r_squared": 0.9,
        "method": method,
    }


def test_latest_decline_rates_come_from_the_latest_successful_run(con):
    _three_runs(con)
    _insert(con, "marts.capability_tiers", [_tier("mmlu_gpt4_0314", "MMLU at GPT-4 level", 86.0)])
    _insert(
        con,
        "forecast.decline_rates",
        [
            _decline("run-backdated", "frontier_lows_ols", 99.0),
            _decline("run-current", "frontier_lows_ols", 40.0),
            _decline("run-current", "monthly_index_loglinear_ols_hac", 10.0),
            _decline("run-failed", "frontier_lows_ols", 1.0),
        ],
    )
    assert _rows(
        con,
        "select run_id, as_of, tier_label, method, factor_per_year, ci90_low, ci90_high "
        "from marts.latest_decline_rates order by method",
    ) == [
        ("run-current", CURRENT_AS_OF, "MMLU at GPT-4 level", "frontier_lows_ols", 40.0, 20.0, 80.0),
        ("run-current", CURRENT_AS_OF, "MMLU at GPT-4 level", "monthly_index_loglinear_ols_hac", 10.0, 5.0, 20.0),
    ]


def _batch(batch_id: str, feed: str, fetched: dt.datetime, status: str, loaded: int, quarantined: int) -> dict:
    return {
        "batch_id": batch_id,
        "feed": feed,
        "source": f"{feed}.file",
        "fetched_at": fetched,
        "sha256": batch_id,
        "rows_in": loaded + quarantined,
        "rows_loaded": loaded,
        "rows_quarantined": quarantined,
        "rows_duplicate": 0,
        "status": status,
        "message": "",
        "finished_at": fetched,
    }


def test_feed_status_reports_last_good_batch_totals_and_staleness(con):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    _insert(
        con,
        "meta.ingest_batches",
        [
            _batch("lite-1", "litellm", dt.datetime(2025, 1, 1), "loaded", 100, 2),
            _batch("lite-2", "litellm", dt.datetime(2025, 2, 1), "loaded", 50, 1),
            _batch("lite-3", "litellm", dt.datetime(2025, 3, 1), "failed", 0, 30),
            _batch("chips-1", "epoch_chips", dt.datetime(2025, 1, 5), "loaded", 10, 0),
        ],
    )
    _insert(
        con,
        "meta.fetch_state",
        [
            {
                "feed": "litellm",
                "url": "https://example.invalid/prices.json",
                "last_attempt_at": now,
                "last_success_at": now - dt.timedelta(days=3),
                "last_status": "failed",
                "last_error": "HTTP 503",
            }
        ],
    )
    rows = _rows(
        con,
        "select feed, last_good_batch, last_good_rows_loaded, last_batch_status, batches, failed_batches, "
        "rows_loaded, rows_quarantined, stale, stale_days, fetch_error from marts.feed_status order by feed",
    )
    assert rows == [
        ("epoch_chips", "chips-1", 10, "loaded", 1, 0, 10, 0, False, None, None),
        ("litellm", "lite-2", 50, "failed", 3, 1, 150, 33, True, pytest.approx(3.0, abs=0.05), "HTTP 503"),
    ]


def _price_row(batch_id: str, observed_on: dt.date) -> dict:
    return {
        "source": "litellm",
        "provider": "p",
        "model": "m",
        "model_version": "",
        "observed_on": observed_on,
        "blended_usd_per_mtok": 1.0,
        "provenance": "test",
        "batch_id": batch_id,
    }


def test_feed_freshness_gives_data_through_its_age_and_stale_against_the_threshold(con):
    today = dt.datetime.now(dt.UTC).date()
    _insert(
        con,
        "meta.ingest_batches",
        [
            _batch("lite-1", "litellm", dt.datetime(2025, 1, 1), "loaded", 1, 0),
            _batch("lite-2", "litellm", dt.datetime(2025, 2, 1), "loaded", 1, 0),
            _batch("epoch-1", "epoch_prices", dt.datetime(2025, 2, 1), "loaded", 1, 0),
        ],
    )
    _insert(
        con,
        "staging.token_prices",
        [
            _price_row("lite-1", today - dt.timedelta(days=40)),
            _price_row("lite-2", today - dt.timedelta(days=10)),
            {**_price_row("epoch-1", today - dt.timedelta(days=3)), "source": "epoch_api_prices"},
        ],
    )
    _insert(
        con,
        "meta.freshness_thresholds",
        [
            {"feed": "litellm", "max_age_days": 7, "why": "daily"},
            {"feed": "epoch_prices", "max_age_days": 120, "why": "irregular"},
        ],
    )
    freshness = _rows(con, "select feed, family, data_through, age_days, max_age_days, stale from marts.feed_freshness")
    assert sorted(freshness) == [
        ("epoch_prices", "token prices", today - dt.timedelta(days=3), 3, 120, False),
        ("litellm", "token prices", today - dt.timedelta(days=10), 10, 7, True),
    ]
    # The fetches succeeded; litellm is stale because its newest price is older than 7 days.
    status = _rows(con, "select feed, data_through, data_age_days, stale, stale_reason from marts.feed_status")
    assert sorted(status) == [
        ("epoch_prices", today - dt.timedelta(days=3), 3, False, ""),
        ("litellm", today - dt.timedelta(days=10), 10, True, "newest data 10 days old (threshold 7)"),
    ]
    at_date = _rows(
        con, f"select feed, age_days, stale from marts.feed_freshness_as_of(date '{today - dt.timedelta(days=9)}')"
    )
    assert sorted(at_date) == [("epoch_prices", -6, False), ("litellm", 1, False)]
    # A forecast run states the gap per family: the newest over all feeds, and who is stale.
    assert data_gap_notes(con, today) == [
        f"token prices: data through {today - dt.timedelta(days=3)}, 3 days before the as-of date {today} "
        "(stale: litellm)"
    ]


def test_every_view_states_its_grain(con):
    comments = dict(_rows(con, "select view_name, comment from duckdb_views() where schema_name = 'marts'"))
    for view in VIEWS:
        assert comments.get(view, "").startswith("One row per"), view


def test_views_are_readable_from_the_read_only_published_copy(published):
    con = duckdb.connect(str(published.published_db), read_only=True)
    try:
        for view in VIEWS:
            assert con.execute(f"select count(*) from marts.{view}").fetchall()[0][0] > 0, view
        status = con.execute("select feed, stale, data_age_days > max_age_days from marts.feed_status").fetchall()
    finally:
        con.close()
    # No fetch failed: a feed is stale exactly when its bundled data is older than its threshold.
    assert sorted(feed for feed, _, _ in status) == sorted(f.feed_id for f in FEEDS.values() if snapshot_files(f))
    assert all(stale == too_old for _, stale, too_old in status)
