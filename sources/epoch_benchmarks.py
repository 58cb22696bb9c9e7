"""Capability scores from Epoch AI's Benchmarking Hub, its MMLU collection and the ECI.

Three exports of epoch-research/benchmark-stitching (MIT / CC BY 4.0, Epoch AI), detected from
the header by `sources.epoch_models.parse`, each to `model_capabilities`:

* Benchmarking Hub runs (`Best score (across scorers)`): one row per run of a task on a model
  version. Tasks map to benchmark ids (`TASK_BENCHMARKS`); the public subsets of FrontierMath
  are left out (the private sets are the benchmark). The hub's score is a fraction 0..1 and is
  stored in percent like every other benchmark.
* External MMLU scores (`EM`, `Shots`): scores collected from leaderboards and papers, `EM`
  as a percent string ("77.0%"). The export gives no date, so a score counts from the file's
  own date (`observed_on`). Where one version has several reports, the lowest is kept, so
  capability is never overstated.
* Epoch Capabilities Index (`ECI Score`): one scale across models and time (about 75..150 in
  the 2025-11-07 export), benchmark `eci`; rows without a score are skipped.

Model identity. `model` is the version id without its evaluation setting
("o3-2025-04-16_high" -> "o3-2025-04-16"), so canonical ids match the API ids price feeds list.
A version evaluated at several reasoning efforts or thinking budgets (`_high`, `_low`, `_32K`)
keeps its best score: the per-token price of a model is the same at every effort, so the best
setting is what that per-token price buys (the extra tokens a high effort spends are a cost
per task, measured separately by the token multiplier). The setting of the kept score and the
scores of the other settings are named in `provenance`, so nothing is lost.

Dates. A score counts from the version's release date when it is known (`release_dates`, from
the Benchmarking Hub model-versions export of the same vintage: the hub evaluates models on
release, while the export's `started_at` is the latest re-run — every run in the 2025-11 export
is from 2025, GPT-4's included). Without a release date, the earliest `started_at` date of the
version's runs, else the file's date. ECI rows carry their own release date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from sources.csvio import read_csv_rows
from sources.errors import FeedError
from sources.schemas import frame_from_records
from sources.values import ValueParseError, parse_date, parse_float

FEED_ID = "epoch_models"
LICENCE = "MIT / CC BY 4.0, Epoch AI (epoch-research/benchmark-stitching)"

HUB_RUN_COLUMNS = ("task", "model", "Best score (across scorers)")
HUB_VERSION_COLUMNS = ("id", "Version release date")
MMLU_COLUMNS = ("Name", "EM", "Model version")
ECI_COLUMNS = ("Model version", "ECI Score", "Release date")

TASK_BENCHMARKS: dict[str, str] = {
    "GPQA diamond": "gpqa_diamond",
    "MATH level 5": "math_level_5",
    "OTIS Mock AIME 2024-2025": "otis_mock_aime",
    "FrontierMath-2025-02-28-Private": "frontiermath",
    "FrontierMath-Tier-4-2025-07-01-Private": "frontiermath_tier_4",
    "SWE-Bench verified": "swe_bench_verified",
}
HUB_SOURCE = "epoch_benchmarking_hub"
MMLU_SOURCE = "epoch_external_mmlu"
ECI_SOURCE = "epoch_capabilities_index"

# The evaluation setting Epoch AI appends to a version id (as sources.identity strips it).
_SETTING = re.compile(r"_(high|medium|low|minimal|thinking|\d+k)$", re.IGNORECASE)


def split_setting(version: str) -> tuple[str, str]:
    """("o3-2025-04-16_high") -> ("o3-2025-04-16", "high"); no setting -> (version, "")."""
    match = _SETTING.search(version)
    if not match:
        return version, ""
    return version[: match.start()], match.group(1)


def _started_on(text: str) -> dt.date | None:
    """'17 November 2025 4:28pm' -> 2025-11-17 (the export's run timestamp)."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(" ".join(text.split()[:3]), "%d %B %Y").date()
    except ValueError as exc:
        raise ValueParseError(f"not a date like '17 November 2025 4:28pm': {text!r}") from exc


def _value(parser: Callable[[str], Any], row: dict[str, str], field: str, source: str, row_number: int) -> Any:
    try:
        return parser(row.get(field, ""))
    except ValueParseError as exc:
        raise FeedError(str(exc), feed=FEED_ID, source=source, row=row_number, field=field) from exc


@dataclass
class _Score:
    model: str
    benchmark: str
    observed_on: dt.date
    score: float
    setting: str
    row_number: int
    where: str  # what the row is, for provenance


def _percent(text: str) -> float | None:
    return parse_float(text.strip().rstrip("%"))


def _collapse(scores: list[_Score], source: str, keep: str) -> pl.DataFrame:
    """One row per (model, benchmark, date): the best setting (`keep="max"`) or lowest report."""
    groups: dict[tuple[str, str, dt.date], list[_Score]] = {}
    for score in scores:
        groups.setdefault((score.model, score.benchmark, score.observed_on), []).append(score)
    records = []
    for (model, benchmark, observed_on), group in groups.items():
        ordered = sorted(group, key=lambda s: (-s.score if keep == "max" else s.score, s.row_number))
        kept = ordered[0]
        note = kept.where
        if kept.setting:
            note += f"; evaluation setting {kept.setting}"
        others = [f"{s.setting or 'default'} {s.score:.1f} (row {s.row_number})" for s in ordered[1:]]
        if others:
            rule = "best setting kept (same per-token price)" if keep == "max" else "lowest report kept"
            note += f"; also {', '.join(others)}: {rule}"
        records.append(
            {
                "source": source,
                "model": model,
                "observed_on": observed_on,
                "benchmark": benchmark,
                "score": kept.score,
                "source_row": kept.row_number,
                "provenance": f"{note}; {LICENCE}",
            }
        )
    return frame_from_records(records, "model_capabilities")


def hub_release_dates(payload: bytes, source: str) -> dict[str, dt.date]:
    """Version id -> release date from a Benchmarking Hub model-versions export."""
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=HUB_VERSION_COLUMNS)
    dates = {}
    for offset, row in enumerate(rows):
        released = _value(parse_date, row, "Version release date", source, offset + 2)
        if released is not None:
            dates[row["id"]] = released
    return dates


