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

from sources import (
    epoch_chips,
    epoch_hardware,
    epoch_models,
    epoch_prices,
    epoch_usage,
    litellm,
    nvidia_revenue,
    openrouter,
)

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
    "epoch_chips": Feed(
        feed_id="epoch_chips",
        family="chip shipments",
        default_endpoints=epoch_chips.DEFAULT_ENDPOINTS,
        bundled_range="2022Q1 .. 2025Q4 (NVIDIA 2022Q1-, TPU 2022Q4-, AMD and Trainium 2024Q1-)",
        licence=epoch_chips.LICENCE,
        parser=epoch_chips.parse,
        tables=("chip_shipments",),
        citation=(
            "Epoch AI, 'AI chip counts' (github.com/epoch-research/ai-chip-counts, csv_export "
            "chip timelines; estimates generated 2026-03-31 .. 2026-04-03)"
        ),
    ),
    "nvidia_revenue": Feed(
        feed_id="nvidia_revenue",
        family="chip shipments (value)",
        default_endpoints=(nvidia_revenue.REVENUE_URL,),
        bundled_range="FY23Q1 .. FY26Q3 (2022-01-31 .. 2025-10-26); GPU prices 2022 .. 2025",
        licence=nvidia_revenue.LICENCE,
        parser=nvidia_revenue.parse,
        tables=("vendor_revenue", "gpu_prices"),
        citation=(
            "Epoch AI, 'AI chip counts' inputs: 'Nvidia quarterly revenue' (from NVIDIA quarterly "
            "results) and NVIDIA GPU annual price ranges (github.com/epoch-research/ai-chip-counts)"
        ),
    ),
    "epoch_hardware": Feed(
        feed_id="epoch_hardware",
        family="hardware specs",
        default_endpoints=(epoch_hardware.DEFAULT_ENDPOINT,),
        bundled_range="170 accelerators, released 2008 .. 2025-12",
        licence=epoch_hardware.LICENCE,
        parser=epoch_hardware.parse,
        tables=("hardware_specs",),
        citation="Epoch AI, 'Machine Learning Hardware' data (epoch.ai/data/ml_hardware.csv, export of 2025-12)",
    ),
    "litellm": Feed(
        feed_id="litellm",
        family="token prices",
        default_endpoints=(litellm.DEFAULT_URL,),
        bundled_range="2025-02 .. 2025-12 monthly, plus the file as of 2025-02-06, 04-01, 07-01, 10-01, 2026-01-01",
        licence=litellm.LICENCE,
        parser=litellm.parse,
        tables=("token_prices", "models", "model_aliases"),
        citation=(
            "BerriAI/litellm, model_prices_and_context_window.json (github.com/BerriAI/litellm; "
            "monthly states 2025-02 .. 2025-12 from the file's git history)"
        ),
    ),
    "openrouter": Feed(
        feed_id="openrouter",
        family="token prices",
        default_endpoints=(openrouter.DEFAULT_URL,),
        bundled_range="none (live only)",
        licence=openrouter.LICENCE,
        parser=openrouter.parse,
        tables=("token_prices", "models", "model_aliases", "model_capabilities"),
        citation="OpenRouter, model list API (openrouter.ai/api/v1/models)",
    ),
    "epoch_models": Feed(
        feed_id="epoch_models",
        family="model releases",
        default_endpoints=(epoch_models.DEFAULT_ENDPOINT,),
        bundled_range=(
            "notable models to 2025-03-16; benchmarking-hub versions to 2025-05; reasoning and "
            "non-reasoning model lists 2023-03 .. 2025-10; eval token usage 2025-03; benchmarking-hub "
            "scores to 2025-11, external MMLU scores 2025-11, ECI scores 2023-02 .. 2025-09"
        ),
        licence=epoch_models.LICENCE,
        parser=epoch_models.parse,
        tables=("models", "model_aliases", "eval_token_usage", "model_capabilities"),
        citation=(
            "Epoch AI, 'Notable AI Models' (epoch.ai/data/notable_ai_models.csv, export of 2025-04); "
            "Benchmarking Hub model versions (2025-05); reasoning and non-reasoning models of the "
            "Epoch Capabilities Index; eval token usage (2025-03); Benchmarking Hub runs (2025-11), "
            "external MMLU scores (2025-11) and the Epoch Capabilities Index (2025-11-07), "
            "epoch-research/benchmark-stitching"
        ),
    ),
    "epoch_usage": Feed(
        feed_id="epoch_usage",
        family="inference demand",
        default_endpoints=(),
        bundled_range="44 usage reports dated 2023-03 .. 2025-12",
        licence=epoch_usage.LICENCE,
        parser=epoch_usage.parse,
        tables=("demand_observations",),
        citation="Epoch AI, 'AI companies' data: usage reports (export of 2025-12)",
    ),
}


def get_feed(feed_id: str) -> Feed:
    try:
        return FEEDS[feed_id]
    except KeyError as exc:
        known = ", ".join(sorted(FEEDS))
        raise KeyError(f"unknown feed {feed_id!r}; known feeds: {known}") from exc
