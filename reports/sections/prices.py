"""Token prices: the constant-capability price index and the frontier price, with forecast fans."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from matplotlib.lines import Line2D

from reports import charts
from reports import formatting as fmt
from reports.charts import BENCHMARK_LABELS
from reports.context import ReportContext, empty_note
from reports.sections.base import Chart, Headline, Section

# The frontier benchmark the executive summary quotes, hardest first.
HEADLINE_BENCHMARKS = ("gpqa_diamond", "chatbot_arena_elo", "mmlu")
PRICE_FEEDS = ("epoch_prices", "litellm", "openrouter")
# Three panels a row: a benchmark's five tiers fit two rows, and a panel still reads at A4 width.
TIER_COLUMNS = 3


def _month_ahead(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _price_panel(
    axis: Any,
    days: list[dt.date],
    prices: list[float],
    fan: pl.DataFrame,
    colour: str,
    *,
    ylabel: str,
    heading: str,
    as_of: dt.date,
) -> None:
    """One monthly price series (stepped) and its forecast fan, starting from the last price."""
    axis.step(days, prices, where="post", color=colour, linewidth=1.5)
    charts.draw_fan(axis, fan, colour, anchor=charts.last_point(days, prices))
    charts.log_time_panel(axis, ylabel=ylabel, heading=heading, date_label="month", as_of=as_of)


def frontier_chart(history: pl.DataFrame, values: pl.DataFrame, as_of: dt.date) -> charts.Drawing:
    """One panel per benchmark on a shared price scale, so each fan is read on its own."""
    benchmarks = [b for b in BENCHMARK_LABELS if b in set(history["benchmark"].to_list())]
    fig, axes = charts.panels(max(1, len(benchmarks)))
    for number, (benchmark, axis) in enumerate(zip(benchmarks, axes, strict=False)):
        series = history.filter(pl.col("benchmark") == benchmark).sort("month")
        _price_panel(
            axis,
            series["month"].to_list(),
            series["blended_usd_per_mtok"].to_list(),
            values.filter(pl.col("series_id") == benchmark),
            charts.colour(number),
            ylabel="USD per 1M tokens (3:1 blend, log)",
            heading=f"Top {BENCHMARK_LABELS[benchmark]} model with a price",
            as_of=as_of,
        )
    charts.panel_legend(fig, [Line2D([], [], color="#555555", linewidth=1.5, label="price (history)")])
    return charts.drawing(fig, tight=False)


def tier_chart(tiers: pl.DataFrame, values: pl.DataFrame, as_of: dt.date) -> charts.Drawing:
    """One benchmark's tiers, one panel per tier on a shared price scale: each fan is read on its own."""
    tiers = tiers.sort("threshold_score", "tier_id", "month")
    groups = list(tiers.group_by("tier_id", maintain_order=True))
    fig, axes = charts.panels(len(groups), columns=TIER_COLUMNS, panel_height=2.2)
    for number, (((tier_id,), series), axis) in enumerate(zip(groups, axes, strict=True)):
        _price_panel(
            axis,
            series["month"].to_list(),
            series["cheapest_blended_usd_per_mtok"].to_list(),
            values.filter(pl.col("series_id") == tier_id),
            charts.colour(number),
            ylabel="USD per 1M tokens (log)",
            heading=f"{series['threshold_model'][0] or tier_id} (score ≥ {fmt.sig3(series['threshold_score'][0])})",
            as_of=as_of,
        )
    charts.panel_legend(fig, [Line2D([], [], color="#555555", linewidth=1.5, label="cheapest price (history)")])
    return charts.drawing(fig, tight=False)


def index_benchmarks(index: pl.DataFrame) -> list[str]:
    """The benchmarks of the price index, in the order of BENCHMARK_LABELS, then any others."""
    present = set(index["benchmark"].to_list())
    return [b for b in BENCHMARK_LABELS if b in present] + sorted(present - set(BENCHMARK_LABELS))


def tier_charts(ctx: ReportContext, index: pl.DataFrame, values: pl.DataFrame, source: str) -> list[Chart]:
    """A chart per benchmark, so that a page can break between them."""
    benchmarks = index_benchmarks(index)
    first = BENCHMARK_LABELS.get(benchmarks[0], benchmarks[0]) if benchmarks else ""
    return [
        Chart(
            tier_chart(index.filter(pl.col("benchmark") == benchmark), values, ctx.run.as_of),
            (source if number == 0 else f"Source: as for the {first} tiers above; infercast forecast run {ctx.run_id}.")
            + " Tables: marts.price_index, forecast.values (target price_index).",
            f"{BENCHMARK_LABELS.get(benchmark, benchmark)}: cheapest price per capability tier, monthly, "
            "with forecast fans",
        )
        for number, benchmark in enumerate(benchmarks)
    ]


