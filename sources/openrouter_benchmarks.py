"""Artificial Analysis indices in OpenRouter's model list, as dated capability scores.

An entry of `GET /api/v1/models` may carry
`"benchmarks": {"artificial_analysis": {"intelligence_index": 34.5, "coding_index": 45.3,
"agentic_index": 26.2}}`: Artificial Analysis' composite indices (0..100 index points). Each
non-null index becomes a `model_capabilities` row for the OpenRouter id, dated by the fetch
(`observed_on`): the indices are re-weighted as Artificial Analysis adds evaluations, so a score
is a fact of the day it was read, and a scheduled refresh adds a new observation each day.
Variant ids (":free", ":thinking", ...) repeat their base model's indices and are skipped.
A value that is not a number (or a bool) raises `FeedError` naming the entry and the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from sources.errors import FeedError
from sources.schemas import frame_from_records

SOURCE = "openrouter_artificial_analysis"
INDEX_BENCHMARKS = {
    "intelligence_index": "aa_intelligence_index",
    "coding_index": "aa_coding_index",
    "agentic_index": "aa_agentic_index",
}
ATTRIBUTION = "Artificial Analysis indices as served by OpenRouter's API (openrouter.ai/terms)"


def artificial_analysis_scores(
    data: list[Any], source: str, observed_on: dt.date, *, feed: str = "openrouter"
) -> pl.DataFrame:
    records = []
    for row, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or ":" in entry["id"]:
            continue
        benchmarks = entry.get("benchmarks")
        indices = benchmarks.get("artificial_analysis") if isinstance(benchmarks, dict) else None
        if not isinstance(indices, dict):
            continue
        model_id = entry["id"]
        for field, benchmark in INDEX_BENCHMARKS.items():
            value = indices.get(field)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FeedError(
                    f"model {model_id!r}: {field} is {value!r}, expected a number",
                    feed=feed,
                    source=source,
                    row=row,
                    field=f"benchmarks.artificial_analysis.{field}",
                )
            records.append(
                {
                    "source": SOURCE,
                    "model": model_id,
                    "observed_on": observed_on,
                    "benchmark": benchmark,
                    "score": float(value),
                    "source_row": row,
                    "provenance": (
                        f"OpenRouter /api/v1/models ({source}), entry {row} {model_id!r}, "
                        f"benchmarks.artificial_analysis.{field}, read on {observed_on.isoformat()}; {ATTRIBUTION}"
                    ),
                }
            )
    return frame_from_records(records, "model_capabilities")
