import datetime as dt
import json

import polars as pl
import pytest

from sources import litellm_history
from sources.contracts import CONTRACTS
from sources.errors import FeedError
from sources.registry import FEEDS
from sources.snapshot import read_canonical, snapshot_files
from warehouse.validate import validate_frame

PANEL_HEADER = (
    "month,snapshot_utc,rocry_commit,model_key,litellm_provider,input_usd_per_1m,output_usd_per_1m,"
    "cache_read_input_usd_per_1m,output_reasoning_usd_per_1m,supports_reasoning,max_input_tokens,"
    "max_output_tokens,deprecation_date\n"
)
PANEL_ROWS = (
    "2025-02,2025-02-28T05:07:43Z,1984db6a805e625036b67da6280c3d6092ebe1b3,gpt-4o,openai,2.5,10.0,1.25,,,"
    "128000,16384,\n"
    "2025-02,2025-02-28T05:07:43Z,1984db6a805e625036b67da6280c3d6092ebe1b3,ollama/llama3,ollama,0.0,0.0,,,,"
    "8192,8192,\n"
    "2025-03,2025-03-31T23:07:06Z,4c1f0e0cbbd3a8bd5d0e6e0a4bfb4fd5f0b2b7a1,gpt-4o,openai,2.5,10.0,1.25,,,"
    "128000,16384,\n"
    "2025-03,2025-03-31T23:07:06Z,4c1f0e0cbbd3a8bd5d0e6e0a4bfb4fd5f0b2b7a1,o3-mini,openai,1.1,4.4,0.55,,True,"
    "200000,100000,\n"
)
FIRST_SEEN = (
    "model_key,litellm_provider,mode,input_usd_per_1m_at_first_seen,output_usd_per_1m_at_first_seen,"
    "supports_reasoning_at_first_seen,first_seen_utc,present_in_initial_snapshot\n"
    'sample_spec,one of https://docs.litellm.ai/docs/providers,"one of chat, embedding",0.0,0.0,,'
    "2025-02-06T02:56:03Z,True\n"
    "gpt-4o,openai,chat,2.5,10.0,,2025-02-06T02:56:03Z,True\n"
    "ollama/llama3,ollama,chat,0.0,0.0,,2025-02-06T02:56:03Z,True\n"
    "text-embedding-3-small,openai,embedding,0.02,0.0,,2025-02-06T02:56:03Z,True\n"
    "o3-mini,openai,chat,1.1,4.4,,2025-03-12T08:01:55Z,False\n"
)
VINTAGE = {
    "sample_spec": {"mode": "one of chat, embedding"},
    "gpt-4o": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 2.5e-06,
        "output_cost_per_token": 1e-05,
    },
    "o3-mini": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 1.1e-06,
        "output_cost_per_token": 4.4e-06,
        "supports_reasoning": True,
    },
}


@pytest.fixture
def reference(tmp_path):
    folder = tmp_path / "token_prices"
    folder.mkdir()
    (folder / "litellm_chat_price_panel_monthly_2025-02_2025-12.csv").write_text(PANEL_HEADER + PANEL_ROWS)
    (folder / "litellm_model_first_seen_2025-02_2025-12.csv").write_text(FIRST_SEEN)
    (folder / "litellm_model_prices_asof_2025-04-01.json").write_text(json.dumps(VINTAGE))
    return tmp_path


def test_panel_rows_and_vintages_become_dated_observations(reference):
    prices = litellm_history.build_frames(reference)["token_prices"]
    gpt4o = prices.filter(pl.col("model") == "gpt-4o").sort("observed_on")
    assert gpt4o["observed_on"].to_list() == [dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 1)]
    assert gpt4o["input_usd_per_mtok"].to_list() == [2.5, 2.5, 2.5]
    first = gpt4o.row(0, named=True)
    assert "litellm_chat_price_panel_monthly_2025-02_2025-12.csv row 2" in first["provenance"]
    assert "1984db6a805e" in first["provenance"] and "MIT" in first["provenance"]
    assert "litellm_model_prices_asof_2025-04-01.json" in gpt4o.row(2, named=True)["provenance"]
    assert "ollama/llama3" not in set(prices["model"])  # free: not a market price
    assert prices.select("source", "provider", "model", "model_version", "observed_on").is_unique().all()


def test_models_keep_release_dates_unknown_and_first_seen_in_provenance(reference):
    frames = litellm_history.build_frames(reference)
    models = {row["model_id"]: row for row in frames["models"].to_dicts()}
    assert set(models) >= {"gpt-4o", "o3-mini"}
    assert all(row["released_on"] is None for row in models.values())
    assert "first listed by LiteLLM 2025-03-12T08:01:55Z" in models["o3-mini"]["provenance"]
    assert "already in the first snapshot" in models["gpt-4o"]["provenance"]  # left-censored
    assert models["o3-mini"]["is_reasoning"] is True  # from the panel and the vintage, not first seen
    assert "text-embedding-3-small" not in set(frames["model_aliases"]["alias"])


def test_a_bad_panel_value_names_file_row_and_column(reference):
    path = reference / "token_prices" / "litellm_chat_price_panel_monthly_2025-02_2025-12.csv"
    path.write_text(PANEL_HEADER + PANEL_ROWS.replace("1.1,4.4", "1.1,lots"))
    with pytest.raises(FeedError) as caught:
        litellm_history.build_frames(reference)
    assert caught.value.row == 5 and caught.value.field == "output_usd_per_1m"


@pytest.mark.parametrize(("table", "max_share"), [("token_prices", 0.05), ("models", 0.0), ("model_aliases", 0.0)])
def test_the_bundled_snapshot_passes_its_contracts(table, max_share):
    path = FEEDS["litellm"].snapshot_dir / f"{table}.csv"
    frame = read_canonical(path.read_bytes(), table, path.name)
    checked = validate_frame(frame, CONTRACTS[table], table, dt.date(2026, 1, 1))
    assert checked.duplicates == 0
    quarantined = checked.quarantine["source_row"].n_unique()
    # the known unit errors in LiteLLM's file (W&B, jais, watsonx) and nothing else
    assert quarantined <= max_share * frame.height
    assert set(checked.quarantine["check_name"]) <= {"less_than_or_equal_to(1000.0)"}


def test_openrouter_bundles_nothing():
    assert snapshot_files(FEEDS["openrouter"]) == []
    assert FEEDS["openrouter"].bundled_range == "none (live only)"
