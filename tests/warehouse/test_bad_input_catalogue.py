"""A catalogue of bad inputs, each fed to `infercast ingest FEED --file F` on a warehouse that
already holds good data, with the exit code, the message and the warehouse state it must leave.

Each case is a payload hand-made in the real format of a feed (LiteLLM and OpenRouter JSON,
Epoch AI CSV exports). The good data loaded first must be unchanged after every case: a
failed batch leaves every staging table exactly as it was (row counts and a checksum of the
rows); a batch that loads with quarantined rows adds rows but changes none of the old ones.

The second half fuzzes every registered feed parser with random and mutated payloads: a
parser returns canonical frames or raises FeedError, never anything else, and an ingest
that fails leaves staging as it was.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import gzip
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flows.cli import app
from sources.errors import FeedError
from sources.registry import FEEDS
from sources.schemas import TABLE_COLUMNS
from sources.snapshot import snapshot_files
from warehouse.archive import sha256_of
from warehouse.connection import open_work
from warehouse.ingest import ingest_bundled, ingest_file
from warehouse.migrate import apply_migrations
from warehouse.publish import publish
from warehouse.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STAGING_TABLES = sorted({table for feed in FEEDS.values() for table in feed.tables})
runner = CliRunner(env={"COLUMNS": "4000"})


def _today() -> dt.date:
    # The loader stamps batches in UTC and checks dates against that day.
    return dt.datetime.now(dt.UTC).date()


NEXT_YEAR = _today().year + 1


# --- payloads in the feeds' real formats ----------------------------------------------------


def _fixture(feed: str, name: str) -> bytes:
    return (FIXTURES / feed / name).read_bytes()


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _litellm_entries(n: int = 10) -> dict[str, dict[str, object]]:
    """n chat models of a made-up provider, priced $1..$n per 1M input tokens."""
    return {
        f"catalogue-lm-{chr(ord('a') + i)}": {
            "input_cost_per_token": (i + 1) * 1e-06,
            "output_cost_per_token": (i + 1) * 4e-06,
            "litellm_provider": "catalogue_ai",
            "mode": "chat",
        }
        for i in range(n)
    }


def _json(document: object) -> bytes:
    return json.dumps(document, indent=2).encode("utf-8")


def litellm_price_is_a_word() -> bytes:
    entries = _litellm_entries()
    entries["catalogue-lm-c"]["input_cost_per_token"] = "cheap"
    return _json(entries)


def litellm_price_above_cap() -> bytes:
    entries = _litellm_entries()
    entries["catalogue-lm-d"]["input_cost_per_token"] = 0.002  # USD 2,000 per 1M tokens: a unit mistake
    return _json(entries)


def litellm_eleven_percent_of_prices_bad() -> bytes:
    # 11 of 100 chat input prices x 1e6: pooled with the clean models and aliases it was 3.7%.
    entries = {
        f"catalogue-lm-{i:03d}": {
            "input_cost_per_token": (i + 1) * 1e-06 * (1e6 if i < 11 else 1),
            "output_cost_per_token": (i + 1) * 4e-06,
            "litellm_provider": "catalogue_ai",
            "mode": "chat",
        }
        for i in range(100)
    }
    return _json(entries)


def litellm_duplicate_model_key() -> bytes:
    # A second "catalogue-lm-b" entry 100x cheaper: json.loads alone would keep it silently.
    text = _json(_litellm_entries()).decode()
    cheaper = '"catalogue-lm-b": {"input_cost_per_token": 2e-08, "litellm_provider": "catalogue_ai", "mode": "chat"},'
    return text.replace("{\n", "{\n  " + cheaper + "\n", 1).encode()


def litellm_entry_is_a_list() -> bytes:
    entries: dict[str, object] = dict(_litellm_entries())
    entries["catalogue-lm-z"] = ["not", "an", "entry"]
    return _json(entries)


def litellm_gzip_named_json() -> bytes:
    return gzip.compress(_json(_litellm_entries()), mtime=0)


def litellm_truncated_gzip() -> bytes:
    packed = gzip.compress(_json(_litellm_entries()), mtime=0)
    return packed[: len(packed) // 2]


def litellm_html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head><body></body></html>\n"


def litellm_json_array() -> bytes:
    return _json([{"model": "catalogue-lm-a", "input_cost_per_token": 1e-06}])


def _openrouter_document() -> dict[str, object]:
    return json.loads(_fixture("openrouter", "models.json"))


def openrouter_without_data() -> bytes:
    document = _openrouter_document()
    return _json({"models": document["data"]})


def openrouter_truncated() -> bytes:
    payload = _fixture("openrouter", "models.json")
    return payload[: len(payload) * 2 // 3]


def openrouter_utf16() -> bytes:
    return _fixture("openrouter", "models.json").decode("utf-8").encode("utf-16")


def openrouter_listed_next_year() -> bytes:
    document = _openrouter_document()
    data = document["data"]
    assert isinstance(data, list)
    entry = copy.deepcopy(next(e for e in data if e["id"] == "openai/gpt-4o"))
    entry.update(
        id="catalogue/future-model",
        name="Catalogue: Future Model",
        created=int(dt.datetime(NEXT_YEAR, 6, 1, tzinfo=dt.UTC).timestamp()),
    )
    data.append(entry)
    return _json(document)


CHIP_HEADER = [
    "Name",
    "Chip manufacturer",
    "Start date",
    "End date",
    "Compute estimate in H100e (median)",
    "H100e (5th percentile)",
    "H100e (95th percentile)",
    "Number of Units",
    "Number of Units (5th percentile)",
    "Number of Units (95th percentile)",
    "Source / Link",
    "Notes",
    "Chip type",
]
_QUARTER_END = {1: "3/31", 4: "6/30", 7: "9/30", 10: "12/31"}


def _chip_row(chip: str, year: int, month: int, units: tuple[int, int, int] = (900, 1000, 1100)) -> list[str]:
    p5, p50, p95 = units
    quarter = (month - 1) // 3 + 1
    return [
        f"Q{quarter} {year} - {chip}",
        "Nvidia",
        f"{month}/1/{year}",
        f"{_QUARTER_END[month]}/{year}",
        str(p50 // 2),
        str(p5 // 2),
        str(p95 // 2),
        str(p50),
        str(p5),
        str(p95),
        "",
        "Estimates generated on: 03-31-2026 17:12",
        chip,
    ]


def _chip_rows(n_chips: int = 5, n_quarters: int = 9) -> list[list[str]]:
    """n_chips x n_quarters made-up chips, calendar quarters from 2022Q1."""
    rows = []
    for c in range(n_chips):
        for q in range(n_quarters):
            year, month = 2022 + q // 4, 1 + 3 * (q % 4)
            rows.append(_chip_row(f"Catalogue X{c}", year, month))
    return rows


def chips_header_lost_a_required_column() -> bytes:
    # "End date" fell out of the header; the rows still carry every field.
    header = [name for name in CHIP_HEADER if name != "End date"]
    return _csv([header, *_chip_rows(1, 4)])


def chips_header_lost_an_optional_column() -> bytes:
    header = [name for name in CHIP_HEADER if name != "Source / Link"]
    return _csv([header, *_chip_rows(1, 4)])


def chips_exact_duplicate_row() -> bytes:
    rows = _chip_rows(2, 5)
    return _csv([CHIP_HEADER, *rows, rows[3]])


def chips_conflicting_duplicate_key() -> bytes:
    rows = _chip_rows()  # 45 rows
    conflicting = _chip_row("Catalogue X0", 2022, 1, units=(1900, 2000, 2100))  # same key as rows[0]
    return _csv([CHIP_HEADER, *rows, conflicting])


def chips_negative_units() -> bytes:
    rows = _chip_rows()
    rows[7] = _chip_row("Catalogue X0", 2023, 10, units=(-50, 1000, 1100))
    return _csv([CHIP_HEADER, *rows])


def chips_p5_above_p95() -> bytes:
    rows = _chip_rows(1, 5)
    rows[2] = _chip_row("Catalogue X0", 2022, 7, units=(1200, 1000, 1100))
    return _csv([CHIP_HEADER, *rows])


def chips_fiscal_quarter() -> bytes:
    row = _chip_row("Catalogue X0", 2024, 1)
    row[2], row[3] = "1/29/2024", "4/28/2024"  # NVIDIA's fiscal Q1 FY25, not a calendar quarter
    return _csv([CHIP_HEADER, row])


def chips_file_given_to_nvidia_revenue() -> bytes:
    return _fixture("epoch_chips", "nvidia_calendar_quarter_chip_timelines.csv")


def revenue_file_given_to_epoch_chips() -> bytes:
    return _fixture("nvidia_revenue", "nvidia_quarterly_revenue.csv")


def revenue_in_usd_not_billions() -> bytes:
    return _csv(
        [
            ["Quarter", "Start Date", "End Date", "total_revenue", "dc_revenue", "compute_revenue"],
            ["FY26Q3", "2025-07-28", "2025-10-26", "57006000000", "51215000000", "43000000000"],
        ]
    )


def chips_estimates_generated_in_the_future() -> bytes:
    # Every row claims a vintage years ahead (and units x10): it would become the latest estimate.
    rows = [
        _chip_row(row[-1], 2022 + q // 4, 1 + 3 * (q % 4), units=(9000, 10000, 11000))
        for q, row in enumerate(_chip_rows(1, 9))
    ]
    for row in rows:
        row[11] = f"Estimates generated on: 01-01-{NEXT_YEAR + 3} 09:00"
    return _csv([CHIP_HEADER, *rows])


def chips_quarter_starting_in_the_future() -> bytes:
    return _csv([CHIP_HEADER, *_chip_rows(), _chip_row("Catalogue X0", NEXT_YEAR + 4, 1)])


_REVENUE_HEADER = ["Quarter", "Start Date", "End Date", "total_revenue", "dc_revenue", "compute_revenue"]
_REVENUE_ROWS = [
    ["FY26Q1", "2025-01-27", "2025-04-27", "44.1", "39.1", "34.13"],
    ["FY26Q2", "2025-04-28", "2025-07-27", "46.7", "41.1", "33.8"],
    ["FY26Q3", "2025-07-28", "2025-10-26", "57.0", "51.2", "43.0"],
]


def revenue_fiscal_quarter_in_the_future() -> bytes:
    # 30 -> FY(NEXT_YEAR + 4): a quarter NVIDIA has not reported, dated where its label says.
    fy = (NEXT_YEAR + 4) % 100
    future = [f"FY{fy}Q1", f"{NEXT_YEAR + 3}-01-27", f"{NEXT_YEAR + 3}-04-27", "60.0", "55.0", "45.0"]
    return _csv([_REVENUE_HEADER, *_REVENUE_ROWS, future])


def revenue_fiscal_label_contradicts_dates() -> bytes:
    # Dated as a 2025 quarter but labelled FY31Q1: the label, not the dates, would say when.
    return _csv([_REVENUE_HEADER, *_REVENUE_ROWS, ["FY31Q1", "2025-10-27", "2026-01-25", "68.1", "62.3", "51.0"]])


def revenue_header_only() -> bytes:
    return b"Quarter,Start Date,End Date,total_revenue,dc_revenue,compute_revenue\n"


BENCHMARK_HEADER = "Model Name,Release Date,USD per 1M Tokens,MMLU"


def _benchmark_table(rows: list[str]) -> bytes:
    return ("\n".join([BENCHMARK_HEADER, *rows]) + "\n").encode("utf-8")


def _benchmark_rows(n: int) -> list[str]:
    return [
        f"Catalogue LM {i},2024-{1 + i % 12:02d}-{1 + i // 12:02d},{1 + i / 10:.2f},{50 + i % 40}" for i in range(n)
    ]


def prices_release_next_year() -> bytes:
    return _benchmark_table([*_benchmark_rows(25), f"Catalogue Future LM,{NEXT_YEAR}-03-01,1.0,70"])


def prices_too_many_bad_rows() -> bytes:
    rows = _benchmark_rows(7) + [f"Catalogue Pricey LM {i},2024-05-01,2000,70" for i in range(3)]
    return _benchmark_table(rows)


def prices_not_a_date() -> bytes:
    return _benchmark_table([*_benchmark_rows(3), "Catalogue LM x,last spring,1.0,70"])


def hardware_utf16() -> bytes:
    return _fixture("epoch_hardware", "ml_hardware.csv").decode("utf-8-sig").encode("utf-16")


def hardware_infinite_flops() -> bytes:
    return _csv(
        [
            ["Hardware name", "Manufacturer", "Type", "Release date", "FP32 (single precision) performance (FLOP/s)"],
            ["Catalogue Accelerator 1", "Catalogue", "GPU", "2024-01-01", "inf"],
        ]
    )


def models_release_next_year() -> bytes:
    return _csv(
        [
            ["Model", "Organization", "Publication date", "Model accessibility"],
            ["Catalogue Old LM", "Catalogue Labs", "2023-05-01", "API access"],
            ["Catalogue Future LM", "Catalogue Labs", f"{NEXT_YEAR}-06-01", "Open weights (unrestricted)"],
        ]
    )


def models_binary_junk() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def usage_empty() -> bytes:
    return b""


def usage_date_is_a_word() -> bytes:
    return _csv(
        [
            ["Id", "Company", "Active users", "Active users time period", "Daily tokens", "Date"],
            ["Catalogue 1B tokens", "Catalogue AI", "", "", "1000000000", "yesterday"],
        ]
    )


def usage_date_absurd_year() -> bytes:
    # A year past what a date can hold (it once escaped the parser as OverflowError).
    return _csv(
        [
            ["Id", "Company", "Active users", "Active users time period", "Daily tokens", "Date"],
            ["Catalogue 1B tokens", "Catalogue AI", "", "", "1000000000", "12/4/1864373399218475440"],
        ]
    )


# --- the catalogue ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad input and what `infercast ingest` must do with it.

    outcome "failed": exit 1, one failed batch whose message contains `fragment`, staging as before.
    outcome "loaded": exit 0, one loaded batch with `quarantined` rows held back (their checks
    contain `check`) and `duplicates` exact repeats collapsed; the earlier rows untouched. A
    batch whose good rows are all already in staging (`adds_rows` false) loads none of them.
    One bad row never rejects a batch (the gate also asks for at least two), so a small file's
    one bad row is quarantined.
    """

    id: str
    feed: str
    file_name: str
    payload: Callable[[], bytes]
    exit_code: int
    fragment: str
    outcome: str
    quarantined: int = 0
    check: str = ""
    duplicates: int = 0
    adds_rows: bool = True


