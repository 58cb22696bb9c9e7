"""`models` and `model_aliases` rows from a feed's per-identifier observations.

A live feed lists one entry per identifier ("gpt-4o", "azure/gpt-4o", "gpt-4o-2024-08-06"),
and several identifiers share one canonical model id. `models` must hold one row per
(source, model_id), so observations are aggregated per model id:

* model_name, source_row, provenance: from the first observation (feeds order them);
* organization: the one organization the observations agree on, else "" (unknown);
* released_on: the earliest date any observation gives;
* is_reasoning: True if any observation says so, False if some say False and none True,
  null if none says anything;
* reasoning_mode: the mode the observations agreeing with that flag give, if they agree;
  null otherwise (an unknown mode is better than a guessed one).

`model_aliases` gets one row per distinct identifier: "exact" when the identifier already
is the canonical id, "normalized" when canonicalisation changed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelObservation:
    alias: str  # the feed's identifier, exactly as given
    model_id: str  # sources.identity.canonical_model_id of the identifier
    model_name: str
    source_row: int
    where: str  # provenance without the licence: file or URL, entry, key
    organization: str = ""
    released_on: dt.date | None = None
    is_reasoning: bool | None = None
    reasoning_mode: str | None = None


def model_rows(
    observations: Iterable[ModelObservation], *, source: str, feed: str, licence: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(models records, model_aliases records) for the observations, in first-seen order."""
    by_model: dict[str, list[ModelObservation]] = {}
    aliases: dict[str, ModelObservation] = {}
    for observation in observations:
        if not observation.model_id:
            continue  # nothing left of the identifier after canonicalisation: no identity to record
        by_model.setdefault(observation.model_id, []).append(observation)
        aliases.setdefault(observation.alias, observation)
    models = [_model_record(model_id, group, source, licence) for model_id, group in by_model.items()]
    alias_records = [
        {
            "feed": feed,
            "alias": alias,
            "model_id": observation.model_id,
            "match_method": "exact" if alias == observation.model_id else "normalized",
            "source_row": observation.source_row,
            "provenance": f"{observation.where}; {licence}",
        }
        for alias, observation in aliases.items()
    ]
    return models, alias_records


def _model_record(model_id: str, group: list[ModelObservation], source: str, licence: str) -> dict[str, Any]:
    first = group[0]
    organizations = {o.organization for o in group if o.organization}
    dates = [o.released_on for o in group if o.released_on is not None]
    flags = {o.is_reasoning for o in group if o.is_reasoning is not None}
    is_reasoning = True if True in flags else (False if flags else None)
    modes = {o.reasoning_mode for o in group if o.is_reasoning == is_reasoning and o.reasoning_mode}
    others = len({o.alias for o in group}) - 1
    provenance = first.where
    if others:
        provenance += f"; {others} more identifier(s) of this model in model_aliases"
    return {
        "source": source,
        "model_id": model_id,
        "model_name": first.model_name,
        "organization": organizations.pop() if len(organizations) == 1 else "",
        "released_on": min(dates) if dates else None,
        "open_weights": None,
        "is_reasoning": is_reasoning,
        "reasoning_mode": modes.pop() if is_reasoning is not None and len(modes) == 1 else None,
        "source_row": first.source_row,
        "provenance": f"{provenance}; {licence}",
    }
