"""On the bundled snapshot, models released in 2025 enter tiers and the frontier moves past o1."""

import datetime as dt

import polars as pl
import pytest

from sources.registry import FEEDS
from sources.snapshot import read_canonical
from transforms.observation_thinning import last_in_month
from transforms.price_index import build_frontier_price, build_price_index, scored_prices
from transforms.price_observations import price_observations, scored_capabilities
from transforms.tiers import read_tiers, resolve_thresholds

DECEMBER = dt.date(2025, 12, 1)


def _bundled(feed_id: str, table: str) -> pl.DataFrame:
    path = FEEDS[feed_id].snapshot_dir / f"{table}.csv"
    return read_canonical(path.read_bytes(), table, path.name)


@pytest.fixture(scope="module")
def capabilities() -> pl.DataFrame:
    return pl.concat([_bundled(feed, "model_capabilities") for feed in ("epoch_prices", "epoch_models")])


@pytest.fixture(scope="module")
def scored(capabilities) -> pl.DataFrame:
    prices = pl.concat([_bundled(feed, "token_prices") for feed in ("epoch_prices", "litellm")])
    scores = scored_capabilities(capabilities)
    return scored_prices(last_in_month(price_observations(prices), scores), scores)


def test_scores_reach_late_2025(capabilities):
    latest = dict(capabilities.group_by("benchmark").agg(pl.col("observed_on").max()).iter_rows())
    assert latest["gpqa_diamond"] >= dt.date(2025, 11, 1)
    assert latest["math_level_5"] >= dt.date(2025, 10, 1)
    assert latest["eci"] >= dt.date(2025, 9, 1)


def test_2025_models_qualify_for_tiers_their_scores_reach(scored, capabilities):
    tiers = resolve_thresholds(read_tiers(), capabilities, skip_unresolved=True)
    index = build_price_index(scored, tiers, DECEMBER)
    eci_o1 = tiers.filter(pl.col("tier_id") == "eci_o1_2024_12")["threshold_score"][0]
    above_o1 = set(scored.filter((pl.col("benchmark") == "eci") & (pl.col("score") >= eci_o1))["model_id"])
    assert {"gpt-5", "gemini-2-5-pro", "o3"} <= above_o1
    gpt4_level = tiers.filter(pl.col("tier_id") == "eci_gpt4_0314")["threshold_score"][0]
    at_gpt4 = set(scored.filter((pl.col("benchmark") == "eci") & (pl.col("score") >= gpt4_level))["model_id"])
    assert {"deepseek-r1", "claude-sonnet-4", "claude-opus-4-1", "gpt-4-1"} <= at_gpt4
    # More models qualify at the end of 2025 than when the old scores stopped (February 2025).
    qualifying = index.filter(pl.col("tier_id") == "eci_gpt4_0314").select("month", "qualifying_models")
    counts = dict(qualifying.iter_rows())
    assert counts[DECEMBER] > counts[dt.date(2025, 2, 1)]


def test_the_gpqa_frontier_in_december_2025_is_past_o1(scored):
    frontier = build_frontier_price(scored, ["gpqa_diamond", "eci"], DECEMBER)
    december = {r["benchmark"]: r for r in frontier.filter(pl.col("month") == DECEMBER).to_dicts()}
    assert december["gpqa_diamond"]["model_id"] not in ("o1", "o1-preview")
    assert december["gpqa_diamond"]["score"] > 80.0  # o1 scores 75.8 (AA) / 76.8 (hub)
    assert december["eci"]["score"] > 145.0  # o1: 140.8
