"""The hindcast's record as one chart: how often each family's bands held what happened.

Grouped bars per family (the champion, every lead pooled): the share of outcomes inside the 80%
and the 95% bands, against the nominal 80% and 95% lines and the 70–90% goal for the 80% band.
A reader sees at once which families' bands are too narrow, without reading the table."""

from __future__ import annotations

import polars as pl
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from reports import charts

GOAL_80 = (0.70, 0.90)
BAR_COLOURS = {80: charts.colour(0), 95: charts.colour(1)}


def pooled_coverage(scores: pl.DataFrame) -> pl.DataFrame:
    """[target, n_points, coverage_80, coverage_95]: the champion's scores pooled over leads."""
    if scores.height == 0:
        return pl.DataFrame(
            schema={"target": pl.String, "n_points": pl.Int64, "coverage_80": pl.Float64, "coverage_95": pl.Float64}
        )
    return (
        scores.filter((pl.col("method") == "champion") & (pl.col("lead") == 0))
        .select("target", "n_points", "coverage_80", "coverage_95")
        .sort("target")
    )


def coverage_chart(scores: pl.DataFrame, labels: dict[str, str]) -> charts.Drawing | None:
    """None when no hindcast scores exist."""
    pooled = pooled_coverage(scores)
    if pooled.height == 0:
        return None
    fig, axis = charts.figure(10.0, 1.2 + 0.55 * pooled.height)
    size = charts.print_points(fig)
    # Horizontal bars, first family on top: long family names read on the y axis without overlap.
    positions = list(range(pooled.height, 0, -1))
    height = 0.38
    axis.axvspan(*GOAL_80, color="#cccccc", alpha=0.35, linewidth=0)
    for offset, level in ((height / 2, 80), (-height / 2, 95)):
        values = [0.0 if v is None else v for v in pooled[f"coverage_{level}"].to_list()]
        axis.barh([p + offset for p in positions], values, height, color=BAR_COLOURS[level])
        axis.axvline(level / 100, color=BAR_COLOURS[level], linestyle=":", linewidth=1.2)
    names = [f"{labels.get(t, t)} ({n} points)" for t, n in zip(pooled["target"], pooled["n_points"], strict=True)]
    axis.set_yticks(positions, names, fontsize=size)
    axis.set_xlim(0, 1.0)
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0%}"))
    axis.tick_params(axis="x", labelsize=size)
    axis.set_xlabel("outcomes inside the band", fontsize=size)
    charts.title(axis, "Hindcast: share of outcomes inside the forecast bands (every lead pooled)")
    handles = [
        Patch(color=BAR_COLOURS[80], label="inside the 80% band"),
        Patch(color=BAR_COLOURS[95], label="inside the 95% band"),
        Patch(color="#cccccc", alpha=0.35, label="goal for the 80% band (70–90%)"),
        Line2D([], [], color="#555555", linestyle=":", label="nominal 80% / 95%"),
    ]
    below_axis = -0.8 / (0.77 * fig.get_figheight())  # 0.8 in under the axes, clear of the x label
    axis.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, below_axis), ncol=2, fontsize=size, frameon=False
    )
    return charts.drawing(fig)
