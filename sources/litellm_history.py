"""The bundled `litellm` history, derived from the reference downloads of LiteLLM's price file.

Inputs (in `token_prices/` of the reference folder, see its README):

* `litellm_chat_price_panel_monthly_2025-02_2025-12.csv`: the end-of-month state of every
  `mode=chat` entry, read from the git history of the price file (an hourly mirror). Each
  row is one `token_prices` observation, observed_on = the date of `snapshot_utc`; prices
  there are already USD per 1M tokens.
* `litellm_model_prices_asof_YYYY-MM-DD.json` (5 vintages): the file as served on that
  date, parsed by the live parser (sources.litellm), observed_on = the date in the name.
  Their dates never coincide with a panel snapshot, so the natural key stays unique.
* `litellm_model_first_seen_2025-02_2025-12.csv`: when each key first appeared, with its
  reasoning flag then. With the vintages and the panel's monthly flags it gives `models`
  and `model_aliases` (aggregated per canonical model id as the live parser does).

The same rules as the live parser apply (sources.litellm): the same modes, free entries
and ":free" variants are not token prices, nothing is rescaled (implausible prices are left
for the contract to quarantine).

released_on stays null. `first_seen_utc` is when LiteLLM first listed a key, not when the
model was released: listing lags release by days to months, and keys already present in
the first snapshot (2025-02-06, `present_in_initial_snapshot=True`) were listed at some
unknown earlier time (left-censored). The first-seen date is kept in the provenance only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from sources import litellm
from sources.csvio import read_csv_rows
from sources.errors import FeedError
from sources.schemas import NATURAL_KEYS, PRICE_COLUMNS
from sources.values import parse_float

PANEL_FILE = "token_prices/litellm_chat_price_panel_monthly_2025-02_2025-12.csv"
FIRST_SEEN_FILE = "token_prices/litellm_model_first_seen_2025-02_2025-12.csv"
VINTAGE_GLOB = "token_prices/litellm_model_prices_asof_*.json"

PANEL_COLUMNS = (
    "snapshot_utc",
    "rocry_commit",
    "model_key",
    "litellm_provider",
    "input_usd_per_1m",
    "output_usd_per_1m",
    "cache_read_input_usd_per_1m",
    "output_reasoning_usd_per_1m",
    "supports_reasoning",
)
FIRST_SEEN_COLUMNS = (
    "model_key",
    "litellm_provider",
    "mode",
    "supports_reasoning_at_first_seen",
    "first_seen_utc",
    "present_in_initial_snapshot",
)
# Panel column -> price role (already USD per 1M tokens).
PANEL_PRICES = {
    "input_usd_per_1m": "input",
    "output_usd_per_1m": "output",
    "cache_read_input_usd_per_1m": "cached_input",
    "output_reasoning_usd_per_1m": "reasoning",
}

T = TypeVar("T")


def build_frames(reference_dir: Path) -> dict[str, pl.DataFrame]:
    """Canonical `token_prices`, `models` and `model_aliases` frames of the bundled history."""
    # Observations in this order: the aggregation per model takes the first it sees.
    observations = [_first_seen_observations(reference_dir / FIRST_SEEN_FILE)]
    panel_prices, panel_observations = _panel(reference_dir / PANEL_FILE)
    prices = [panel_prices]
    observations.append(panel_observations)
    for path in sorted(reference_dir.glob(VINTAGE_GLOB)):
        observed_on = dt.date.fromisoformat(path.stem[-10:])
        entries = litellm.read_columns(path.read_bytes(), path.name)
        where = [litellm.location(path.name, row, key) for row, key in zip(entries.rows, entries.keys, strict=True)]
        prices.append(litellm.price_frame(entries, where, observed_on))
        observations.append(litellm.observation_frame_of(entries, where))
    token_prices = pl.concat(pl.collect_all(prices)).sort(["observed_on", "provider", "model"])
    _check_unique(token_prices, "token_prices")
    models, aliases = pl.collect_all(litellm.model_frames_of(pl.concat(observations)))
    return {
        "token_prices": token_prices,
        "models": models.sort("model_id"),
        "model_aliases": aliases.sort("alias"),
    }


def _panel(path: Path) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The panel's `token_prices` rows and its model observations (in file order)."""
    entries: list[tuple[Any, ...]] = []
    where: list[str] = []
    observed: list[dt.date] = []
    for row_number, row in _rows(path, PANEL_COLUMNS):
        key, provider = row["model_key"], row["litellm_provider"] or "unspecified"
        snapshot = row["snapshot_utc"]
        observed.append(_field(path, row_number, "snapshot_utc", _utc_date, snapshot))
        where.append(
            f"LiteLLM price file at {snapshot} (mirror commit {row['rocry_commit'][:12]}), "
            f"{path.name} row {row_number} {key!r}"
        )
        by_role = {
            role: _field(path, row_number, column, parse_float, row[column]) for column, role in PANEL_PRICES.items()
        }
        row_prices = [by_role[role] for role in litellm.PRICE_FIELDS.values()]
        flag = _flag(path, row_number, "supports_reasoning", row["supports_reasoning"])
        entries.append((row_number, key, provider, "chat", flag, *row_prices))
    by_date: dict[dt.date, list[int]] = {}
    for position, day in enumerate(observed):
        by_date.setdefault(day, []).append(position)
    price_frames = [
        litellm.price_frame(litellm.entry_columns([entries[i] for i in positions]), [where[i] for i in positions], day)
        for day, positions in by_date.items()
    ]
    prices = pl.concat(price_frames) if price_frames else pl.LazyFrame(schema=PRICE_COLUMNS)
    return prices, litellm.observation_frame_of(litellm.entry_columns(entries), where)


