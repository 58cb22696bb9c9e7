"""Charts as SVG (vector in HTML and in PDF), drawn with matplotlib.

Shared pieces live here: the figure setup, the forecast fan (80% and 95% bands around the
median), date axes and the SVG serialisation (`Drawing`); each report section draws its own
chart with them. Ids are salted with a fixed string, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from collections.abc import Sequence
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox

BENCHMARK_LABELS = {
    "mmlu": "MMLU",
    "gpqa_diamond": "GPQA Diamond",
    "humaneval": "HumanEval",
    "math_500": "MATH-500",
    "math_level_5": "MATH level 5",
    "chatbot_arena_elo": "Chatbot Arena Elo",
    "eci": "Epoch Capabilities Index",
}
PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
FORECAST_ALPHA_95 = 0.12
FORECAST_ALPHA_80 = 0.28

# Deterministic SVG output: fixed ids and no timestamp, so the same data renders the same.
plt.rcParams["svg.hashsalt"] = "infercast"
plt.rcParams["font.size"] = 9
plt.rcParams["axes.titlesize"] = 10
plt.rcParams["axes.spines.top"] = False
plt.rcParams["axes.spines.right"] = False


def colour(number: int) -> str:
    return PALETTE[number % len(PALETTE)]


def figure(width: float = 10.0, height: float = 4.2) -> tuple[Figure, Axes]:
    fig, axis = plt.subplots(figsize=(width, height))
    return fig, axis


# "paths": glyphs become paths, so a browser needs no font (the HTML report). "text": text stays
# text in DejaVu Sans, for WeasyPrint (the PDF), which lays out glyph paths several times slower
# than text, and whose PDF then has searchable chart labels.
TextMode = Literal["paths", "text"]
SVG_FONTTYPE: dict[TextMode, str] = {"paths": "path", "text": "none"}


class Drawing:
    """A finished figure, serialised to SVG on demand, once per text mode, all cut to one bounding box.

    The tight bounding box is measured once, so the screen and print SVGs frame the chart alike and
    the second SVG costs one draw instead of two. `close()` releases the figure; SVGs already made
    stay available.
    """

    def __init__(self, fig: Figure, *, tight: bool = True) -> None:
        self._figure: Figure | None = fig
        self._tight = tight
        self._bbox: Bbox | None = None
        self._svg: dict[TextMode, str] = {}

    def svg(self, text: TextMode = "paths") -> str:
        if text not in self._svg:
            self._svg[text] = self._render(text)
        return self._svg[text]

    def _render(self, text: TextMode) -> str:
        fig = self._figure
        if fig is None:
            raise RuntimeError(f"the chart was closed before its {text} SVG was made")
        if self._tight and self._bbox is None:
            fig.draw_without_rendering()
            self._bbox = fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])
        buffer = io.StringIO()
        with plt.rc_context({"svg.fonttype": SVG_FONTTYPE[text]}):
            fig.savefig(buffer, format="svg", bbox_inches=self._bbox, metadata={"Date": None})
        markup = buffer.getvalue()
        return markup[markup.index("<svg") :]

    def close(self) -> None:
        if self._figure is not None:
            plt.close(self._figure)
            self._figure = None


def drawing(fig: Figure, *, tight: bool = True) -> Drawing:
    """The finished figure; `tight=False` keeps the figure's own margins (no measuring draw)."""
    return Drawing(fig, tight=tight)


def draw_fan(axis: Axes, fan: pl.DataFrame, colour_: str, *, anchor: tuple[dt.date, float] | None = None) -> None:
    """The forecast's 95% and 80% bands and its median (dashed), starting from the last actual if given."""
    if fan.height == 0:
        return
    fan = fan.sort("ds")
    days: list[Any] = fan["ds"].to_list()
    columns = {name: fan[name].to_list() for name in ("median", "lo_80", "hi_80", "lo_95", "hi_95")}
    if anchor is not None and anchor[0] < days[0]:
        days = [anchor[0], *days]
        columns = {name: [anchor[1], *values] for name, values in columns.items()}
    axis.fill_between(days, columns["lo_95"], columns["hi_95"], color=colour_, alpha=FORECAST_ALPHA_95, linewidth=0)
    axis.fill_between(days, columns["lo_80"], columns["hi_80"], color=colour_, alpha=FORECAST_ALPHA_80, linewidth=0)
    axis.plot(days, columns["median"], color=colour_, linestyle="--", linewidth=1.3)


