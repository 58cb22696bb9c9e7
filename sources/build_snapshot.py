"""Regenerate the bundled snapshot from a folder of public downloads.

    python -m sources.build_snapshot ../shared/reference

The folder is laid out like `shared/reference/` (token_prices/, model_releases/, chips/).
Each file is parsed with the same parser a live or `--file` load uses, then written in
the canonical schema, so the snapshot holds facts with provenance, not copies of files.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl

from sources import (
    epoch_benchmarks,
    epoch_chips,
    epoch_hardware,
    epoch_models,
    epoch_prices,
    epoch_usage,
    nvidia_revenue,
)
from sources.litellm_history import build_frames as build_litellm_frames
from sources.registry import FEEDS
from sources.snapshot import write_canonical

EPOCH_PRICE_FILES = (
    "token_prices/epoch_api_prices_full_view_2025-02-05.csv",
    "token_prices/epoch_aa_price_benchmarks_2025-03.csv",
    "token_prices/epoch_price_benchmarks_not_in_aa_2025-03.csv",
)


def build_epoch_prices(reference_dir: Path) -> dict[str, int]:
    frames: dict[str, list[pl.DataFrame]] = {}
    for relative in EPOCH_PRICE_FILES:
        path = reference_dir / relative
        parsed = epoch_prices.parse(path.read_bytes(), path.name)
        for table, frame in parsed.items():
            frames.setdefault(table, []).append(frame)
    counts = {}
    for table, parts in frames.items():
        combined = pl.concat(parts).sort(["source", "model", "observed_on", "source_row"])
        write_canonical(combined, table, FEEDS["epoch_prices"].snapshot_dir / f"{table}.csv")
        counts[table] = combined.height
    return counts


CHIP_TIMELINE_FILES = (
    "chips/epoch_chipcounts_nvidia_calendar_quarter_chip_timelines.csv",
    "chips/epoch_chipcounts_tpu_calendar_quarter_chip_timelines.csv",
    "chips/epoch_chipcounts_amd_chip_timelines.csv",
    "chips/epoch_chipcounts_trainium_chip_timelines.csv",
)
# Every reference row states its own "Estimates generated on" date; this fallback vintage
# (the latest such date in the download) only applies to a row without one.
CHIP_COUNTS_VINTAGE = dt.date(2026, 4, 3)
NVIDIA_REVENUE_FILES = (
    "chips/epoch_nvidia_quarterly_revenue_FY23Q1-FY26Q3.csv",
    "chips/epoch_nvidia_gpu_annual_prices_2022-2025.csv",
)
ML_HARDWARE_FILES = ("chips/epoch_ml_hardware_2025-12.csv",)


def _build_feed(
    reference_dir: Path,
    feed_id: str,
    files: tuple[str, ...],
    parse: Callable[[bytes, str], dict[str, pl.DataFrame]],
    sort_by: dict[str, list[str]],
) -> dict[str, int]:
    frames: dict[str, list[pl.DataFrame]] = {}
    for relative in files:
        path = reference_dir / relative
        for table, frame in parse(path.read_bytes(), path.name).items():
            frames.setdefault(table, []).append(frame)
    counts = {}
    for table, parts in frames.items():
        combined = pl.concat(parts).sort(sort_by[table])
        write_canonical(combined, table, FEEDS[feed_id].snapshot_dir / f"{table}.csv")
        counts[table] = combined.height
    return counts


def build_epoch_chips(reference_dir: Path) -> dict[str, int]:
    return _build_feed(
        reference_dir,
        "epoch_chips",
        CHIP_TIMELINE_FILES,
        lambda payload, name: epoch_chips.parse(payload, name, CHIP_COUNTS_VINTAGE),
        {"chip_shipments": ["vendor", "period_start", "chip"]},
    )


def build_nvidia_revenue(reference_dir: Path) -> dict[str, int]:
    return _build_feed(
        reference_dir,
        "nvidia_revenue",
        NVIDIA_REVENUE_FILES,
        nvidia_revenue.parse,
        {"vendor_revenue": ["company", "period_start"], "gpu_prices": ["chip", "year"]},
    )


def build_epoch_hardware(reference_dir: Path) -> dict[str, int]:
    return _build_feed(
        reference_dir, "epoch_hardware", ML_HARDWARE_FILES, epoch_hardware.parse, {"hardware_specs": ["chip"]}
    )


def build_litellm(reference_dir: Path) -> dict[str, int]:
    """LiteLLM monthly price panel and dated vintages; models and aliases (see sources.litellm_history)."""
    counts = {}
    for table, frame in build_litellm_frames(reference_dir).items():
        write_canonical(frame, table, FEEDS["litellm"].snapshot_dir / f"{table}.csv")
        counts[table] = frame.height
    return counts


# (file, the date it describes). Release dates after that date are withheld by the parser;
# the Epoch Capabilities Index lists carry no date in their name, so the build date stands in.
EPOCH_MODEL_FILES: tuple[tuple[str, dt.date | None], ...] = (
    ("model_releases/epoch_notable_ai_models_2025-04.csv", dt.date(2025, 4, 30)),
    ("model_releases/epoch_benchmarking_hub_model_versions_2025-05.csv", dt.date(2025, 5, 31)),
    ("model_releases/reasoning_models_release_dates_from_epoch_eci.csv", None),
    ("model_releases/non_reasoning_reference_models_from_epoch_eci.csv", None),
    ("token_prices/epoch_eval_token_usage_2025-03.csv", dt.date(2025, 3, 31)),
)
# Capability scores (file, its date). Hub runs are dated by the release dates in the model-versions
# export of the same vintage (see sources.epoch_benchmarks).
HUB_RUNS_FILE = ("model_releases/epoch_benchmarking_hub_benchmark_runs_2025-11.csv", dt.date(2025, 11, 17))
HUB_VERSIONS_FILE = "model_releases/epoch_benchmarking_hub_model_versions_2025-11.csv"
EPOCH_SCORE_FILES: tuple[tuple[str, dt.date], ...] = (
    ("model_releases/epoch_external_benchmark_mmlu_2025-11.csv", dt.date(2025, 11, 30)),
    ("model_releases/epoch_capabilities_index_2025-11-07.csv", dt.date(2025, 11, 7)),
)
EPOCH_USAGE_FILES = ("chips/epoch_ai_companies_usage_reports_2025-12.csv",)
EPOCH_USAGE_VINTAGE = dt.date(2025, 12, 31)


def build_epoch_models(reference_dir: Path) -> dict[str, int]:
    """Models and aliases from four Epoch AI model lists, plus eval token usage (see sources.epoch_models)."""
    frames: dict[str, list[pl.DataFrame]] = {}
    for relative, vintage in EPOCH_MODEL_FILES:
        path = reference_dir / relative
        parsed = epoch_models.parse(path.read_bytes(), path.name, vintage or dt.date.today())
        for table, frame in parsed.items():
            frames.setdefault(table, []).append(frame)
    frames["model_capabilities"] = _epoch_scores(reference_dir)
    sort_by = {
        "models": ["source", "model_id"],
        "model_aliases": ["model_id", "alias"],
        "eval_token_usage": ["model", "task"],
        "model_capabilities": ["source", "model", "benchmark", "observed_on"],
    }
    counts = {}
    for table, parts in frames.items():
        combined = pl.concat(parts)
        if table == "model_aliases":
            # An alias named in several files keeps its first (notable models, hub, ECI lists).
            combined = combined.unique(subset=["feed", "alias"], keep="first", maintain_order=True)
        combined = combined.sort(sort_by[table])
        write_canonical(combined, table, FEEDS["epoch_models"].snapshot_dir / f"{table}.csv")
        counts[table] = combined.height
    return counts


def _epoch_scores(reference_dir: Path) -> list[pl.DataFrame]:
    versions = reference_dir / HUB_VERSIONS_FILE
    release_dates = epoch_benchmarks.hub_release_dates(versions.read_bytes(), versions.name)
    runs, runs_date = reference_dir / HUB_RUNS_FILE[0], HUB_RUNS_FILE[1]
    scores = [epoch_benchmarks.parse_hub_runs(runs.read_bytes(), runs.name, runs_date, release_dates)]
    for relative, file_date in EPOCH_SCORE_FILES:
        path = reference_dir / relative
        scores.append(epoch_models.parse(path.read_bytes(), path.name, file_date)["model_capabilities"])
    return scores


def build_epoch_usage(reference_dir: Path) -> dict[str, int]:
    return _build_feed(
        reference_dir,
        "epoch_usage",
        EPOCH_USAGE_FILES,
        lambda payload, name: epoch_usage.parse(payload, name, EPOCH_USAGE_VINTAGE),
        {"demand_observations": ["observed_on", "observation_id"]},
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    reference_dir = Path(argv[0])
    counts = build_epoch_prices(reference_dir)
    for table, rows in counts.items():
        print(f"epoch_prices/{table}.csv: {rows} rows")
    for feed_id, build in (
        ("epoch_chips", build_epoch_chips),
        ("nvidia_revenue", build_nvidia_revenue),
        ("epoch_hardware", build_epoch_hardware),
        ("litellm", build_litellm),
        ("epoch_models", build_epoch_models),
        ("epoch_usage", build_epoch_usage),
    ):
        for table, rows in build(reference_dir).items():
            print(f"{feed_id}/{table}.csv: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
