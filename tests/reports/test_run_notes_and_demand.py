"""The data-quality section's lists from the run's message (failed checks apart from skipped series),
and the token-demand skip notes agreeing with the demand section on what was counted."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from collections.abc import Iterator

import duckdb
import pytest

from reports.html_report import render_html
from tests.reports.conftest import AS_OF, GENERATED_AT
from warehouse.migrate import apply_migrations

RUN_ID = "run-notes"
UTILIZATION = (
    "bull 2027: demand would need 193% of inference capacity; marked inconsistent (not a forecast)",
    "bull 2028: demand would need 1931% of inference capacity; marked inconsistent (not a forecast)",
)
PARTS = "shipped_h100e/AMD: 5 of 60 bounds above all's (worst hi_95 on 2028-10-01, 3.9x); capped at all's"
SKIPS = (
    "gpqa_o1_2024_12 (frontier lows): only 2 frontier low(s) at or above 76.8 (need 3)",
    "token_demand/DeepSeek: only 1 report(s) (need 3)",
)
GAP = "capability scores: data through 2025-11-30, 368 days before the as-of date 2026-12-03 (stale: epoch_models)"
NOTES = [
    *SKIPS,
    GAP,
    *(f"check utilization_within_capacity failed: {m}" for m in UTILIZATION),
    f"check parts_within_total failed: {PARTS}",
]


def _text(fragment: str, tag: str = " ") -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", tag, fragment)).split())


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="section-{section_id}">(.*?)</section>', html, flags=re.DOTALL)
    assert match, section_id
    return match.group(1)


def _bullets(html: str, heading: str) -> list[str]:
    """The items of the list under a warning heading of the data-quality section."""
    match = re.search(rf"<strong>{re.escape(heading)}</strong>.*?<ul>(.*?)</ul>", _section(html, "warnings"), re.DOTALL)
    return [_text(item, "") for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.DOTALL)] if match else []


@pytest.fixture(params=["one note a line", "older message joined with '; '"])
def noted(request) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    separator = "\n" if request.param == "one note a line" else "; "
    con.execute(
        "insert into forecast.runs values (?, ?, ?, ?, ?, 'success', ?)",
        [RUN_ID, AS_OF, dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 1, 0, 5), json.dumps([]), separator.join(NOTES)],
    ).fetchall()
    yield con
    con.close()


def test_failed_checks_are_listed_apart_from_skipped_series_each_with_its_consequence(noted, feeds):
    html = render_html(noted, RUN_ID, feeds=feeds, generated_at=GENERATED_AT)
    assert _bullets(html, "Series skipped by the run") == list(SKIPS)
    assert _bullets(html, "Checks that failed, and what the run did about them") == [
        *(f"utilization_within_capacity: {m}" for m in UTILIZATION),
        f"parts_within_total: {PARTS}",
    ]


# The pipeline's own run (tests/reports/conftest.py `warehouse`) on the bundled usage reports.


def _per_company(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
    """company -> (reports, products, most reports of any one product)."""
    rows = con.execute(
        "select company, sum(n), count(*), max(n) from "
        "(select company, product, count(*) as n from marts.token_demand group by all) group by company"
    ).fetchall()
    return {company: (int(total), int(products), int(most)) for company, total, products, most in rows}


def _own_fits(con: duckdb.DuckDBPyConnection, run_id: str) -> set[str]:
    rows = con.execute(
        "select series_id from forecast.growth_rates where run_id = ? and target = 'token_demand' "
        "and series_id <> 'pooled'",
        [run_id],
    ).fetchall()
    return {row[0] for row in rows}


def test_token_demand_skips_say_what_they_counted(con, warehouse, pipeline_html):
    skipped = {item.split(": ", 1)[0]: item for item in _bullets(pipeline_html, "Series skipped by the run")}
    counts = _per_company(con)
    unfitted = [c for c in counts if c not in _own_fits(con, warehouse.run_id)]
    assert any(counts[c][1] > 1 for c in unfitted), "the bundled reports have a skipped company of several products"
    for company in unfitted:
        total, products, most = counts[company]
        item = skipped[f"token_demand/{company}"]
        reports = f"{most} report{'' if most == 1 else 's'}"
        if products > 1:
            assert f"only {reports} of any one product (need 3 of one product" in item
            assert f"its {total} reports across {products} products all enter the pooled fit" in item
        else:
            assert f"only {reports} (need 3 of one product" in item


def test_demand_section_says_which_reports_each_fit_uses(con, warehouse, pipeline_html):
    text = _text(re.sub(r"<svg.*?</svg>", " ", _section(pipeline_html, "token-demand"), flags=re.DOTALL))
    counts = _per_company(con)
    fitted = _own_fits(con, warehouse.run_id)
    for company, (total, products, most) in counts.items():
        if products > 1:
            assert f"{company} {total} of {products} products, at most {most} of any one" in text
    assert f"All {sum(c[0] for c in counts.values())} enter the pooled fit" in text
    unfitted = [c for c in counts if c not in fitted]
    if unfitted:
        most = max(counts[c][2] for c in unfitted)
        assert f"at most {most} report{'' if most == 1 else 's'} of any one product, so none" in text
    summary = _text(_section(pipeline_html, "executive-summary"))
    assert "companies have enough for a growth fit" not in summary
    assert f"{len(fitted)} compan{'y' if len(fitted) == 1 else 'ies'} ({', '.join(sorted(fitted))})" in summary
