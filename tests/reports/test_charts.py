"""Charts: labelled axes with units, log scales for exponential series, a legend that names the bands."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest

from reports import charts
from reports.context import ReportContext, feed_infos, load_run
from reports.sections import adoption, compute, demand, prices, revenue
from tests.reports.conftest import GENERATED_AT


@pytest.fixture
def figures(monkeypatch):
    """Charts are captured as matplotlib figures instead of being serialised (which is slow)."""
    captured: list[plt.Figure] = []

    def keep(fig, *, tight=True):
        captured.append(fig)
        return "<svg></svg>"

    monkeypatch.setattr(charts, "to_svg", keep)
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
            assert y_words in axis.get_ylabel()
            assert (axis.get_yscale() == "log") is log_y
            assert axis.get_title()
        legends = [axis.get_legend() for axis in axes] + list(fig.legends)
        texts = [t.get_text() for legend in legends if legend for t in legend.get_texts()]
        assert "80% prediction interval" in texts and "95% prediction interval" in texts


def test_every_chart_has_a_source_line_under_it(full_html, warehouse):
    charts_and_sources = re.findall(r'</svg>\s*</figure>\s*<p class="source">([^<]*)</p>', full_html)
    assert len(charts_and_sources) == full_html.count("<figure") == 6
    for source in charts_and_sources:
        assert source.startswith("Source: ") and warehouse.run_id in source and "Table" in source