def parse_hub_runs(
    payload: bytes, source: str, observed_on: dt.date, release_dates: Mapping[str, dt.date] | None = None
) -> pl.DataFrame:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=HUB_RUN_COLUMNS)
    release_dates = release_dates or {}
    runs = []
    earliest_run: dict[str, dt.date] = {}
    for offset, row in enumerate(rows):
        row_number = offset + 2
        benchmark = TASK_BENCHMARKS.get(row["task"].strip())
        fraction = _value(parse_float, row, "Best score (across scorers)", source, row_number)
        started = _value(_started_on, row, "started_at", source, row_number)
        if benchmark is None or fraction is None or not row["model"]:
            continue
        version, setting = split_setting(row["model"])
        if started and (version not in earliest_run or started < earliest_run[version]):
            earliest_run[version] = started
        runs.append((row, row_number, benchmark, fraction, version, setting))
    scores = []
    for row, row_number, benchmark, fraction, version, setting in runs:
        # One date per version, so its settings compete for one row.
        released = release_dates.get(row["model"]) or release_dates.get(version)
        started = earliest_run.get(version)
        date, dated_by = (
            (released, "dated by the version's release date")
            if released
            else (started, "dated by its earliest run")
            if started
            else (observed_on, "dated by the file")
        )
        where = (
            f"Epoch AI Benchmarking Hub run {row.get('id', '')} ({source}), row {row_number}: "
            f"{row['task']} on {row['model']}, best score {fraction:g} (fraction; stored in percent); {dated_by}"
        )
        scores.append(_Score(version, benchmark, min(date, observed_on), 100.0 * fraction, setting, row_number, where))
    return _collapse(scores, HUB_SOURCE, keep="max")


def parse_external_mmlu(payload: bytes, source: str, observed_on: dt.date) -> pl.DataFrame:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=MMLU_COLUMNS)
    scores = []
    for offset, row in enumerate(rows):
        row_number = offset + 2
        score = _value(_percent, row, "EM", source, row_number)
        model = row["Model version"] or row["Name"]
        if score is None or not model:
            continue
        where = (
            f"Epoch AI external MMLU scores ({source}), row {row_number}: {row['Name']}, "
            f"{row.get('Shots', '')}-shot, from {row.get('Source', '') or 'unnamed source'}; "
            "undated in the export, counted from the file's date"
        )
        scores.append(_Score(model, "mmlu", observed_on, score, "", row_number, where))
    return _collapse(scores, MMLU_SOURCE, keep="min")


def parse_capabilities_index(payload: bytes, source: str, observed_on: dt.date) -> pl.DataFrame:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=ECI_COLUMNS)
    scores = []
    for offset, row in enumerate(rows):
        row_number = offset + 2
        score = _value(parse_float, row, "ECI Score", source, row_number)
        if score is None or not row["Model version"]:
            continue
        released = _value(parse_date, row, "Release date", source, row_number)
        version, setting = split_setting(row["Model version"])
        where = f"Epoch Capabilities Index ({source}), row {row_number}: {row['Model version']}" + (
            "" if released else "; no release date, counted from the file's date"
        )
        date = min(released or observed_on, observed_on)
        scores.append(_Score(version, "eci", date, score, setting, row_number, where))
    return _collapse(scores, ECI_SOURCE, keep="max")
