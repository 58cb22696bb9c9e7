"""Charts: labelled axes with units, log scales for exponential series, a legend that names the bands."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.transforms import Bbox

from reports import charts
from reports.context import ReportContext, feed_infos, load_run
from reports.sections import adoption, compute, cost_per_task, demand, prices, revenue
from tests.reports.conftest import GENERATED_AT

# A panel narrower than this at A4 print width is too small to read its points.
MIN_PANEL_PRINT_IN = 2.5


@pytest.fixture
def figures(monkeypatch):
    """Charts are captured as matplotlib figures instead of being serialised (which is slow)."""
    captured: list[plt.Figure] = []

    def keep(fig, *, tight=True):
        captured.append(fig)
        return charts.Drawing(fig, tight=tight)

    monkeypatch.setattr(charts, "drawing", keep)
    yield captured
    for fig in captured:
        plt.close(fig)


@pytest.fixture
def ctx(full, warehouse, feeds) -> ReportContext:
    return ReportContext(full, load_run(full, warehouse.run_id), feed_infos(feeds), GENERATED_AT)


def _drawn_axes(fig: plt.Figure):
    return [axis for axis in fig.axes if axis.axison]


@pytest.mark.parametrize(
    ("builder", "log_y", "y_words"),
    [
        (prices.build, True, "USD per 1M tokens"),
        (compute.build, True, "H100-equivalents"),
        (revenue.build, True, "USD per quarter"),
        (demand.build, True, "tokens per day"),
        (adoption.build, False, "share of new model releases"),
    ],
)
def test_each_family_chart_has_units_scales_and_legend(figures, ctx, builder, log_y, y_words):
    builder(ctx)
    assert figures
    for fig in figures:
        axes = _drawn_axes(fig)
        assert axes
        for axis in axes:
            assert axis.get_xlabel(), "x axis without a label"
            spec = axis.get_subplotspec()
            # Small multiples share the y scale: the first panel of each row names it.
            assert (y_words in axis.get_ylabel()) if spec is None or spec.is_first_col() else not axis.get_ylabel()
            assert (axis.get_yscale() == "log") is log_y
            assert axis.get_title()
        legends = [axis.get_legend() for axis in axes] + list(fig.legends)
        texts = [t.get_text() for legend in legends if legend for t in legend.get_texts()]
        assert "80% prediction interval" in texts and "95% prediction interval" in texts


def test_every_chart_has_a_source_line_under_it(full, full_html, warehouse):
    charts_and_sources = re.findall(r'</svg>\s*</figure>\s*<p class="source">([^<]*)</p>', full_html)
    (benchmarks,) = full.execute("select count(distinct benchmark) from marts.price_index").fetchall()[0]
    assert len(charts_and_sources) == full_html.count("<figure") == benchmarks + 6
    for source in charts_and_sources:
        assert source.startswith("Source: ") and warehouse.run_id in source and "Table" in source


def _small_chart() -> charts.Drawing:
    fig, axis = charts.figure(6, 3)
    axis.plot([1, 2, 3], [1, 4, 9], label="series")
    axis.set_xlabel("x label")
    charts.title(axis, "A small chart")
    charts.legend_below(axis, with_fan=False)
    return charts.drawing(fig)


def _frame(svg: str) -> tuple[str, ...]:
    match = re.search(r'<svg[^>]*\bwidth="([^"]+)" height="([^"]+)" viewBox="([^"]+)"', svg)
    assert match, svg[:300]
    return match.groups()


def test_screen_svg_draws_text_as_paths_and_print_svg_keeps_it_as_text():
    drawing = _small_chart()
    try:
        screen, printed = drawing.svg("paths"), drawing.svg("text")
    finally:
        drawing.close()
    # matplotlib names each text in an SVG comment; only the print SVG has it as text.
    screen, printed = (re.sub(r"<!--.*?-->", "", svg) for svg in (screen, printed))
    assert "<text" not in screen and "A small chart" not in screen
    assert "<text" in printed and "A small chart" in printed and "x label" in printed
    # One measured bounding box frames both.
    assert _frame(screen) == _frame(printed)


def test_an_svg_does_not_depend_on_which_medium_was_made_first():
    first, second = _small_chart(), _small_chart()
    try:
        first.svg("text")
        assert first.svg("paths") == second.svg("paths")
        assert first.svg("text") == second.svg("text")
    finally:
        first.close()
        second.close()


def test_closing_a_drawing_frees_its_figure_and_keeps_the_svgs_made():
    before = set(plt.get_fignums())
    drawing = _small_chart()
    (number,) = set(plt.get_fignums()) - before
    screen = drawing.svg("paths")
    drawing.close()
    assert not plt.fignum_exists(number)
    assert drawing.svg("paths") == screen
    with pytest.raises(RuntimeError, match="closed"):
        drawing.svg("text")


def test_title_sits_where_matplotlib_would_place_it():
    def svg(set_title) -> str:
        fig, axis = charts.figure(6, 3)
        axis.plot([1, 10, 100], [1e-3, 1, 1e3])
        axis.set_yscale("log")
        set_title(axis)
        drawing = charts.drawing(fig)
        try:
            return drawing.svg("paths")
        finally:
            drawing.close()

    assert svg(lambda axis: charts.title(axis, "Title")) == svg(lambda axis: axis.set_title("Title"))


def test_axis_ticks_name_their_scale_in_words():
    from reports.charts import _si_tick

    assert _si_tick(1e17, 0) == "100 quadrillion"
    assert _si_tick(2.5e12, 0) == "2.5 trillion"
    assert _si_tick(3e9, 0) == "3 billion"
    assert _si_tick(12_000, 0) == "12,000"
    assert _si_tick(0, 0) == ""


def _fan_colours(axis) -> set[tuple[float, ...]]:
    """The distinct colours of an axes' filled bands (each series draws its bands in one colour)."""
    from matplotlib.collections import PolyCollection

    return {
        tuple(round(c, 3) for c in collection.get_facecolor()[0][:3])
        for collection in axis.collections
        if isinstance(collection, PolyCollection) and len(collection.get_facecolor())
    }


