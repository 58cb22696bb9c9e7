"""Methodology appendix: how every number in the report is made (models, metrics, methods, as-of)."""

from __future__ import annotations

from forecasts.compute_family import QUARTERLY_COVERAGE_TOLERANCE
from forecasts.selection import SelectionRule
from reports.context import ReportContext
from reports.sections.base import Section


def build(ctx: ReportContext) -> Section:
    section = Section("methodology", "Methodology", "sections/methodology.html.j2")
    models = ctx.query(
        "select model, count(*) filter (where is_champion) as champions, count(*) as series "
        "from forecast.backtests where run_id = $1 group by model order by model",
        ctx.run_id,
    )
    section.data["models"] = models.to_dicts()
    # The coverage the champion rule requires, from the rule itself (the text said "about 80%").
    section.data["coverage_floor"] = 0.80 - SelectionRule().coverage_tolerance
    section.data["quarterly_coverage_floor"] = 0.80 - QUARTERLY_COVERAGE_TOLERANCE
    section.data["value_models"] = ctx.query(
        "select target, model, count(distinct series_id) as series from forecast.values where run_id = $1 "
        "group by target, model order by target, model",
        ctx.run_id,
    ).to_dicts()
    life = ctx.query("select distinct service_life_years from marts.installed_compute order by 1")
    section.data["service_life"] = [v for v in life["service_life_years"].to_list() if v is not None]
    return section
