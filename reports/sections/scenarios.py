"""Bear, base and bull demand scenarios with the assumptions behind them."""

from __future__ import annotations

import re
from typing import Any

from reports.context import ReportContext, empty_note
from reports.sections.base import Section

SCENARIO_ORDER = ("bear", "base", "bull")


def parameter_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """One row per parameter with a cell per scenario (value and basis)."""
    found = {row["scenario"] for row in rows}
    scenarios = [s for s in SCENARIO_ORDER if s in found] + sorted(found - set(SCENARIO_ORDER))
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(row["parameter"], {"parameter": row["parameter"], "unit": row["unit"], "cells": {}})
        entry["cells"][row["scenario"]] = row
    for entry in table.values():
        bases = [(s, entry["cells"][s]["basis"]) for s in scenarios if s in entry["cells"]]
        entry["common"], entry["specific"] = split_basis(bases)
    return scenarios, list(table.values())


BOUNDARY = re.compile(r"[.;:] ")


def common_prefix(texts: list[str]) -> str:
    shortest = min(texts, key=len, default="")
    for index, char in enumerate(shortest):
        if any(text[index] != char for text in texts):
            return shortest[:index]
    return shortest


def split_basis(bases: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """What the scenarios' bases say in common, and what each adds (cut at sentence or clause breaks),
    so a long shared explanation is shown once."""
    texts = [text for _, text in bases]
    if len(set(texts)) <= 1:
        return (texts[0] if texts else ""), []
    prefix = common_prefix(texts)
    cuts = [m.end() for m in BOUNDARY.finditer(prefix)]
    prefix = prefix[: cuts[-1]] if cuts else ""
    rests = [text[len(prefix) :] for text in texts]
    suffix = common_prefix([rest[::-1] for rest in rests])[::-1]
    starts = [m.end() for m in BOUNDARY.finditer(suffix)]
    suffix = suffix[starts[0] :] if starts else ""
    specific = [
        (scenario, rest[: len(rest) - len(suffix)].strip().rstrip(";").strip())
        for (scenario, _), rest in zip(bases, rests, strict=True)
    ]
    common = " ".join(part.strip() for part in (prefix, suffix) if part.strip())
    return common, specific


def build(ctx: ReportContext) -> Section:
    section = Section("demand-scenarios", "Demand scenarios: bear, base and bull", "sections/scenarios.html.j2")
    scenarios, parameters = parameter_table(ctx.frame("scenario_parameters", ctx.run_id).to_dicts())
    section.data.update(scenarios=scenarios, parameters=parameters)
    section.data["years"] = ctx.frame("demand_scenarios", ctx.run_id).to_dicts()
    if not parameters:
        section.note("parameters", empty_note("forecast.scenario_parameters", ctx.run_id))
    if not section.data["years"]:
        section.note("years", empty_note("forecast.demand_scenarios", ctx.run_id))
    return section