def fan_legend_handles(colour_: str = "#555555") -> list[Patch]:
    return [
        Patch(facecolor=colour_, alpha=FORECAST_ALPHA_80 + FORECAST_ALPHA_95, label="80% prediction interval"),
        Patch(facecolor=colour_, alpha=FORECAST_ALPHA_95, label="95% prediction interval"),
    ]


# The PDF prints a chart across the A4 text width (210 mm less 2 × 14 mm margins), so a 10-inch
# figure shrinks to about 72%: a font must be set larger than it should read on paper.
PRINT_WIDTH_IN = 182 / 25.4
MIN_PRINT_PT = 8.0


def print_points(fig: Figure, points: float = MIN_PRINT_PT) -> float:
    """The font size in the figure that prints at `points` once the figure is scaled to the A4 text width."""
    return round(points * max(1.0, fig.get_figwidth() / PRINT_WIDTH_IN), 1)


# The shared legend: at most four entries a row, and the inches above the panels it needs (one row,
# then each further row) at a print-legible font.
LEGEND_COLUMNS = 4
LEGEND_TOP_IN = 0.75
LEGEND_ROW_IN = 0.25


def panels(count: int, *, columns: int = 2, panel_height: float = 2.8) -> tuple[Figure, list[Axes]]:
    """Small multiples on one shared (log-comparable) y scale: one panel per series, so no two fans
    overlap; unused cells of the grid are hidden."""
    rows = max(1, math.ceil(count / columns))
    fig, grid = plt.subplots(rows, columns, figsize=(10, panel_height * rows + 0.9), squeeze=False, sharey=True)
    axes = [axis for row in grid for axis in row]
    for axis in axes[count:]:
        axis.axis("off")
    for axis in axes[:count]:
        # sharey hides the right column's tick labels; each panel should read on its own.
        axis.yaxis.set_tick_params(labelleft=True)
    return fig, axes[:count]


def first_column_ylabel(axis: Axes, ylabel: str) -> None:
    """Name the y axis on the first panel of a row only: the panels share its scale, and a label
    beside an inner panel would sit on its left neighbour's plot."""
    spec = axis.get_subplotspec()
    if spec is None or spec.is_first_col():
        axis.set_ylabel(ylabel)


def log_time_panel(axis: Axes, *, ylabel: str, heading: str, date_label: str, as_of: dt.date, si: bool = False) -> None:
    """The furniture of one small-multiple panel: log y axis, labels, title and the as-of marker."""
    axis.set_yscale("log")
    if si:
        si_axis(axis)
    first_column_ylabel(axis, ylabel)
    title(axis, heading)
    date_axis(axis, date_label)
    vertical_marker(axis, as_of, f"as of {as_of}")


def panel_legend(fig: Figure, handles: list[Any], *, fan: bool = True) -> None:
    """One legend for all panels, above them, legible at print size; fixed spacing (no layout pass).

    `fan=False` for charts without forecast fans, whose legend would otherwise name bands not drawn."""
    entries = [*handles, *fan_legend_handles()] if fan else list(handles)
    columns = min(LEGEND_COLUMNS, len(entries))
    fig.legend(
        handles=entries,
        loc="upper center",
        ncol=columns,
        frameon=False,
        bbox_to_anchor=(0.5, 1.0),
        fontsize=print_points(fig),
    )
    height = fig.get_figheight()
    # Each legend row past the first pushes the panels down, so the legend never reaches a panel's title.
    top = LEGEND_TOP_IN + LEGEND_ROW_IN * (math.ceil(len(entries) / columns) - 1)
    # Room at the left and between panels for tick labels in words ("100 quadrillion") and the
    # first panel's axis label.
    fig.subplots_adjust(left=0.14, right=0.98, bottom=0.9 / height, top=1 - top / height, hspace=0.6, wspace=0.4)


def legend_below(axis: Axes, *, with_fan: bool = True, columns: int = 4) -> None:
    """The legend under the plot (never over the data), with the fan's two bands if drawn."""
    handles, _ = axis.get_legend_handles_labels()
    if with_fan:
        handles = [*handles, *fan_legend_handles()]
    fig = axis.get_figure()
    size = print_points(fig) if isinstance(fig, Figure) else MIN_PRINT_PT
    axis.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        ncol=columns,
        fontsize=size,
        frameon=False,
    )


