"""The quarantine gate: how many failing rows a frame of a batch may have before the batch is rejected.

The thresholds are configuration, per feed and frame, in `quarantine_gate.toml` beside this
module (its comments say how they read). Each frame of a payload is judged on its own.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sources.errors import FeedError
from sources.registry import FEEDS

GATE_FILE = Path(__file__).with_name("quarantine_gate.toml")
_KEYS = ("max_bad_share", "min_bad_rows")


@dataclass(frozen=True)
class FrameGate:
    """A frame rejects its batch when its failing rows exceed the share and reach the count."""

    max_bad_share: float
    min_bad_rows: int

    def rejects(self, bad_rows: int, distinct_rows: int) -> bool:
        return bad_rows >= self.min_bad_rows and bad_rows > self.max_bad_share * distinct_rows

    def describe(self) -> str:
        return f"threshold {self.max_bad_share:.0%} and at least {self.min_bad_rows} rows"


@dataclass(frozen=True)
class Gates:
    default: FrameGate
    by_feed: Mapping[str, FrameGate]
    by_frame: Mapping[tuple[str, str], FrameGate]

    def gate_for(self, feed_id: str, table: str) -> FrameGate:
        return self.by_frame.get((feed_id, table)) or self.by_feed.get(feed_id) or self.default


@functools.cache
def configured_gates() -> Gates:
    return read_gates(GATE_FILE)


def read_gates(path: Path) -> Gates:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FeedError(f"cannot read the quarantine gate table: {exc}", source=str(path)) from None
    return parse_gates(document, str(path))


def parse_gates(document: Mapping[str, Any], source: str) -> Gates:
    if "default" not in document:
        raise FeedError("the quarantine gate table has no [default]", source=source)
    default = _gate(FrameGate(0.05, 2), document["default"], "default", source)
    by_feed: dict[str, FrameGate] = {}
    by_frame: dict[tuple[str, str], FrameGate] = {}
    for feed_id, section in document.items():
        if feed_id == "default":
            continue
        feed = FEEDS.get(feed_id)
        if feed is None or not isinstance(section, dict):
            raise FeedError(f"the quarantine gate table names an unknown feed [{feed_id}]", source=source)
        own = {k: v for k, v in section.items() if not isinstance(v, dict)}
        feed_gate = by_feed[feed_id] = _gate(default, own, feed_id, source)
        for table, values in section.items():
            if not isinstance(values, dict):
                continue
            if table not in feed.tables:
                raise FeedError(
                    f"the quarantine gate table names [{feed_id}.{table}], but {feed_id} has the frames "
                    f"{', '.join(feed.tables)}",
                    source=source,
                )
            by_frame[(feed_id, table)] = _gate(feed_gate, values, f"{feed_id}.{table}", source)
    return Gates(default=default, by_feed=by_feed, by_frame=by_frame)


def _gate(base: FrameGate, values: Mapping[str, Any], where: str, source: str) -> FrameGate:
    unknown = sorted(set(values) - set(_KEYS))
    if unknown:
        raise FeedError(f"[{where}] of the quarantine gate table has unknown keys: {', '.join(unknown)}", source=source)
    gate = replace(base, **values)
    share, count = gate.max_bad_share, gate.min_bad_rows
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise FeedError(f"[{where}] max_bad_share must be a share between 0 and 1, not {share!r}", source=source)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FeedError(f"[{where}] min_bad_rows must be a whole number of at least 1, not {count!r}", source=source)
    return FrameGate(float(share), count)
