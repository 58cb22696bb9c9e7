"""Cost per task: what a benchmark question costs, how fast that falls at constant quality next to
the price of a token, and the cost-quality frontier over time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from reports import charts
from reports import formatting as fmt
from reports.charts import BENCHMARK_LABELS
from reports.context import ReportContext, empty_note
from reports.sections.base import Chart, Section

SECTION_ID = "cost-per-task"
TITLE = "Cost per task"
SMALL_N = 20
# Frontier snapshots drawn: the start of each half-year, and the last month with prices.
SNAPSHOT_MONTHS = (dt.date(2024, 1, 1), dt.date(2024, 7, 1), dt.date(2025, 1, 1), dt.date(2025, 7, 1))
COST_FEEDS = ("epoch_models", "epoch_prices", "litellm")
# Two panels a row: a panel of the frontier chart still prints about 2.5 inches wide on A4.
FRONTIER_COLUMNS = 2
# The last snapshot's runs: (is_reasoning, marker, face colour, legend label).
RUN_COLOUR = "#333333"
RUN_MARKERS = ((True, "o", RUN_COLOUR, "reasoning run"), (False, "s", "none", "non-reasoning run"))


def influence(row: dict[str, Any]) -> str:
    """A warning when the latest low alone moves the factor more than twofold."""
    factor, without = row.get("factor_per_year"), row.get("factor_without_last_low")
    if factor is None or without is None or max(factor, without) / min(factor, without) <= 2:
        return ""
    return (
        f" One row decides it: without the latest low ({row['last_low']}) the factor is {fmt.factor(without)}, "
        f"not {fmt.factor(factor)}."
    )


def explanation(row: dict[str, Any]) -> str:
    """The token-multiplier reading of one tier's two factors, with n in the same sentence."""
    factor, token = row["factor_per_year"], row["per_token_factor_per_year"]
    if factor is None:
        return f"No cost-per-task factor: {row['note']}."
    small = " (fewer than 20 observations: read it as indicative)" if row["n"] < SMALL_N else ""
    if token is None:
        return (
            f"Cost per question divides by {fmt.factor(factor)} a year on n = {row['n']} new lows{small}; "
            f"no per-token factor for this tier to compare ({row['note']})."
        )
    implied = token / factor
    if implied > 1.05:
        tokens = (
            f"the runs setting new cost lows use about {fmt.factor(implied)} more tokens per question each year "
            "than the price-per-token trend alone implies"
        )
    elif implied < 1 / 1.05:
        tokens = (
            f"the runs setting new cost lows use about {fmt.factor(1 / implied)} fewer tokens per question each year "
            "than the price-per-token trend alone implies"
        )
    else:
        tokens = "tokens per question of the cheapest qualifying runs hardly change"
    return (
        f"Cost per question divides by {fmt.factor(factor)} a year against {fmt.factor(token)} for the price of a "
        f"token (ratio {fmt.factor(row['per_task_to_per_token_ratio'])}): since cost = price per token x tokens per "
        f"question, {tokens}; n = {row['n']} cost lows and {row['per_token_n']} price lows{small}, and the two sets "
        "of lows need not be the same models."
    )


def snapshot_months(available: list[dt.date]) -> list[dt.date]:
    present = sorted(set(available))
    if not present:
        return []
    chosen = [m for m in SNAPSHOT_MONTHS if m in present]
    last_in_2025 = max((m for m in present if m.year <= 2025), default=present[-1])
    return sorted({*chosen, last_in_2025})


def _frontier_panel(axis: Axes, rows: pl.DataFrame, latest: pl.DataFrame, months: list[dt.date], task: str) -> None:
    """One task: a stepped frontier per snapshot month, and the last snapshot's runs as markers."""
    for number, month in enumerate(months):
        points = rows.filter(pl.col("month") == month).sort("frontier_rank")
        if points.height == 0:
            continue
        axis.step(
            points["cost_usd_per_sample"].to_list(),
            points["score"].to_list(),
            where="post",
            color=charts.colour(number),
            linewidth=1.4,
        )
    for flag, marker, face, _label in RUN_MARKERS:
        group = latest.filter(pl.col("is_reasoning") == flag)
        axis.scatter(
            group["cost_usd_per_sample"].to_list(),
            group["score"].to_list(),
            marker=marker,
            facecolors=face,
            edgecolors=RUN_COLOUR,
            s=18,
            linewidths=0.8,
            zorder=3,
        )
    axis.set_xscale("log")
    axis.set_xlabel("USD per question (log)")
    charts.first_column_ylabel(axis, "score (%)")
    charts.title(axis, task)
    axis.grid(True, alpha=0.3)


