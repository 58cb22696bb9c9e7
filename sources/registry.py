"""The feeds infercast knows: identity, family, live endpoint and bundled snapshot.

Endpoints are configuration: `INFERCAST_ENDPOINT_<FEED>` (upper-case feed id) overrides
the default for a feed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from sources import epoch_prices

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"

Parser = Callable[[bytes, str], dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class Feed:
    feed_id: str
    family: str
    default_endpoint: str | None
    bundled_range: str
    licence: str
    parser: Parser
    tables: tuple[str, ...]
    citation: str

    @property
    def endpoint(self) -> str | None:
        return os.environ.get(f"INFERCAST_ENDPOINT_{self.feed_id.upper()}", self.default_endpoint)

    @property
    def snapshot_dir(self) -> Path:
        return SNAPSHOT_DIR / self.feed_id


FEEDS: dict[str, Feed] = {
    "epoch_prices": Feed(
        feed_id="epoch_prices",
        family="token prices",
        default_endpoint=None,
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