@pytest.mark.parametrize(("builder", "panels_at_least"), [(prices.build, 2), (compute.build, 2), (demand.build, 2)])
def test_forecast_charts_draw_one_fan_per_panel(figures, ctx, builder, panels_at_least):
    # On main each of these overlaid every series' fan in one axes.
    builder(ctx)
    charts_with_fans = [fig for fig in figures if any(_fan_colours(axis) for axis in _drawn_axes(fig))]
    assert charts_with_fans
    multi = [fig for fig in charts_with_fans if len(_drawn_axes(fig)) >= panels_at_least]
    assert multi, "expected small multiples"
    for fig in charts_with_fans:
        for axis in _drawn_axes(fig):
            assert len(_fan_colours(axis)) <= 1, axis.get_title()


@pytest.mark.parametrize(
    "builder", [prices.build, compute.build, revenue.build, demand.build, adoption.build, cost_per_task.build]
)
def test_legends_print_at_8_points_or_more_on_a4(figures, ctx, builder):
    builder(ctx)
    for fig in figures:
        shrink = _print_scale(fig)
        legends = [axis.get_legend() for axis in fig.axes] + list(fig.legends)
        sizes = [text.get_fontsize() * shrink for legend in legends if legend for text in legend.get_texts()]
        assert sizes
        assert min(sizes) >= charts.MIN_PRINT_PT


def _print_scale(fig: plt.Figure) -> float:
    return min(1.0, charts.PRINT_WIDTH_IN / fig.get_figwidth())


def _furniture(axis, renderer) -> Bbox:
    """The plot, its tick labels, axis labels and title: all a legend must keep clear of (not its own legend)."""
    parts = [axis.get_window_extent(renderer), axis.title.get_window_extent(renderer)]
    parts += [box for box in (axis.xaxis.get_tightbbox(renderer), axis.yaxis.get_tightbbox(renderer)) if box]
    return Bbox.union(parts)


@pytest.mark.parametrize("builder", [prices.build, compute.build, demand.build, cost_per_task.build])
def test_legends_overlap_no_panel_and_no_other_legend(figures, ctx, builder):
    # On main the cost-quality frontier drew a legend under each panel, each wider than its panel.
    builder(ctx)
    assert figures
    for fig in figures:
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        legends = [legend for legend in [axis.get_legend() for axis in fig.axes] + list(fig.legends) if legend]
        boxes = [legend.get_window_extent(renderer) for legend in legends]
        assert boxes
        panels = [_furniture(axis, renderer) for axis in _drawn_axes(fig)]
        for number, box in enumerate(boxes):
            assert not any(box.overlaps(panel) for panel in panels), "a legend covers a panel"
            assert not any(box.overlaps(other) for other in boxes[number + 1 :]), "two legends overlap"


def test_frontier_panels_print_wide_enough_to_read_on_a4(figures, ctx):
    # On main the three panels sat in one row and printed under 2 inches wide each.
    cost_per_task.build(ctx)
    (fig,) = figures
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    axes = _drawn_axes(fig)
    assert len(axes) >= 2
    for axis in axes:
        printed = axis.get_window_extent(renderer).width / fig.dpi * _print_scale(fig)
        assert printed >= MIN_PANEL_PRINT_IN, f"{axis.get_title()}: {printed:.2f} in"