CASES = [
    Case("litellm-price-is-a-word", "litellm", "prices.json", litellm_price_is_a_word, 1,
         "model 'catalogue-lm-c': not a price: 'cheap'", "failed"),
    Case("litellm-price-above-1000-per-mtok", "litellm", "prices.json", litellm_price_above_cap, 0,
         "29 rows loaded, 1 quarantined", "loaded", quarantined=1, check="less_than_or_equal_to(1000.0)"),
    Case("litellm-11-percent-of-prices-bad-is-not-diluted-by-models", "litellm", "prices.json",
         litellm_eleven_percent_of_prices_bad, 1, "11.0% of token_prices rows (11 of 100;", "failed", quarantined=11,
         check="less_than_or_equal_to(1000.0)"),
    Case("litellm-duplicate-model-key", "litellm", "prices.json", litellm_duplicate_model_key, 1,
         "the JSON repeats the key 'catalogue-lm-b' in one object", "failed"),
    Case("litellm-entry-of-the-wrong-type", "litellm", "prices.json", litellm_entry_is_a_list, 1,
         "model 'catalogue-lm-z': the entry is an array, expected an object", "failed"),
    Case("litellm-gzip-named-json-is-decompressed", "litellm", "prices.json", litellm_gzip_named_json, 0,
         "30 rows loaded, 0 quarantined", "loaded"),
    Case("litellm-truncated-gzip", "litellm", "prices.json", litellm_truncated_gzip, 1,
         "gzip-compressed but corrupt or truncated", "failed"),
    Case("litellm-not-json-at-all", "litellm", "prices.json", litellm_html_page, 1,
         "not valid JSON", "failed"),
    Case("litellm-json-array", "litellm", "prices.json", litellm_json_array, 1,
         "not a LiteLLM price file: the JSON is an array", "failed"),
    Case("openrouter-data-missing", "openrouter", "models.json", openrouter_without_data, 1,
         "no 'data' list of models", "failed"),
    Case("openrouter-truncated-json", "openrouter", "models.json", openrouter_truncated, 1,
         "truncated download?", "failed"),
    Case("openrouter-utf16-with-bom-is-read", "openrouter", "models_2025-06-01.json", openrouter_utf16, 0,
         "7 rows loaded, 0 quarantined", "loaded"),
    Case("openrouter-listed-next-year", "openrouter", "models_2025-06-01.json", openrouter_listed_next_year, 0,
         "9 rows loaded, 1 quarantined", "loaded", quarantined=1, check="not_after_fetch_date("),
    Case("litellm-file-given-to-openrouter", "openrouter", "prices.json", lambda: _json(_litellm_entries()), 1,
         "no 'data' list of models", "failed"),
    Case("openrouter-file-given-to-litellm", "litellm", "models.json", lambda: _fixture("openrouter", "models.json"),
         1, "not a LiteLLM price file: no model entries", "failed"),
    Case("csv-header-lost-a-required-column", "epoch_chips", "chips.csv", chips_header_lost_a_required_column, 1,
         "missing required column(s) 'End date'", "failed"),
    Case("csv-header-lost-an-optional-column", "epoch_chips", "chips.csv", chips_header_lost_an_optional_column, 1,
         "a row has more fields than the header", "failed"),
    Case("exact-duplicate-rows-are-collapsed", "epoch_chips", "chips.csv", chips_exact_duplicate_row, 0,
         "10 rows loaded, 0 quarantined", "loaded", duplicates=1),
    Case("conflicting-duplicates-are-quarantined", "epoch_chips", "chips.csv", chips_conflicting_duplicate_key, 0,
         "44 rows loaded, 2 quarantined", "loaded", quarantined=2, check="multiple_fields_uniqueness"),
    Case("negative-units-shipped", "epoch_chips", "chips.csv", chips_negative_units, 0,
         "44 rows loaded, 1 quarantined", "loaded", quarantined=1, check="greater_than_or_equal_to(0.0)"),
    Case("p5-above-p95-in-a-small-batch-is-quarantined", "epoch_chips", "chips.csv", chips_p5_above_p95, 0,
         "4 rows loaded, 1 quarantined", "loaded", quarantined=1, check="_p5_le_p50_le_p95"),
    Case("fiscal-quarter-export-given-to-epoch-chips", "epoch_chips", "chips.csv", chips_fiscal_quarter, 1,
         "is not a calendar quarter", "failed"),
    Case("chips-file-given-to-nvidia-revenue", "nvidia_revenue", "revenue.csv", chips_file_given_to_nvidia_revenue,
         1, "this looks like an Epoch AI chip-count timeline (feed epoch_chips)", "failed"),
    Case("revenue-file-given-to-epoch-chips", "epoch_chips", "chips.csv", revenue_file_given_to_epoch_chips, 1,
         "this looks like Epoch AI's NVIDIA quarterly revenue table (feed nvidia_revenue)", "failed"),
    Case("revenue-in-usd-not-billions", "nvidia_revenue", "revenue.csv", revenue_in_usd_not_billions, 1,
         "is not a plausible quarterly revenue in USD billions", "failed"),
    Case("chip-estimates-generated-in-the-future", "epoch_chips", "chips.csv",
         chips_estimates_generated_in_the_future, 1, "not_after_fetch_date(", "failed", quarantined=9,
         check="not_after_fetch_date("),
    Case("chip-quarter-starting-in-the-future", "epoch_chips", "chips.csv", chips_quarter_starting_in_the_future, 0,
         "45 rows loaded, 1 quarantined", "loaded", quarantined=1, check="not_after_fetch_date("),
    Case("revenue-fiscal-quarter-in-the-future", "nvidia_revenue", "revenue.csv",
         revenue_fiscal_quarter_in_the_future, 0, "0 rows loaded, 1 quarantined", "loaded", quarantined=1,
         check="not_after_fetch_date(", adds_rows=False),
    Case("revenue-fiscal-label-contradicts-dates", "nvidia_revenue", "revenue.csv",
         revenue_fiscal_label_contradicts_dates, 0, "0 rows loaded, 1 quarantined", "loaded", quarantined=1,
         check="fiscal_quarter_matches_period_end", adds_rows=False),
    Case("file-name-date-is-not-a-day", "litellm", "litellm_model_prices_asof_2025-02-30.json",
         lambda: _json(_litellm_entries()), 1, "the date 2025-02-30 in the file name is not a real day", "failed"),
    Case("file-name-date-after-today", "litellm", f"litellm_model_prices_asof_{NEXT_YEAR}-01-01.json",
         lambda: _json(_litellm_entries()), 1, "in the file name is after today", "failed"),
    Case("csv-header-without-rows", "nvidia_revenue", "revenue.csv", revenue_header_only, 1,
         "the CSV has a header but no rows", "failed"),
    Case("release-dated-next-year", "epoch_prices", "prices.csv", prices_release_next_year, 0,
         "50 rows loaded, 2 quarantined", "loaded", quarantined=2, check="not_after_fetch_date("),
    Case("more-than-5-percent-of-rows-fail", "epoch_prices", "prices.csv", prices_too_many_bad_rows, 1,
         "less_than_or_equal_to(1000.0) on blended_usd_per_mtok: 3", "failed", quarantined=3,
         check="less_than_or_equal_to(1000.0)"),
    Case("price-date-is-a-word", "epoch_prices", "prices.csv", prices_not_a_date, 1,
         "field 'Release Date': not a date: 'last spring'", "failed"),
    Case("utf16-csv", "epoch_hardware", "ml_hardware.csv", hardware_utf16, 1,
         "the payload is UTF-16 text; save it as UTF-8", "failed"),
    Case("infinite-flops", "epoch_hardware", "ml_hardware.csv", hardware_infinite_flops, 1,
         "not a finite number: 'inf'", "failed"),
    Case("model-release-next-year-is-withheld-not-loaded-as-fact", "epoch_models", "notable.csv",
         models_release_next_year, 0, "4 rows loaded, 0 quarantined", "loaded"),
    Case("binary-junk", "epoch_models", "notable.csv", models_binary_junk, 1,
         "the payload is not UTF-8 text", "failed"),
    Case("zero-byte-file", "epoch_usage", "usage.csv", usage_empty, 1, "the payload is empty", "failed"),
    Case("usage-date-is-a-word", "epoch_usage", "usage.csv", usage_date_is_a_word, 1,
         "field 'Date': not a date: 'yesterday'", "failed"),
    Case("usage-date-with-an-absurd-year", "epoch_usage", "usage.csv", usage_date_absurd_year, 1,
         "field 'Date': not a date: '12/4/1864373399218475440'", "failed"),
]  # fmt: skip


