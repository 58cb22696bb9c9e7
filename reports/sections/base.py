"""The pieces a report section is made of: the section itself, its charts and headline numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.charts import Drawing
from reports.context import NOT_AVAILABLE


@dataclass(frozen=True)
class Chart:
    drawing: Drawing
    source: str
    description: str


class Parts(dict[str, Any]):
    """A section's data or notes: a part the section did not set reads as None (absent), so a
    template can test `section.data.chart` or `section.notes.growth` without guarding each key."""

    def __missing__(self, key: str) -> None:
        return None


@dataclass
class Section:
    """One h2 section: `template` (under templates/sections/) renders `data`.

    `notes` maps a part of the section to why it is not available for this run; templates show
    it as "not available for this run: <reason>" where the part would be.
    """

    id: str
    title: str
    template: str
    data: Parts = field(default_factory=Parts)
    notes: Parts = field(default_factory=Parts)

    def note(self, part: str, reason: str) -> None:
        self.notes[part] = reason

    def unavailable(self) -> list[str]:
        return [f"{NOT_AVAILABLE}: {reason}" for reason in self.notes.values()]


@dataclass(frozen=True)
class Headline:
    """One line of the executive summary: the number, its uncertainty, its basis and what it means.

    A headline whose data the run lacks carries `reason` instead of numbers.
    """

    topic: str
    anchor: str  # id of the section with the detail
    value: str = ""
    uncertainty: str = ""
    basis: str = ""
    meaning: str = ""
    source: str = ""
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.reason is None
