"""Charts as inline SVG (vector in HTML and in PDF), drawn with matplotlib."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import polars as pl

BENCHMARK_LABELS = {
    "mmlu": "MMLU",
    "gpqa_diamond": "GPQA Diamond",
    "humaneval": "HumanEval",
    "math_500": "MATH-500",
    "math_level_5": "MATH level 5",
    "chatbot_arena_elo": "Chatbot Arena Elo",
}

# Deterministic SVG output: fixed ids and no timestamp, so the same data renders the same.
plt.rcParams["svg.hashsalt"] = "infercast"
plt.rcParams["svg.fonttype"] = "path"


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def price_index_fans(index: pl.DataFrame, values: pl.DataFrame, source_line: str) -> str:
    """Small multiples, one panel per benchmark: each tier's index and its forecast fan."""
    benchmarks = [b for b in BENCHMARK_LABELS if b in set(index["benchmark"].to_list())]
    columns = 2
    rows = max(1, math.ceil(len(benchmarks) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(11, 3.6 * rows), squeeze=False)
    colours = plt.get_cmap("tab10").colors  # type: ignore[attr-defined]
    for position, benchmark in enumerate(benchmarks):
        axis = axes[position // columns][position % columns]
        tiers = index.filter(pl.col("benchmark") == benchmark)
        for number, ((tier_id,), series) in enumerate(
            tiers.sort("month").group_by("tier_id", maintain_order=True)
        ):
            colour = colours[number % len(colours)]
            label = str(series["threshold_model"][0] or tier_id)
            axis.step(
                series["month"].to_list(),
                series["cheapest_blended_usd_per_mtok"].to_list(),
                where="post",
                color=colour,
                linewidth=1.6,
                label=f"≥ {label}",
            )
            fan = values.filter(pl.col("series_id") == tier_id).sort("ds")
            if fan.height:
                days = fan["ds"].to_list()
                axis.fill_between(
                    days,
                    fan["lo_95"].to_list(),
                    fan["hi_95"].to_list(),
                    color=colour,
                    alpha=0.12,
                    linewidth=0,
                )
                axis.fill_between(
                    days,
                    fan["lo_80"].to_list(),
                    fan["hi_80"].to_list(),
                    color=colour,
                    alpha=0.25,
                    linewidth=0,
                )
                axis.plot(days, fan["mean"].to_list(), color=colour, linestyle="--", linewidth=1.2)
        axis.set_yscale("log")
        axis.set_title(f"{BENCHMARK_LABELS[benchmark]} tiers", fontsize=10)
        axis.set_ylabel("USD per 1M tokens (3:1 blend, log)")
        axis.set_xlabel("month")
        axis.xaxis.set_major_locator(mdates.YearLocator())
        axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        axis.grid(True, which="major", alpha=0.3)
        axis.legend(fontsize=7, loc="lower left")
    for position in range(len(benchmarks), rows * columns):
        axes[position // columns][position % columns].axis("off")
    figure.text(0.01, -0.01, source_line, fontsize=7, color="#555555")
    figure.tight_layout()
    return _svg(figure)