# Width of an average character of the title font, in ems (DejaVu Sans runs about 0.55).
TITLE_EM_PER_CHAR = 0.6


def title(axis: Axes, text: str) -> None:
    """The axes title, just above the axes, broken at spaces to the panel's width. An explicit
    height turns off matplotlib's automatic placement, which measures every y tick label again on
    each draw (about a third of a chart's drawing time) to dodge x tick labels on top, which these
    charts never have."""
    axis.set_title(_wrapped_to_panel(axis, text), y=1.0)


def _wrapped_to_panel(axis: Axes, text: str) -> str:
    # A dated model id and its threshold ("claude-3-5-sonnet-20240620 (score ≥ 130)") ran into the
    # next panel or off the figure. Measured from the layout's panel width, not by drawing (slow).
    points = float(axis.title.get_fontsize())
    limit = max(12, int(_panel_width_in(axis) * 72 / (TITLE_EM_PER_CHAR * points)))
    if len(text) <= limit:
        return text
    # A parenthesised qualifier goes to its own line whole rather than being split.
    head, bracket, qualifier = text.rpartition(" (")
    parts = [head, bracket.strip() + qualifier] if bracket else [text]
    return "\n".join(textwrap.fill(part, limit, break_long_words=False, break_on_hyphens=False) for part in parts)


def _panel_width_in(axis: Axes) -> float:
    """The width of a panel of the figure's grid from its layout parameters (no drawing needed)."""
    fig = axis.get_figure(root=True)
    spec = axis.get_subplotspec()
    if not isinstance(fig, Figure) or spec is None:
        return 6.0
    params, columns = fig.subplotpars, spec.get_gridspec().ncols
    return (params.right - params.left) / (columns + params.wspace * (columns - 1)) * fig.get_figwidth()


# Room one year label ("2024") needs on the x axis at the charts' tick font, in inches.
YEAR_LABEL_IN = 0.45


def date_axis(axis: Axes, label: str = "date") -> None:
    """Years on the x axis: every year, or every second or third when the panel is too narrow
    for all of them (seven labels in a two-inch panel ran together as "2022202320242025")."""
    first, last = axis.dataLim.intervalx
    years = (last - first) / 365.25 if math.isfinite(first) and math.isfinite(last) else 0.0
    room = max(2, int(_panel_width_in(axis) / YEAR_LABEL_IN))
    axis.xaxis.set_major_locator(mdates.YearLocator(base=max(1, math.ceil((years + 1) / room))))
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axis.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    axis.set_xlabel(label)
    axis.grid(True, which="major", alpha=0.3)


# Tick labels in words ("100 trillion"), not SI-like letters an investor must decode ("100T", "1Q").
TICK_SCALES = ((1e15, "quadrillion"), (1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _si_tick(value: float, _position: float) -> str:
    if value <= 0 or not math.isfinite(value):
        return ""
    for scale, word in TICK_SCALES:
        if value >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def si_axis(axis: Axes, prefix: str = "") -> None:
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, p: prefix + _si_tick(v, p) if _si_tick(v, p) else ""))


def vertical_marker(axis: Axes, day: dt.date, text: str) -> None:
    """A dotted line at `day`, labelled beside it on the side with room: right of a line in the left
    half of the axes, left of one in the right half (a label right of a late line ran off the panel)."""
    axis.axvline(day, color="#777777", linewidth=0.8, linestyle=":")  # type: ignore[arg-type]
    low, high = axis.get_xlim()
    late = high > low and (mdates.date2num(day) - low) / (high - low) > 0.5
    axis.annotate(
        text,
        xy=(mdates.date2num(day), 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(-3 if late else 3, -10),
        textcoords="offset points",
        horizontalalignment="right" if late else "left",
        fontsize=7,
        color="#555555",
    )


def last_point(days: Sequence[dt.date], values: Sequence[float]) -> tuple[dt.date, float] | None:
    pairs = [(d, v) for d, v in zip(days, values, strict=True) if v is not None]
    return pairs[-1] if pairs else None