def _title_overhang(fig) -> list[str]:
    """Titles wider than their panel: they run into the next panel's title or off the figure."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    figure_box = fig.bbox
    overhanging = []
    for axis in _drawn_axes(fig):
        title, panel = axis.title.get_window_extent(renderer), axis.get_window_extent(renderer)
        slack = 0.05 * panel.width  # a centred title may reach a little into the gap between panels
        inside_panel = title.x0 >= panel.x0 - slack and title.x1 <= panel.x1 + slack
        if not inside_panel or title.x0 < figure_box.x0 or title.x1 > figure_box.x1:
            overhanging.append(axis.get_title())
    return overhanging


def test_a_long_panel_title_wraps_to_its_panel():
    # On main "claude-3-5-sonnet-20240620 (score ≥ 130)" ran off the right edge of a three-column chart.
    fig, axes = charts.panels(3, columns=3, panel_height=2.2)
    for axis, heading in zip(axes, ["gpt-4-0314 (score ≥ 126)", "gpt-4o-2024-05-13 (score ≥ 128)",
                                    "claude-3-5-sonnet-20240620 (score ≥ 130)"], strict=True):  # fmt: skip
        charts.title(axis, heading)
    charts.panel_legend(fig, [])
    try:
        assert _title_overhang(fig) == []
        assert "claude-3-5-sonnet-20240620" in axes[2].get_title()  # wrapped at a space, not inside the id
    finally:
        plt.close(fig)


@pytest.mark.parametrize("builder", [prices.build, compute.build, demand.build, cost_per_task.build, adoption.build])
def test_no_chart_title_runs_past_its_panel(figures, ctx, builder):
    builder(ctx)
    assert figures
    for fig in figures:
        assert _title_overhang(fig) == []


def _x_labels_overlap(fig) -> list[str]:
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    clashes = []
    for axis in _drawn_axes(fig):
        boxes = [t.get_window_extent(renderer) for t in axis.get_xticklabels() if t.get_visible() and t.get_text()]
        boxes.sort(key=lambda box: box.x0)
        # A quarter of a label's width apart: the PDF sets the text in its own font, a little wider.
        if any(left.x1 + 0.25 * left.width > right.x0 for left, right in itertools.pairwise(boxes)):
            clashes.append(axis.get_title())
    return clashes


@pytest.mark.parametrize("builder", [prices.build, compute.build, demand.build, revenue.build, adoption.build])
def test_x_tick_labels_do_not_run_together(figures, ctx, builder):
    # On main a seven-year tier panel printed its years as "2022202320242025...".
    builder(ctx)
    assert figures
    for fig in figures:
        assert _x_labels_overlap(fig) == []


def test_years_thin_out_in_a_narrow_panel():
    fig, axes = charts.panels(3, columns=3, panel_height=2.2)
    days = [dt.date(year, 1, 1) for year in range(2022, 2029)]
    for axis in axes:
        axis.step(days, [10.0**-k for k in range(len(days))], where="post")
        charts.log_time_panel(axis, ylabel="USD", heading="tier", date_label="month", as_of=dt.date(2026, 12, 1))
    charts.panel_legend(fig, [])
    try:
        assert _x_labels_overlap(fig) == []
        assert len([t for t in axes[0].get_xticklabels() if t.get_text()]) >= 3  # still readable as a time axis
    finally:
        plt.close(fig)


def test_the_as_of_label_stays_inside_its_panel():
    # On main "as of 2026-12-03" beside a late as-of line ran past the panel's right edge.
    fig, axes = charts.panels(3, columns=3, panel_height=2.2)
    days = [dt.date(2024, 1, 1), dt.date(2026, 1, 1), dt.date(2027, 6, 1)]
    for axis, as_of in zip(axes, [dt.date(2026, 12, 3), dt.date(2024, 3, 1), dt.date(2026, 12, 3)], strict=True):
        axis.step(days, [1.0, 0.1, 0.01], where="post")
        charts.log_time_panel(axis, ylabel="USD", heading="tier", date_label="month", as_of=as_of)
    charts.panel_legend(fig, [])
    try:
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        for axis in axes:
            (label,) = [text for text in axis.texts if text.get_text().startswith("as of")]
            box, panel = label.get_window_extent(renderer), axis.get_window_extent(renderer)
            assert panel.x0 <= box.x0 and box.x1 <= panel.x1, label.get_text()
    finally:
        plt.close(fig)
