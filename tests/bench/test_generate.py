"""The benchmark data generator (bench.generate): deterministic, and readable by the real parsers.

Only the generator is tested here; the benchmarks themselves run through `make bench`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bench.generate import Profile, generate, load_profile, plan_for, scale_dir
from sources.contracts import CONTRACTS
from sources.registry import FEEDS
from warehouse.ingest import vintage_date
from warehouse.validate import validate_frame

SMALL = 0.02


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile()


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path: Path, profile: Profile) -> None:
    generate(tmp_path / "a", SMALL, seed=7, profile=profile)
    generate(tmp_path / "b", SMALL, seed=7, profile=profile)
    generate(tmp_path / "c", SMALL, seed=8, profile=profile)
    first = _files(scale_dir(tmp_path / "a", SMALL))
    assert first == _files(scale_dir(tmp_path / "b", SMALL))
    other = _files(scale_dir(tmp_path / "c", SMALL))
    assert first.keys() == other.keys()
    assert any(first[name] != other[name] for name in first if name.startswith("litellm/"))


def test_output_parses_with_the_real_parsers_and_passes_the_contracts(tmp_path: Path, profile: Profile) -> None:
    manifest = generate(tmp_path, SMALL, seed=3, profile=profile)
    directory = scale_dir(tmp_path, SMALL)
    assert manifest["synthetic"] is True
    rows: dict[str, int] = {}
    for feed_id, files in manifest["files"].items():
        assert files, feed_id
        for relative in files:
            path = directory / relative
            assert "synthetic" in path.name
            frames = FEEDS[feed_id].parser(path.read_bytes(), path.name, vintage_date(path))
            for table, frame in frames.items():
                checked = validate_frame(frame, CONTRACTS[table], table, dt.date.today())
                assert checked.quarantine.height == 0, (relative, table, checked.quarantine.head(3))
                rows[f"{feed_id}.{table}"] = rows.get(f"{feed_id}.{table}", 0) + frame.height
    counts = manifest["counts"]
    assert rows["litellm.token_prices"] == counts["litellm_price_rows"]
    assert rows["openrouter.token_prices"] == counts["openrouter_price_rows"]
    assert rows["epoch_prices.token_prices"] == counts["benchmark_table_rows"]
    assert rows["epoch_chips.chip_shipments"] == counts["chip_rows"]
    assert rows["epoch_usage.demand_observations"] == counts["usage_rows"]
    # The manifest is reused for the same seed and scale instead of writing everything again.
    assert generate(tmp_path, SMALL, seed=3, profile=profile)["reused"] is True
    assert json.loads((directory / "MANIFEST.json").read_text())["complete"] is True


def test_scales_multiply_todays_volume(profile: Profile) -> None:
    one, hundred = plan_for(1, profile), plan_for(100, profile)
    assert one.litellm_rows == profile.litellm_rows
    assert hundred.litellm_rows == 100 * profile.litellm_rows
    assert len(one.litellm_dates) == 16
    assert len(hundred.litellm_dates) > 2 * 365  # years of daily vintages
    assert hundred.litellm_dates[-1] == one.litellm_dates[-1]