def _first_seen_observations(path: Path) -> pl.LazyFrame:
    entries: list[tuple[Any, ...]] = []
    where: list[str] = []
    no_prices = [None] * len(litellm.PRICE_FIELDS)
    for row_number, row in _rows(path, FIRST_SEEN_COLUMNS):
        if row["mode"] not in litellm.KEPT_MODES:
            continue
        key = row["model_key"]
        note = f"{path.name} row {row_number}: {key!r} first listed by LiteLLM {row['first_seen_utc']}"
        if _flag(path, row_number, "present_in_initial_snapshot", row["present_in_initial_snapshot"]):
            note += " (already in the first snapshot of 2025-02-06, so listed earlier)"
        flag = _flag(path, row_number, "supports_reasoning_at_first_seen", row["supports_reasoning_at_first_seen"])
        provider = row["litellm_provider"] or "unspecified"
        entries.append((row_number, key, provider, row["mode"], flag, *no_prices))
        where.append(note)
    return litellm.observation_frame_of(litellm.entry_columns(entries), where)


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    rows = read_csv_rows(path.read_bytes(), feed=litellm.FEED_ID, source=path.name, required=required)
    for offset, row in enumerate(rows):
        yield offset + 2, row  # the header is row 1, as in a spreadsheet


def _field(path: Path, row_number: int, column: str, parse: Callable[[str], T], text: str) -> T:
    try:
        return parse(text)
    except ValueError as exc:  # ValueParseError included
        raise FeedError(str(exc), feed=litellm.FEED_ID, source=path.name, row=row_number, field=column) from None


def _utc_date(text: str) -> dt.date:
    """The date of an ISO UTC timestamp such as 2025-02-28T05:07:43Z."""
    return dt.date.fromisoformat(text.strip()[:10])


def _flag(path: Path, row_number: int, column: str, text: str) -> bool | None:
    def fail(message: str, field: str) -> FeedError:
        return FeedError(message, feed=litellm.FEED_ID, source=path.name, row=row_number, field=field)

    return litellm.parse_flag(text or None, column, fail)


def _check_unique(frame: pl.DataFrame, table: str) -> None:
    key = list(NATURAL_KEYS[table])
    repeated = frame.filter(pl.struct(key).is_duplicated())
    if repeated.height:
        raise ValueError(f"{table}: {repeated.height} rows repeat a natural key, e.g. {repeated.row(0)}")
