"""Facts the product relies on, asserted on the bundled epoch_models and epoch_usage files."""

import datetime as dt

import polars as pl
import pytest

from sources.contracts import CONTRACTS
from sources.registry import FEEDS
from sources.snapshot import read_canonical, snapshot_files
from warehouse.validate import validate_frame


def _bundled(feed_id: str, table: str) -> pl.DataFrame:
    path = FEEDS[feed_id].snapshot_dir / f"{table}.csv"
    return read_canonical(path.read_bytes(), table, path.name)


@pytest.mark.parametrize("feed_id", ["epoch_models", "epoch_usage"])
def test_bundled_tables_pass_their_contracts_with_provenance(feed_id):
    files = snapshot_files(FEEDS[feed_id])
    assert {table for table, _ in files} == set(FEEDS[feed_id].tables)
    for table, path in files:
        frame = read_canonical(path.read_bytes(), table, path.name)
        validated = validate_frame(frame, CONTRACTS[table], table, dt.date.today())
        assert validated.quarantine.height == 0, (table, validated.quarantine.head(3).to_dicts())
        assert validated.duplicates == 0
        assert frame["provenance"].str.contains(r"row \d+").all()
        assert frame["provenance"].str.contains("CC BY 4.0, Epoch AI").all()


def test_bundled_models_give_over_900_distinct_ids_and_the_reasoning_lists():
    models = _bundled("epoch_models", "models")
    assert models["model_id"].n_unique() >= 900
    assert set(models["source"]) == {
        "epoch_notable_models",
        "epoch_benchmarking_hub",
        "epoch_eci_reasoning",
        "epoch_eci_non_reasoning",
    }
    reasoning = models.filter(pl.col("is_reasoning"))
    assert set(reasoning["source"]) == {"epoch_eci_reasoning"}
    assert {"o1-preview", "o1", "o3-mini", "deepseek-r1", "claude-3-7-sonnet", "gpt-5"} <= set(reasoning["model_id"])
    assert reasoning["reasoning_mode"].is_in(["always_on", "hybrid"]).all()


def test_bundled_release_dates_are_the_sources_own():
    models = _bundled("epoch_models", "models")
    released = {
        (row["source"], row["model_id"]): row["released_on"]
        for row in models.select("source", "model_id", "released_on").to_dicts()
    }
    assert released[("epoch_notable_models", "gpt-4o")] == dt.date(2024, 5, 13)
    assert released[("epoch_notable_models", "claude-3-5-sonnet")] == dt.date(2024, 6, 20)
    assert released[("epoch_eci_reasoning", "o1-preview")] == dt.date(2024, 9, 12)
    # The hub's 2025-12-06 for gemini-exp-1206 postdates its 2025-05 export: withheld, not corrected.
    assert released[("epoch_benchmarking_hub", "gemini-exp")] is None


def test_bundled_aliases_point_at_bundled_models():
    models = _bundled("epoch_models", "models")
    aliases = _bundled("epoch_models", "model_aliases")
    assert aliases["alias"].n_unique() == aliases.height
    assert set(aliases["model_id"]) <= set(models["model_id"])
    assert dict(zip(aliases["alias"], aliases["model_id"], strict=True))["gpt-4.5-preview-2025-02-27"] == "gpt-4-5"


def test_bundled_demand_observations_hold_all_44_reports_with_unique_ids():
    observations = _bundled("epoch_usage", "demand_observations")
    assert observations.height == 44
    assert observations["observation_id"].n_unique() == 44
    assert observations["observed_on"].min() == dt.date(2023, 3, 25)
    assert observations["observed_on"].max() == dt.date(2025, 12, 22)
    assert observations.filter(pl.col("tokens_per_day").is_not_null()).height >= 8