def frontier_trend(ctx: ReportContext) -> list[dict[str, Any]]:
    """Per benchmark: latest frontier price, the change over 12 months, and the forecast 12 months on."""
    values = ctx.values("frontier_price")
    rows = []
    for row in ctx.frame("frontier_trend").to_dicts():
        row["benchmark_label"] = BENCHMARK_LABELS.get(row["benchmark"], row["benchmark"])
        earlier = row["year_earlier_usd_per_mtok"]
        row["change_12m"] = row["blended_usd_per_mtok"] / earlier if earlier else None
        target = _month_ahead(row["month"], 12)
        ahead = values.filter((pl.col("series_id") == row["benchmark"]) & (pl.col("ds") == target))
        row["forecast"] = ahead.row(0, named=True) if ahead.height else None
        row["forecast_month"] = target
        rows.append(row)
    return rows


def headline_frontier(ctx: ReportContext) -> Headline:
    topic = "Frontier model price"
    rows = {row["benchmark"]: row for row in frontier_trend(ctx)}
    chosen = next((rows[b] for b in HEADLINE_BENCHMARKS if b in rows), None)
    if chosen is None and rows:
        chosen = rows[sorted(rows)[0]]
    if chosen is None:
        return Headline(topic, "token-prices", reason="marts.frontier_price has no rows")
    forecast = chosen["forecast"]
    change = chosen["change_12m"]
    if forecast is not None:
        uncertainty = (
            f"forecast for {fmt.month(forecast['ds'])}: {fmt.price(forecast['median'])} "
            f"(80% PI {fmt.price_range(forecast['lo_80'], forecast['hi_80'])}; "
            f"95% PI {fmt.price_range(forecast['lo_95'], forecast['hi_95'])})"
        )
        ratio = forecast["median"] / chosen["blended_usd_per_mtok"]
        direction = "stay near" if 0.98 <= ratio <= 1.02 else "fall to" if ratio < 1 else "rise to"
        meaning = (
            f"The most capable listed model's price is forecast to {direction} {fmt.price(forecast['median'])} a year "
            "on, within a wide interval because the frontier model keeps changing."
        )
    else:
        uncertainty = f"no 12-month forecast in forecast.values for {chosen['benchmark']} (run {ctx.run_id})"
        meaning = "The frontier price is shown as observed only; this run has no forecast of it."
    changed = (
        f"; {fmt.factor(change)} the price twelve months earlier ({fmt.price(chosen['year_earlier_usd_per_mtok'])}, "
        f"{chosen['year_earlier_model']}, {fmt.month(chosen['year_earlier_month'])})"
        if change
        else ""
    )
    return Headline(
        topic,
        "token-prices",
        value=(
            f"{fmt.price(chosen['blended_usd_per_mtok'])} per 1M tokens in {fmt.month(chosen['month'])} "
            f"({chosen['model']}, leader on {chosen['benchmark_label']}){changed}"
        ),
        uncertainty=uncertainty,
        basis=f"cheapest blended (3:1) listing of the highest-scoring model each month; {len(rows)} benchmark(s)",
        meaning=meaning,
        source=f"marts.frontier_price; forecast.values (target frontier_price), run {ctx.run_id}",
    )


def build(ctx: ReportContext) -> Section:
    section = Section(
        "token-prices", "Token prices at constant capability and at the frontier", "sections/prices.html.j2"
    )
    index = ctx.frame("price_index_history")
    index_values = ctx.values("price_index")
    source = ctx.citation(*[f for f in PRICE_FEEDS if ctx.feed(f)] or ["epoch_prices"])
    if index.height:
        section.data["index_charts"] = tier_charts(ctx, index, index_values, source)
        section.data["index_labels"] = [BENCHMARK_LABELS.get(b, b) for b in index_benchmarks(index)]
        if index_values.height == 0:
            section.note("index_forecast", empty_note("forecast.values", ctx.run_id, "for target price_index"))
    else:
        section.note("index_chart", "marts.price_index has no rows")
    frontier = ctx.query("select * from marts.frontier_price order by benchmark, month")
    frontier_values = ctx.values("frontier_price")
    if frontier.height:
        section.data["frontier_chart"] = Chart(
            frontier_chart(frontier, frontier_values, ctx.run.as_of),
            source + " Tables: marts.frontier_price, forecast.values (target frontier_price).",
            "Frontier model price per benchmark with forecast fans",
        )
        section.data["frontier_rows"] = frontier_trend(ctx)
        if frontier_values.height == 0:
            section.note("frontier_forecast", empty_note("forecast.values", ctx.run_id, "for target frontier_price"))
    else:
        section.note("frontier_chart", "marts.frontier_price has no rows")
    return section
