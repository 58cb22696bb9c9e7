"""Feed `epoch_models`: Epoch AI's model releases, reasoning model lists and eval token usage.

The live endpoint serves the Notable AI Models export; `--file` and the bundled snapshot
also accept seven related Epoch AI exports. The format is detected from the header:

* Notable AI Models (`Publication date`): one row per model. `Model accessibility` maps to
  `open_weights`: "Open weights (unrestricted / non-commercial / restricted use)" -> true;
  "Unreleased", "API access", "Hosted access (no API)" -> false; empty or any other value
  -> null (unknown). The export says nothing about test-time reasoning, so `is_reasoning`
  is null; `Frontier model` and the compute columns are not part of the canonical schema.
* Benchmarking Hub model versions (`Version release date`): one row per API/weights
  version, linked to its model by `Model`. A row without a model name (gemini-exp-1206) is
  named by its version id. The file gives a Hugging Face account, not the developer, so
  `organization` is "" and `open_weights` null.
* Reasoning models from the Epoch Capabilities Index (`reasoning_control_annotation`):
  `is_reasoning` true; `reasoning_mode` "hybrid" when the annotation says hybrid (thinking
  can be switched off), "always_on" when it says always-on or only effort levels, else null.
* Non-reasoning reference models from the same index (`model_version`, `model_name`, no
  annotation): `is_reasoning` false, `reasoning_mode` "none".
* Eval token usage (`output_tokens`): tokens per benchmark run, to table `eval_token_usage`.
* Benchmarking Hub runs, external MMLU scores and Epoch Capabilities Index scores: to table
  `model_capabilities` (see sources.epoch_benchmarks).

Model files give `models` and `model_aliases`. Each file kind has its own `source`
(epoch_notable_models, epoch_benchmarking_hub, epoch_eci_reasoning, epoch_eci_non_reasoning),
so `models` stays unique on (source, model_id). Rows of one file that share a canonical id
(dated versions of one model, e.g. GPT-4o 2024-05-13 / 2024-08-06 / 2024-11-20) become one
row: the earliest release date, the name, organisation and flags of the earliest row (a
missing value is taken from the next row that has one), and a provenance listing every row.

A release date later than the payload's own date (`observed_on`: the fetch date, or the
vintage of a dated file) cannot be a fact as of that payload. The benchmarking-hub export of
2025-05 dates gemini-exp-1206 to 2025-12-06, most likely a typo for 2024-12-06; rather than
invent a correction or lose the model, such a date is withheld (released_on null) and the
provenance quotes it. Dates before the models contract's earliest release date
(`sources.contracts.EARLIEST_MODEL_RELEASE`, 1950-01-01) are withheld the same way.

Aliases are each row's model name and version id, mapped to the model's canonical id.
`match_method` is "exact" when the alias is the id, "normalized" when
`canonical_model_id(alias)` gives the id, and "manual" when the link is Epoch AI's own
curated version -> model mapping (gpt-4.5-preview-2025-02-27 -> GPT-4.5). An alias that
repeats within a file keeps its first row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from sources import epoch_benchmarks
from sources.contracts import EARLIEST_MODEL_RELEASE
from sources.csvio import decode_text, read_csv_rows
from sources.errors import FeedError, StructuralError
from sources.identity import canonical_model_id
from sources.schemas import frame_from_records
from sources.values import ValueParseError, parse_date, parse_float

FEED_ID = "epoch_models"
LICENCE = "CC BY 4.0, Epoch AI"
DEFAULT_ENDPOINT = "https://epoch.ai/data/notable_ai_models.csv"

NOTABLE_COLUMNS = ("Model", "Organization", "Publication date")
HUB_COLUMNS = ("id", "Model", "Version release date")
ECI_COLUMNS = ("model_version", "model_name", "organization", "release_date")
ECI_REASONING_COLUMNS = (*ECI_COLUMNS, "reasoning_control_annotation")
EVAL_USAGE_COLUMNS = ("Model", "Task", "epochs", "total_samples", "input_tokens", "output_tokens", "total_tokens")

_OPEN_WEIGHTS_PREFIX = "open weights"
_CLOSED_PREFIXES = ("unreleased", "api access", "hosted access")


@dataclass(frozen=True)
class _ModelFile:
    """How one export kind maps to canonical model facts."""

    source: str  # the `source` value of its rows in `models`
    title: str  # names the export in provenance notes
    required: tuple[str, ...]
    name_field: str
    version_field: str | None
    date_field: str
    organization_field: str | None
    accessibility_field: str | None
    reasoning: Callable[[dict[str, str]], tuple[bool | None, str | None]]


def _unknown_reasoning(row: dict[str, str]) -> tuple[bool | None, str | None]:
    return None, None


def _not_reasoning(row: dict[str, str]) -> tuple[bool | None, str | None]:
    return False, "none"


def reasoning_mode(annotation: str) -> str | None:
    """'hybrid: optional extended thinking' -> hybrid; 'always-on; effort levels' -> always_on."""
    text = annotation.lower()
    if "hybrid" in text:
        return "hybrid"
    if "always-on" in text or "always on" in text or "effort" in text:
        return "always_on"
    return None


def _annotated_reasoning(row: dict[str, str]) -> tuple[bool | None, str | None]:
    return True, reasoning_mode(row.get("reasoning_control_annotation", ""))


NOTABLE = _ModelFile(
    source="epoch_notable_models",
    title="Notable AI Models export",
    required=NOTABLE_COLUMNS,
    name_field="Model",
    version_field=None,
    date_field="Publication date",
    organization_field="Organization",
    accessibility_field="Model accessibility",
    reasoning=_unknown_reasoning,
)
HUB = _ModelFile(
    source="epoch_benchmarking_hub",
    title="Benchmarking Hub model versions",
    required=HUB_COLUMNS,
    name_field="Model",
    version_field="id",
    date_field="Version release date",
    organization_field=None,
    accessibility_field=None,
    reasoning=_unknown_reasoning,
)
ECI_REASONING = _ModelFile(
    source="epoch_eci_reasoning",
    title="reasoning models of the Epoch Capabilities Index",
    required=ECI_REASONING_COLUMNS,
    name_field="model_name",
    version_field="model_version",
    date_field="release_date",
    organization_field="organization",
    accessibility_field="model_accessibility",
    reasoning=_annotated_reasoning,
)
ECI_NON_REASONING = _ModelFile(
    source="epoch_eci_non_reasoning",
    title="non-reasoning reference models of the Epoch Capabilities Index",
    required=ECI_COLUMNS,
    name_field="model_name",
    version_field="model_version",
    date_field="release_date",
    organization_field="organization",
    accessibility_field="model_accessibility",
    reasoning=_not_reasoning,
)


def parse(payload: bytes, source: str, observed_on: dt.date) -> dict[str, pl.DataFrame]:
    """Parse any of the eight Epoch AI export formats into canonical frames keyed by table."""
    header = _header(payload, source)
    if "output_tokens" in header or "total_samples" in header:
        return {"eval_token_usage": parse_eval_token_usage(payload, source)}
    if "Best score (across scorers)" in header:
        return {"model_capabilities": epoch_benchmarks.parse_hub_runs(payload, source, observed_on)}
    if "ECI Score" in header:
        return {"model_capabilities": epoch_benchmarks.parse_capabilities_index(payload, source, observed_on)}
    if "EM" in header and "Shots" in header:
        return {"model_capabilities": epoch_benchmarks.parse_external_mmlu(payload, source, observed_on)}
    for signature, kind in (
        ("Publication date", NOTABLE),
        ("Version release date", HUB),
        ("reasoning_control_annotation", ECI_REASONING),
        ("model_version", ECI_NON_REASONING),
    ):
        if signature in header:
            models, aliases = parse_model_file(payload, source, observed_on, kind)
            return {"models": models, "model_aliases": aliases}
    raise StructuralError(
        "not an Epoch AI model export: expected Notable AI Models ('Publication date'), "
        "Benchmarking Hub versions ('Version release date') or runs ('Best score (across scorers)'), "
        "an Epoch Capabilities Index model list ('model_version') or scores ('ECI Score'), "
        "external MMLU scores ('EM', 'Shots') or eval token usage ('output_tokens')",
        feed=FEED_ID,
        source=source,
    )


def _header(payload: bytes, source: str) -> list[str]:
    text = decode_text(payload, feed=FEED_ID, source=source)
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:
        raise StructuralError(f"malformed CSV header: {exc}", feed=FEED_ID, source=source, row=1) from exc
    return [name.strip() for name in first]


def _value(parser: Callable[[str], Any], row: dict[str, str], field: str, source: str, row_number: int) -> Any:
    try:
        return parser(row.get(field, ""))
    except ValueParseError as exc:
        raise FeedError(str(exc), feed=FEED_ID, source=source, row=row_number, field=field) from exc


def open_weights(accessibility: str) -> bool | None:
    text = accessibility.strip().lower()
    if text.startswith(_OPEN_WEIGHTS_PREFIX):
        return True
    if text.startswith(_CLOSED_PREFIXES):
        return False
    return None


def match_method(alias: str, model_id: str) -> str:
    if alias == model_id:
        return "exact"
    if canonical_model_id(alias) == model_id:
        return "normalized"
    return "manual"


def parse_model_file(
    payload: bytes, source: str, observed_on: dt.date, kind: _ModelFile
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=kind.required)
    groups: dict[str, list[dict[str, Any]]] = {}
    aliases: dict[str, dict[str, Any]] = {}
    for offset, row in enumerate(rows):
        row_number = offset + 2
        version = row.get(kind.version_field, "") if kind.version_field else ""
        name = row[kind.name_field] or version
        model_id = canonical_model_id(name)
        released_on = _value(parse_date, row, kind.date_field, source, row_number)
        note = _implausible_date_note(released_on, observed_on)
        if note:
            released_on = None
        is_reasoning, mode = kind.reasoning(row)
        accessibility = row.get(kind.accessibility_field, "") if kind.accessibility_field else ""
        groups.setdefault(model_id, []).append(
            {
                "source": kind.source,
                "model_id": model_id,
                "model_name": name,
                "organization": row.get(kind.organization_field, "") if kind.organization_field else "",
                "released_on": released_on,
                "open_weights": open_weights(accessibility),
                "is_reasoning": is_reasoning,
                "reasoning_mode": mode,
                "source_row": row_number,
                "note": note,
            }
        )
        for alias in (row[kind.name_field], version):
            if alias and alias not in aliases:
                aliases[alias] = {
                    "feed": FEED_ID,
                    "alias": alias,
                    "model_id": model_id,
                    "match_method": match_method(alias, model_id),
                    "source_row": row_number,
                    "provenance": f"Epoch AI {kind.title} ({source}), row {row_number}; {LICENCE}",
                }
    models = [_merge(group, kind, source) for group in groups.values()]
    return frame_from_records(models, "models"), frame_from_records(list(aliases.values()), "model_aliases")


def _implausible_date_note(released_on: dt.date | None, observed_on: dt.date) -> str:
    if released_on is None:
        return ""
    if released_on > observed_on:
        return f"source date {released_on.isoformat()} is after the file's date {observed_on.isoformat()}; withheld"
    if released_on < EARLIEST_MODEL_RELEASE:
        return (
            f"source date {released_on.isoformat()} is before {EARLIEST_MODEL_RELEASE.isoformat()}, "
            "the earliest release date the models contract accepts; withheld"
        )
    return ""


def _merge(group: list[dict[str, Any]], kind: _ModelFile, source: str) -> dict[str, Any]:
    """One row for all rows of a file that share a model id: the earliest release leads."""
    ordered = sorted(group, key=lambda r: (r["released_on"] is None, r["released_on"] or dt.date.min))
    merged = dict(ordered[0])
    for field in ("organization", "open_weights", "reasoning_mode"):
        if merged[field] in (None, ""):
            merged[field] = next((r[field] for r in ordered if r[field] not in (None, "")), merged[field])
    note = f"Epoch AI {kind.title} ({source}), row {merged['source_row']}"
    others = sorted(r["source_row"] for r in ordered[1:])
    if others:
        note += f"; same model in rows {', '.join(map(str, others))} (earliest release kept)"
    for row in ordered:
        if row["note"]:
            note += f"; {row['note']}" if len(group) == 1 else f"; row {row['source_row']}: {row['note']}"
    merged["provenance"] = f"{note}; {LICENCE}"
    del merged["note"]
    return merged


def _parse_count(text: str) -> int | None:
    value = parse_float(text)
    if value is None:
        return None
    if not value.is_integer() or abs(value) >= 2**63:
        raise ValueParseError(f"not a whole number: {text!r}")
    return int(value)


def parse_eval_token_usage(payload: bytes, source: str) -> pl.DataFrame:
    rows = read_csv_rows(payload, feed=FEED_ID, source=source, required=EVAL_USAGE_COLUMNS)
    records = []
    for offset, row in enumerate(rows):
        row_number = offset + 2
        records.append(
            {
                "model": row["Model"],
                "task": row["Task"],
                "epochs": _value(_parse_count, row, "epochs", source, row_number),
                "samples": _value(_parse_count, row, "total_samples", source, row_number),
                "input_tokens": _value(parse_float, row, "input_tokens", source, row_number),
                "output_tokens": _value(parse_float, row, "output_tokens", source, row_number),
                "total_tokens": _value(parse_float, row, "total_tokens", source, row_number),
                "source_row": row_number,
                "provenance": f"Epoch AI eval token usage ({source}), row {row_number}; {LICENCE}",
            }
        )
    return frame_from_records(records, "eval_token_usage")
