"""The feeds infercast knows: identity, family, live endpoints and bundled snapshot.

Endpoints are configuration: `INFERCAST_ENDPOINT_<FEED>` (upper-case feed id) overrides the
default URLs of a feed (several URLs separated by spaces, for feeds made of several files).

A parser takes `(payload, source, observed_on)`: the bytes, a name for messages (file name
or URL) and the date the payload describes (the fetch date for a live download, the
vintage date for a dated file); it returns canonical frames keyed by staging table.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from sources import epoch_prices

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"

Parser = Callable[[bytes, str, dt.date], dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class Feed:
    feed_id: str
    family: str
    default_endpoints: tuple[str, ...]
    bundled_range: str
    licence: str
    parser: Parser
    tables: tuple[str, ...]
    citation: str

    @property
    def endpoints(self) -> tuple[str, ...]:
        configured = os.environ.get(f"INFERCAST_ENDPOINT_{self.feed_id.upper()}")
        return tuple(configured.split()) if configured else self.default_endpoints

    @property
    def snapshot_dir(self) -> Path:
        return SNAPSHOT_DIR / self.feed_id


FEEDS: dict[str, Feed] = {
    "epoch_prices": Feed(
        feed_id="epoch_prices",
        family="token prices",
        default_endpoints=(),
        bundled_range="2021-11 .. 2025-02",
        licence=epoch_prices.LICENCE,
        parser=epoch_prices.parse,
        tables=("token_prices", "model_capabilities"),
        citation=(
            "Epoch AI, 'LLM inference prices' data (API prices full view, 2025-02-05; "
            "price-vs-benchmark tables, 2025-03)"
        ),
    ),
}


def get_feed(feed_id: str) -> Feed:
    try:
        return FEEDS[feed_id]
    except KeyError as exc:
        known = ", ".join(sorted(FEEDS))
        raise KeyError(f"unknown feed {feed_id!r}; known feeds: {known}") from exc
