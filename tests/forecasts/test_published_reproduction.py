"""The published decline table (Epoch AI 2025-03), reproduced on its own inputs.

The published figures are `forecasts/data/epoch_published_declines_2025-03.csv`: Epoch AI's
table "LLM inference prices have fallen rapidly but unequally" (epoch-research/
llm-benchmark-efficiency, results/default/lowest_price_models_above_previous_frontier/
lowest_price_models_results.csv; CC BY 4.0, Epoch AI) in infercast's own schema (tier ids).
"""

import datetime as dt

import polars as pl
import pytest

from forecasts.published_reproduction import (
    epoch_reasoning_ids,
    explain,
    published_points,
    read_published,
    reproduce,
)
from sources.registry import FEEDS
from sources.snapshot import read_canonical
from transforms.tiers import read_tiers, resolve_thresholds


def _bundled(feed_id: str, table: str) -> pl.DataFrame:
    path = FEEDS[feed_id].snapshot_dir / f"{table}.csv"
    return read_canonical(path.read_bytes(), table, path.name)


def _scored_columns() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "source": pl.String(),
            "provider": pl.String(),
            "model": pl.String(),
            "model_id": pl.String(),
            "observed_on": pl.Date(),
            "blended_usd_per_mtok": pl.Float64(),
            "benchmark": pl.String(),
            "score": pl.Float64(),
        }
    )


@pytest.fixture(scope="module")
def reproduction() -> pl.DataFrame:
    capabilities = pl.concat(
        [_bundled("epoch_prices", "model_capabilities"), _bundled("epoch_models", "model_capabilities")]
    )
    models = pl.concat([_bundled("epoch_models", "models"), _bundled("litellm", "models")])
    points = published_points(_bundled("epoch_prices", "token_prices"), capabilities, epoch_reasoning_ids(models))
    tiers = resolve_thresholds(read_tiers(), capabilities, skip_unresolved=True)
    return reproduce(points, tiers, read_published(), _scored_columns())


def test_published_figures_cover_the_21_tiers_with_their_thresholds():
    published = read_published()
    assert published.height == 21
    tiers = read_tiers()
    assert set(published["tier_id"]) <= set(tiers["tier_id"])
    assert published["citation"].str.contains("CC BY 4.0").all()


def test_all_21_published_tiers_are_reproduced_within_1_5x(reproduction):
    assert reproduction.height == 21
    off = reproduction.filter(~pl.col("within_1_5x")).select("tier_id", "ratio_to_published").to_dicts()
    assert off == []
    # Not merely within 1.5x: the same lows, so the same sample sizes.
    assert (reproduction["n"] == reproduction["published_n"]).all()
    assert reproduction["ratio_to_published"].is_between(0.99, 1.01).all()


def test_reasoning_models_are_left_out_by_epochs_own_flags(reproduction):
    # o1-mini scores above the GPT-4o GPQA threshold at a lower price; with it, n would be 5, not 4.
    row = reproduction.filter(pl.col("tier_id") == "gpqa_gpt4o_2024_05").row(0, named=True)
    assert row["n"] == 4
    models = _bundled("epoch_models", "models")
    assert "o1-mini" in epoch_reasoning_ids(models)
    # DeepSeek-V3 (2024-12) is a published point; a listing source's hybrid flag must not drop it.
    assert "deepseek-v3" not in epoch_reasoning_ids(models)


def test_explanation_is_computed_from_the_lows():
    own = pl.DataFrame(
        {
            "source": ["epoch_price_benchmarks", "litellm", "litellm"],
            "provider": ["unspecified", "vertex_ai", "deepinfra"],
            "model": ["A", "B", "C"],
            "model_id": ["a", "b", "c"],
            "observed_on": [dt.date(2024, 5, 1), dt.date(2024, 11, 1), dt.date(2025, 6, 1)],
            "blended_usd_per_mtok": [10.0, 1.0, 0.05],
            "score": [60.0, 61.0, 62.0],
        }
    )
    published = own.head(1).with_columns(blended_usd_per_mtok=pl.lit(10.0))
    text = explain(own, published, dt.date(2025, 2, 5), 4.0)
    assert text.startswith("4.0× the published factor (faster): infercast fits 3 lows")
    assert "2 of them are provider listings, not published points (litellm 2 at deepinfra, vertex_ai)" in text
    assert "starts at A $10 on 2024-05-01 (published: A $10 on 2024-05-01)" in text
    assert "1 after the published window ended 2025-02-05 (later price cuts)" in text
    assert "lowest: C at deepinfra (litellm), $0.05/Mtok on 2025-06-01" in text