def _frontier_handles(months: list[dt.date]) -> list[Line2D]:
    """The legend entries, the same for every panel: the run markers, then one colour per snapshot month.

    Markers first: the legend fills column by column, so they share the first column and the months
    read in order after them."""
    lines = [
        Line2D([], [], color=charts.colour(number), linewidth=1.4, label=f"frontier {fmt.month(month)}")
        for number, month in enumerate(months)
    ]
    markers = [
        Line2D(
            [],
            [],
            marker=marker,
            linestyle="none",
            markerfacecolor=face,
            markeredgecolor=RUN_COLOUR,
            markersize=5,
            label=f"{label} ({fmt.month(months[-1])})",
        )
        for _flag, marker, face, label in RUN_MARKERS
    ]
    return [*markers, *lines]


def frontier_chart(frontier: pl.DataFrame, runs: pl.DataFrame) -> charts.Drawing:
    """Per task (panel): the Pareto frontier of score against cost per question at each snapshot month;
    the last snapshot's runs are marked reasoning (filled) or not (open)."""
    tasks = sorted(set(frontier["task"].to_list()))
    months = snapshot_months(frontier["month"].to_list())
    fig, axes = charts.panels(len(tasks), columns=FRONTIER_COLUMNS)
    for axis, task in zip(axes, tasks, strict=True):
        latest = runs.filter((pl.col("task") == task) & (pl.col("month") == months[-1]) & pl.col("score").is_not_null())
        _frontier_panel(axis, frontier.filter(pl.col("task") == task), latest, months, task)
    charts.panel_legend(fig, _frontier_handles(months), fan=False)
    return charts.drawing(fig, tight=False)


def _with_forecast(ctx: ReportContext, latest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    values = ctx.values("cost_per_task")
    for row in latest:
        month = row["month"]
        target = dt.date(month.year + 1, month.month, 1)
        ahead = values.filter((pl.col("series_id") == row["tier_id"]) & (pl.col("ds") == target))
        row["forecast"] = ahead.row(0, named=True) if ahead.height else None
        row["forecast_month"] = target
    return latest


def build(ctx: ReportContext) -> Section:
    section = Section(SECTION_ID, TITLE, "sections/cost_per_task.html.j2")
    source = ctx.citation(*[f for f in COST_FEEDS if ctx.feed(f)] or ["epoch_models"])
    section.data["source"] = source
    coverage = ctx.query(
        "select (select count(*) from staging.eval_token_usage) as runs, "
        "count(distinct (model, task)) as priced_runs, "
        "count(distinct (model, task)) filter (where score is not null) as scored_runs, "
        "count(distinct (model, task)) filter (where price_choice = 'first_party') as first_party_runs, "
        "min(month) as first_month, max(month) as last_month from marts.cost_per_task"
    )
    section.data["coverage"] = coverage.row(0, named=True)
    declines = ctx.frame("cost_decline_rates", ctx.run_id).to_dicts()
    for row in declines:
        row["benchmark_label"] = BENCHMARK_LABELS.get(row["benchmark"], row["benchmark"])
        latest_low = f" Latest new low: {row['last_low']}." if row["last_low"] else ""
        row["explanation"] = explanation(row) + (influence(row) or latest_low)
    section.data["declines"] = declines
    fitted = [row["n"] for row in declines if row["n"] is not None]
    section.data["max_n"] = max(fitted) if fitted else None
    if not declines:
        section.note("declines", empty_note("forecast.cost_decline_rates", ctx.run_id))
    section.data["latest"] = _with_forecast(ctx, ctx.frame("cost_index_latest").to_dicts())
    frontier = ctx.query("select * from marts.cost_quality_frontier order by task, month, frontier_rank")
    if frontier.height:
        runs = ctx.query(
            "select task, month, score, cost_usd_per_sample, is_reasoning from marts.cost_per_task "
            "where score is not null"
        )
        section.data["chart"] = Chart(
            frontier_chart(frontier, runs),
            source + " Tables: marts.cost_quality_frontier, marts.cost_per_task.",
            "Cost-quality frontier per task at half-yearly snapshots",
        )
        last = frontier["month"].max()
        section.data["frontier_last"] = (
            frontier.filter(pl.col("month") == last).sort("task", "frontier_rank").to_dicts()
        )
    else:
        section.note("chart", "marts.cost_quality_frontier has no rows")
    multiplier = ctx.frame("token_multiplier", ctx.run_id).filter(pl.col("task") == "all")
    section.data["multiplier"] = multiplier.row(0, named=True) if multiplier.height else None
    return section
