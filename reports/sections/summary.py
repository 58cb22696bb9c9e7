"""The executive summary: the headline numbers, each with its uncertainty, basis and meaning."""

from __future__ import annotations

from collections.abc import Callable

from reports.context import ReportContext
from reports.sections import adoption, compute, declines, demand, prices, revenue
from reports.sections.base import Headline, Section

HeadlineBuilder = Callable[[ReportContext], Headline]

HEADLINES: tuple[tuple[str, str, HeadlineBuilder], ...] = (
    ("Price decline at constant capability", "decline-factors", declines.headline),
    ("Frontier model price", "token-prices", prices.headline_frontier),
    ("Installed AI compute (all vendors)", "installed-compute", compute.headline),
    ("NVIDIA data-center revenue", "nvidia-revenue", revenue.headline),
    ("Token demand growth", "token-demand", demand.headline),
    ("Reasoning-model adoption", "reasoning-adoption", adoption.headline),
)


def build(ctx: ReportContext) -> Section:
    section = Section("executive-summary", "Executive summary", "sections/summary.html.j2")
    headlines = []
    for topic, anchor, builder in HEADLINES:
        try:
            headlines.append(builder(ctx))
        except Exception as error:  # one broken headline must not take the report down
            headlines.append(Headline(topic, anchor, reason=f"could not be computed ({type(error).__name__}: {error})"))
    section.data["headlines"] = headlines
    section.data["warnings"] = 0
    return section
