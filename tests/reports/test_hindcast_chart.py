"""The hindcast coverage chart: which rows it reads, and what it draws."""

from __future__ import annotations

import polars as pl

from reports.sections.hindcast_chart import coverage_chart, pooled_coverage


def _scores() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "target": ["price_index", "price_index", "price_index", "shipped_h100e"],
            "method": ["champion", "champion", "naive", "champion"],
            "lead": [0, 12, 0, 0],
            "n_points": [3079, 128, 3079, 105],
            "coverage_80": [0.60, 0.47, 0.55, 0.63],
            "coverage_95": [0.69, 0.55, 0.61, 0.81],
        }
    )


def test_pooled_coverage_is_the_champions_all_leads_row_per_family():
    pooled = pooled_coverage(_scores())
    assert pooled.rows() == [("price_index", 3079, 0.60, 0.69), ("shipped_h100e", 105, 0.63, 0.81)]


def test_chart_draws_two_bars_per_family_with_labels_and_point_counts():
    drawing = coverage_chart(_scores(), {"price_index": "price index (tier)"})
    assert drawing is not None
    figure = drawing._figure
    assert figure is not None
    axis = figure.axes[0]
    widths = sorted(round(patch.get_width(), 2) for patch in axis.patches if patch.get_height() < 1)
    assert widths == [0.6, 0.63, 0.69, 0.81]
    labels = [label.get_text() for label in axis.get_yticklabels()]
    assert labels == ["price index (tier) (3079 points)", "shipped_h100e (105 points)"]
    assert "inside the 80% band" in drawing.svg("text")
    drawing.close()


def test_no_scores_no_chart():
    assert coverage_chart(_scores().clear(), {}) is None