# --- the good baseline and how the warehouse is compared ---------------------------------


def _staging_state(db: Path, batches: set[str] | None = None) -> dict[str, tuple[int, int]]:
    """Per staging table: (rows, checksum of the rows); only rows of `batches` when given."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        state = {}
        for table in STAGING_TABLES:
            where = ""
            params: list[object] = []
            if batches is not None:
                where = "where batch_id in (select unnest(?::varchar[]))"
                params = [sorted(batches)]
            count, checksum = con.execute(
                f"select count(*), coalesce(sum(hash(t)), 0) from staging.{table} as t {where}", params
            ).fetchall()[0]
            state[table] = (int(count), int(checksum))
        return state
    finally:
        con.close()


def _batch_ids(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {row[0] for row in con.execute("select batch_id from meta.ingest_batches").fetchall()}
    finally:
        con.close()


@dataclass(frozen=True)
class Baseline:
    settings: Settings
    batches: set[str]
    staging: dict[str, tuple[int, int]]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Baseline:
    """Every bundled feed plus a good OpenRouter file, published: the good data to protect."""
    settings = Settings.from_env(tmp_path_factory.mktemp("catalogue") / "home")
    con = open_work(settings)
    for feed in FEEDS.values():
        if snapshot_files(feed):
            ingest_bundled(con, settings, feed)
    ingest_file(con, settings, FEEDS["openrouter"], FIXTURES / "openrouter" / "models.json")
    con.close()
    publish(settings)
    staging = _staging_state(settings.published_db)
    assert all(rows for rows, _ in staging.values()), staging
    return Baseline(settings, _batch_ids(settings.published_db), staging)


@pytest.fixture
def home(baseline: Baseline, tmp_path: Path) -> Settings:
    """A copy of the baseline home, so each case starts from the same good warehouse."""
    shutil.copytree(baseline.settings.home, tmp_path / "home")
    return Settings.from_env(tmp_path / "home")


def _new_batches(db: Path, known: set[str]) -> list[dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rel = con.sql(
            "select batch_id, feed, source, status, message, rows_in, rows_loaded, rows_quarantined, rows_duplicate "
            "from meta.ingest_batches"
        )
        return [row for row in rel.pl().to_dicts() if row["batch_id"] not in known]
    finally:
        con.close()


def _quarantine(db: Path, batch_id: str) -> list[tuple[str, int, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select staging_table, source_row, check_name from meta.quarantine where batch_id = ? order by all",
            [batch_id],
        ).fetchall()
    finally:
        con.close()


def test_the_catalogue_covers_every_feed_and_both_outcomes():
    assert len(CASES) >= 15
    assert {case.feed for case in CASES} == set(FEEDS)
    assert {case.outcome for case in CASES} == {"failed", "loaded"}
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, baseline: Baseline, home: Settings, tmp_path: Path):
    path = tmp_path / case.file_name
    path.write_bytes(case.payload())

    result = runner.invoke(app, ["ingest", case.feed, "--file", str(path), "--home", str(home.home)])

    output = " ".join(result.output.split())
    assert result.exit_code == case.exit_code, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert case.fragment in output

    db = home.published_db
    new = _new_batches(db, baseline.batches)
    assert len(new) == 1, new
    batch = new[0]
    assert batch["feed"] == case.feed and batch["source"] == str(path)
    quarantined = _quarantine(db, str(batch["batch_id"]))
    assert len({(table, row) for table, row, _ in quarantined}) == case.quarantined == batch["rows_quarantined"]
    assert all(case.check in check for _, _, check in quarantined)
    assert batch["rows_duplicate"] == case.duplicates

    if case.outcome == "failed":
        assert batch["status"] == "failed" and batch["message"]
        assert case.fragment.split(" on ")[0] in str(batch["message"])
        assert batch["rows_loaded"] == 0
        assert _staging_state(db) == baseline.staging
        # The CLI names the feed and the file of a failed batch.
        assert case.feed in output and str(path) in output
    else:
        assert batch["status"] == "loaded"
        assert _staging_state(db, baseline.batches) == baseline.staging
        after = _staging_state(db)
        added = sum(after[t][0] for t in STAGING_TABLES) - sum(baseline.staging[t][0] for t in STAGING_TABLES)
        assert added == batch["rows_loaded"]
        assert (added > 0) is case.adds_rows


def test_a_rejected_batch_names_feed_file_and_top_reasons_with_counts(home: Settings, tmp_path: Path):
    path = tmp_path / "prices.csv"
    path.write_bytes(prices_too_many_bad_rows())
    result = runner.invoke(app, ["ingest", "epoch_prices", "--file", str(path), "--home", str(home.home)])
    output = " ".join(result.output.split())
    assert result.exit_code == 1
    rejected = "batch rejected: 30.0% of token_prices rows (3 of 10; threshold 5% and at least 2 rows) failed checks"
    assert f"feed epoch_prices, {path}: {rejected}" in output
    assert "top reasons: less_than_or_equal_to(1000.0) on blended_usd_per_mtok: 3" in output


def test_an_exact_duplicate_keeps_the_first_row_and_its_provenance(home: Settings, tmp_path: Path):
    path = tmp_path / "chips.csv"
    path.write_bytes(chips_exact_duplicate_row())
    result = runner.invoke(app, ["ingest", "epoch_chips", "--file", str(path), "--home", str(home.home)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        provenance = con.execute(
            "select provenance from staging.chip_shipments where chip = 'Catalogue X0' and period_start = '2022-10-01'"
        ).fetchall()
    finally:
        con.close()
    assert len(provenance) == 1 and "row 5 " in provenance[0][0]


def test_a_model_release_dated_next_year_is_withheld_with_a_note(home: Settings, tmp_path: Path):
    path = tmp_path / "notable.csv"
    path.write_bytes(models_release_next_year())
    result = runner.invoke(app, ["ingest", "epoch_models", "--file", str(path), "--home", str(home.home)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        rows = con.execute(
            "select released_on, provenance from staging.models where model_name = 'Catalogue Future LM'"
        ).fetchall()
    finally:
        con.close()
    assert rows[0][0] is None
    assert f"source date {NEXT_YEAR}-06-01 is after the file's date" in rows[0][1]


# --- fuzzing every feed parser -------------------------------------------------------------

FUZZ_DATE = dt.date(2025, 6, 1)
JSON_FEEDS = {"litellm", "openrouter"}
FIXTURE_PAYLOADS = {
    feed: [path.read_bytes() for path in sorted((FIXTURES / feed).iterdir()) if path.is_file()] for feed in FEEDS
}
# Values that parsers and contracts have to think about.
AWKWARD_TEXT = [
    "", " ", "-1", "0", "-0", "1e999", "-1e999", "1e-320", "nan", "NaN", "inf", "-inf", "abc", "$", "$-5", "1,000",
    "9" * 40, "2099-01-01", "0001-01-01", "13/45/2020", "2/30/2024", "2024", "2024-13", "FY26Q5", "FY99Q9",
    "Estimates generated on: 13-45-2026 10:00", "Q1 2024 to Q3 2024", "true", "checked", "hybrid", "always-on",
    "Open weights (unrestricted)", "x\ny", '"', "\u00e9", "\U0001f600", "\ud800", "\x00", "10/1/2024", "12/31/2024",
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00",
]  # fmt: skip
AWKWARD_BYTES = [b"", b",", b'"', b"\n", b"\r\n", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1f\x8b", b"{", b"}", b"]"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.sampled_from(AWKWARD_TEXT),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@st.composite
def byte_mutations(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["cut", "delete", "insert", "flip", "duplicate_line"]))
        if operation == "cut":
            data = data[:position]
        elif operation == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        elif operation == "insert":
            data[position:position] = draw(st.sampled_from(AWKWARD_BYTES) | st.binary(max_size=8))
        elif operation == "flip" and data:
            data[min(position, len(data) - 1)] = draw(st.integers(0, 255))
        elif operation == "duplicate_line":
            lines = bytes(data).split(b"\n")
            index = position % len(lines)
            lines.insert(index, lines[index])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@st.composite
def csv_cell_mutations(draw: st.DrawFn, base: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(base.decode("utf-8-sig"), newline="")))
    for _ in range(draw(st.integers(1, 6))):
        r = draw(st.integers(0, len(rows) - 1))
        if not rows[r]:
            continue
        c = draw(st.integers(0, len(rows[r]) - 1))
        operation = draw(st.sampled_from(["replace", "replace", "replace", "drop_cell", "repeat_row", "drop_row"]))
        if operation == "replace":
            rows[r][c] = draw(st.sampled_from(AWKWARD_TEXT) | st.text(max_size=12))
        elif operation == "drop_cell":
            del rows[r][c]
        elif operation == "repeat_row":
            rows.insert(r, list(rows[r]))
        elif r > 0:
            del rows[r]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def json_value_mutations(draw: st.DrawFn, base: bytes) -> bytes:
    document = json.loads(base)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(document)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return json.dumps(document).encode("utf-8", "surrogatepass")


def fuzzed_payloads(feed: str) -> st.SearchStrategy[bytes]:
    base = st.sampled_from(FIXTURE_PAYLOADS[feed])
    structured = json_value_mutations if feed in JSON_FEEDS else csv_cell_mutations
    random_json = json_values.map(lambda value: json.dumps(value).encode("utf-8", "surrogatepass"))
    return st.one_of(
        st.binary(max_size=512),
        st.text(max_size=256).map(lambda text: text.encode("utf-8", "surrogatepass")),
        random_json,
        base.flatmap(byte_mutations),
        base.flatmap(structured),
        base.flatmap(structured),
    )


def _parse(feed: str, payload: bytes) -> dict[str, pl.DataFrame] | None:
    """The parser's frames, or None when it refused the payload with a FeedError."""
    try:
        frames = FEEDS[feed].parser(payload, "fuzzed.input", FUZZ_DATE)
    except FeedError as error:
        assert str(error), "a FeedError must say what is wrong"
        return None
    assert isinstance(frames, dict) and frames
    for table, frame in frames.items():
        assert table in FEEDS[feed].tables
        assert isinstance(frame, pl.DataFrame)
        assert dict(frame.schema) == TABLE_COLUMNS[table], table
    return frames


