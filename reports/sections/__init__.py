"""Report sections, in the order the report shows them. Each module builds one or two sections
from the warehouse (marts.* and forecast.*) and degrades to a visible note when the run lacks data."""

from __future__ import annotations

from collections.abc import Callable

from reports.context import ReportContext
from reports.sections import (
    accuracy,
    adoption,
    claims,
    compute,
    cost_per_task,
    cover,
    declines,
    demand,
    methodology,
    prices,
    quality,
    revenue,
    scenarios,
    sources,
    summary,
)
from reports.sections.base import Section

Builder = Callable[[ReportContext], Section]

# (id, title, builder): the id and title are used for a placeholder if a builder fails.
SECTIONS: tuple[tuple[str, str, Builder], ...] = (
    ("data-vintage", "Data vintage", cover.build),
    ("executive-summary", "Executive summary", summary.build),
    ("warnings", "Warnings and data quality", quality.build),
    ("token-prices", "Token prices at constant capability and at the frontier", prices.build),
    ("decline-factors", "Price decline factors: how many times cheaper per year", declines.build),
    ("decline-sensitivity", "Decline sensitivity", declines.build_sensitivity),
    (cost_per_task.SECTION_ID, cost_per_task.TITLE, cost_per_task.build),
    ("installed-compute", "Installed AI compute", compute.build),
    ("nvidia-revenue", "NVIDIA data-center revenue", revenue.build),
    ("token-demand", "Token demand", demand.build),
    ("reasoning-adoption", "Reasoning adoption", adoption.build),
    ("demand-scenarios", "Demand scenarios: bear, base and bull", scenarios.build),
    ("claims-check", "Claims check", claims.build),
    ("forecast-accuracy", "Forecast accuracy", accuracy.build),
    ("methodology", "Methodology", methodology.build),
    ("data-sources", "Data sources and licences", sources.build),
)
