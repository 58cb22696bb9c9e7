"""The "Cost per task" section: the decline table as stored, the comparison in words, the frontier chart."""

from __future__ import annotations

import datetime as dt
import re

from reports import formatting as fmt
from reports.sections.cost_per_task import explanation, influence, snapshot_months
from tests.reports.test_html_report import section_text

SECTION = "cost-per-task"


def test_section_shows_every_stored_cost_factor_next_to_its_per_token_factor(full, full_html, warehouse):
    text = section_text(full_html, SECTION)
    rows = full.execute(
        "select factor_per_year, ci90_low, ci90_high, per_token_factor_per_year, note "
        "from forecast.cost_decline_rates where run_id = ?",
        [warehouse.run_id],
    ).fetchall()
    assert rows, "the forecast stage wrote no cost decline rows"
    for factor, low, high, token, note in rows:
        if factor is None:
            assert note in text
        else:
            assert f"{fmt.factor(factor)} {fmt.factor_range(low, high)}" in text
        if token is not None and factor is not None:
            assert f"divides by {fmt.factor(factor)} a year against {fmt.factor(token)}" in text


def test_section_draws_the_frontier_chart_and_counts_priced_runs(full, full_html):
    match = re.search(rf'<section id="section-{SECTION}">(.*?)</section>', full_html, flags=re.DOTALL)
    assert match and "<svg" in match.group(1)
    priced = full.execute("select count(distinct (model, task)) from marts.cost_per_task").fetchone()
    runs = full.execute("select count(*) from staging.eval_token_usage").fetchone()
    assert priced and runs
    assert f"{priced[0]} of {runs[0]} runs (model × task) have both token counts and a price" in section_text(
        full_html, SECTION
    )


def test_explanation_states_the_token_multiplier_and_small_n():
    row = {
        "factor_per_year": 10.0,
        "per_token_factor_per_year": 40.0,
        "per_task_to_per_token_ratio": 0.25,
        "n": 5,
        "per_token_n": 7,
        "note": None,
    }
    text = explanation(row)
    # 40 / 10: the cheapest qualifying runs use 4x more tokens per question each year.
    assert f"about {fmt.factor(4.0)} more tokens per question each year" in text
    assert "n = 5 cost lows and 7 price lows (fewer than 20 observations" in text
    assert explanation({**row, "factor_per_year": None, "note": "cost per task: only 2 frontier low(s)"}) == (
        "No cost-per-task factor: cost per task: only 2 frontier low(s)."
    )


def test_snapshots_are_half_years_present_plus_the_last_month_of_2025():
    months = [dt.date(2024, 1, 1), dt.date(2024, 7, 1), dt.date(2025, 3, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1)]
    assert snapshot_months(months) == [dt.date(2024, 1, 1), dt.date(2024, 7, 1), dt.date(2025, 12, 1)]
    assert snapshot_months([]) == []


def test_influence_warns_only_when_the_latest_low_moves_the_factor_twofold():
    row = {"factor_per_year": 100.0, "factor_without_last_low": 10.0, "last_low": "m: $1e-06 per question at p x"}
    assert influence(row) == (
        f" One row decides it: without the latest low (m: $1e-06 per question at p x) the factor is "
        f"{fmt.factor(10.0)}, not {fmt.factor(100.0)}."
    )
    assert influence({**row, "factor_without_last_low": 60.0}) == ""
    assert influence({**row, "factor_without_last_low": None}) == ""


def test_latest_cost_table_names_tiers_and_prints_no_zero_width_interval(full, full_html):
    # On main the table listed raw ids (gpqa_claude35_sonnet_2024_06) and a flat series' band as
    # "($0.00967–$0.00967)", an interval of no width 12 months ahead.
    text = section_text(full_html, SECTION)
    tiers = full.execute(
        "select distinct i.tier_id, t.label from marts.cost_per_task_index as i "
        "join marts.capability_tiers as t using (tier_id)"
    ).fetchall()
    assert tiers
    table = text[text.index("Cheapest question at each tier") :]
    for tier_id, label in tiers:
        assert label in table and f" {tier_id} " not in f" {table} "
    assert not re.search(r"\((\$[0-9.]+)–\1\)", text)