FUZZ_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("feed", list(FEEDS))
@FUZZ_SETTINGS
@given(data=st.data())
def test_every_parser_returns_frames_or_raises_feed_error(feed: str, data: st.DataObject):
    _parse(feed, data.draw(fuzzed_payloads(feed), label="payload"))


_WAREHOUSES: dict[str, tuple[duckdb.DuckDBPyConnection, Settings]] = {}


def _fuzz_warehouse(feed: str) -> tuple[duckdb.DuckDBPyConnection, Settings]:
    """One in-memory warehouse per feed, kept across examples (a tmp home holds the archive)."""
    if feed not in _WAREHOUSES:
        con = duckdb.connect()
        apply_migrations(con)
        _WAREHOUSES[feed] = (con, Settings.from_env(tempfile.mkdtemp(prefix=f"infercast-fuzz-{feed}-")))
    return _WAREHOUSES[feed]


def _memory_state(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    state = {}
    for table in STAGING_TABLES:
        count, checksum = con.execute(
            f"select count(*), coalesce(sum(hash(t)), 0) from staging.{table} as t"
        ).fetchall()[0]
        state[table] = (int(count), int(checksum))
    return state


@pytest.mark.parametrize("feed", list(FEEDS))
@FUZZ_SETTINGS
@given(data=st.data())
def test_a_failed_ingest_leaves_no_partial_load(feed: str, data: st.DataObject):
    payload = data.draw(fuzzed_payloads(feed), label="payload")
    con, home = _fuzz_warehouse(feed)
    path = home.home / "fuzzed.input"
    path.write_bytes(payload)
    before = _memory_state(con)
    try:
        ingest_file(con, home, FEEDS[feed], path)
    except FeedError as error:
        assert _memory_state(con) == before, f"partial load after: {error}"
        failed = con.execute(
            "select message from meta.ingest_batches where sha256 = ? and status = 'failed'", [sha256_of(payload)]
        ).fetchall()
        assert failed and all(message for (message,) in failed), "a failed ingest records a failed batch"


def teardown_module() -> None:
    for con, home in _WAREHOUSES.values():
        con.close()
        shutil.rmtree(home.home, ignore_errors=True)
    _WAREHOUSES.clear()


def test_the_same_rejected_payload_twice_in_one_second_is_two_failed_batches(tmp_path: Path):
    from warehouse.load import BatchRejected, load_batch

    con = duckdb.connect()
    apply_migrations(con)
    payload = prices_too_many_bad_rows()
    frames = FEEDS["epoch_prices"].parser(payload, "prices.csv", FUZZ_DATE)
    fetched_at = dt.datetime(2025, 6, 1, 12, 0, 0)
    for _ in range(2):
        with pytest.raises(BatchRejected):
            load_batch(
                con,
                archive_dir=tmp_path / "archive",
                feed_id="epoch_prices",
                source="prices.csv",
                payload=payload,
                frames=frames,
                fetched_at=fetched_at,
            )
    batches = con.execute("select batch_id, status from meta.ingest_batches order by batch_id").fetchall()
    assert [status for _, status in batches] == ["failed", "failed"]
    assert batches[1][0] == f"{batches[0][0]}-2"
    per_batch = con.execute("select batch_id, count(*) from meta.quarantine group by all order by all").fetchall()
    assert [count for _, count in per_batch] == [3, 3]
    con.close()


# --- files that must not be read at all ---------------------------------------------------


def _ingest_path(home: Settings, feed: str, path: Path, *extra: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["ingest", feed, "--file", str(path), "--home", str(home.home), *extra], env=env)


def test_a_symlink_is_refused_unless_asked(baseline: Baseline, home: Settings, tmp_path: Path):
    secret = tmp_path / "secret.csv"
    secret.write_text("sysadm:x:0:0:secret-line\n")
    link = tmp_path / "notable.csv"
    link.symlink_to(secret)
    archived = sorted(home.archive_dir.rglob("*"))
    result = _ingest_path(home, "epoch_models", link)
    assert result.exit_code == 1, result.output
    assert "symbolic link" in result.output and "--follow-symlinks" in result.output
    assert "secret-line" not in result.output and "Traceback" not in result.output
    assert _staging_state(home.published_db) == baseline.staging
    assert sorted(home.archive_dir.rglob("*")) == archived
    followed = _ingest_path(home, "epoch_models", link, "--follow-symlinks")
    assert "symbolic link" not in followed.output


def test_a_device_is_not_read(baseline: Baseline, home: Settings):
    result = _ingest_path(home, "litellm", Path("/dev/zero"))
    assert result.exit_code == 1, result.output
    assert "not a regular file" in result.output and "/dev/zero" in result.output
    assert "Traceback" not in result.output


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(baseline: Baseline, home: Settings, tmp_path: Path):
    path = tmp_path / "prices.json"
    path.write_bytes(_json(_litellm_entries(200)))
    result = _ingest_path(home, "litellm", path, env={"INFERCAST_MAX_FILE_MB": "0.001"})
    assert result.exit_code == 1, result.output
    assert "MB cap for one file" in result.output and "INFERCAST_MAX_FILE_MB" in result.output
    assert _staging_state(home.published_db) == baseline.staging
