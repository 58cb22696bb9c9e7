"""Scale generator: SYNTHETIC payloads in the real feed formats, for benchmarks only.

    python -m bench.generate --scale 10 --out bench/.data [--seed 20251231]

writes `<out>/scale-10/` with a `MANIFEST.json` and, per feed, files in the format of the
feed's live endpoint (what `infercast ingest FEED --file PATH` accepts):

    litellm/model_prices_and_context_window.synthetic.<YYYY-MM-DD>.json   one per vintage
    openrouter/api_v1_models.synthetic.<YYYY-MM-DD>.json                  one per vintage
    epoch_prices/price_benchmarks.synthetic.<YYYY-MM-DD>.csv              capability scores
    epoch_chips/<vendor>_chip_timelines.synthetic.<YYYY-MM-DD>.csv        one per vendor and estimate vintage
    epoch_usage/usage_reports.synthetic.<YYYY-MM-DD>.csv

Every file says it is synthetic: its name, every model name (`syn-...`), a top-level
`_synthetic` note in the JSON files (a string value, which the LiteLLM parser skips), and
every CSV row's notes or source link. Nothing here loads anything into a warehouse; the
benchmark runner loads these files into a throwaway home under its work directory.

Scale 1 is today's bundled volume (`sources/snapshots/`, measured when the generator runs:
15,316 price observations): LiteLLM carries the bundled LiteLLM observations x scale, in 16
monthly vintages at scale <= 1 and about 16 * scale**0.86 daily vintages above that, all
ending 2025-12-31 (116 days at 10x, 840 days = 2.3 years at 100x). The Epoch
price-vs-benchmark table scores ~60% of the synthetic models (so the price index has
something to join), OpenRouter adds one response of today's live size (~350 models) per
scale unit, weekly, and the chip and usage CSVs are the bundled row counts x scale. With
seed 20251231: 1x = 15.9k price rows and 630 models; 10x = 156k and 1.8k; 100x = 1.56M
price rows, 10.6k models and 11.7k LiteLLM keys (613 MB of JSON).

Shapes come from the bundled snapshot: provider mix and the route prefixes of their keys,
the joint distribution of (input, output, cached, reasoning) prices (resampled with
jitter), keys per model, the reasoning-flag share, the growth of the file between
vintages, benchmark score distributions, chip rows and usage reports. On top of those:
new models enter ~33% cheaper per year, listed prices are cut ~0.8 times a year per key
(by 5-50%), short-lived single-key listings (mean 45 days) make up 0% of the catalogue at
1x, 20% at 10x and 27% at 100x (so the model universe widens with scale instead of only
the vintages multiplying), and the file carries non-text entries (embedding, image,
audio...) in LiteLLM's current proportion (424 of 2,253 entries in the file of 2026-01-01).
Output is deterministic for a given seed, scale and snapshot.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sources.identity import canonical_model_id

GENERATOR_VERSION = 1
DEFAULT_SEED = 20251231
SNAPSHOT_DIR = Path(__file__).resolve().parent.parent / "sources" / "snapshots"
END_DATE = dt.date(2025, 12, 31)
# Prices of new models are centred on the bundled data's middle and fall by this per year.
PRICE_REFERENCE_DATE = dt.date(2025, 7, 1)
NEW_MODEL_PRICE_DECLINE_PER_YEAR = 0.4
PRICE_CUTS_PER_KEY_YEAR = 0.8
# Old models priced from the bundled distribution would overshoot the contract's USD 1,000 cap.
MAX_PRICE_USD_PER_MTOK = 600.0
# Short-lived single-key listings (previews, promotions, a reseller's passing offer): at scale s
# they are EPHEMERAL_MAX_SHARE * (1 - s**-0.5) of the keys listed on any day (none at 1x, as in
# the bundled history; 20% at 10x, 27% at 100x), each listed for ~45 days, so the model universe
# widens with scale instead of only the vintages multiplying.
EPHEMERAL_MAX_SHARE = 0.3
EPHEMERAL_MEAN_DAYS = 45.0
# OpenRouter's list drops this share of its models within ~90 days.
OPENROUTER_SHORT_LIVED_SHARE = 0.4
# LiteLLM's file of 2026-01-01: 2,253 entries, 1,829 chat/completion/responses, 424 others.
NON_TEXT_PER_TEXT_ENTRY = 424 / 1829
NON_TEXT_MODES = (
    ("image_generation", 146),
    ("embedding", 93),
    ("audio_transcription", 55),
    ("image_edit", 27),
    ("video_generation", 24),
    ("rerank", 23),
    ("audio_speech", 19),
    ("search", 12),
    ("ocr", 8),
    ("moderation", 6),
)
TEXT_MODES = (("chat", 1741), ("completion", 51), ("responses", 37))
# LiteLLM's file has `supports_reasoning` only from about 2025-04.
REASONING_FLAG_FROM = dt.date(2025, 4, 1)
OPENROUTER_LIVE_MODELS = 350
OPENROUTER_AUTHORS = (
    ("openai", 14),
    ("anthropic", 8),
    ("google", 12),
    ("meta-llama", 10),
    ("mistralai", 10),
    ("deepseek", 6),
    ("qwen", 12),
    ("x-ai", 4),
    ("cohere", 3),
    ("z-ai", 3),
    ("moonshotai", 2),
    ("microsoft", 4),
    ("nvidia", 3),
    ("amazon", 2),
)
BENCHMARK_COLUMNS = {
    "mmlu": "MMLU",
    "gpqa_diamond": "GPQA Diamond",
    "humaneval": "HumanEval",
    "math_500": "MATH-500",
    "chatbot_arena_elo": "LMSys Chatbot Arena ELO",
    "math_level_5": "MATH 5",
}
BENCHMARK_TABLE_SHARE = 0.6
CHIP_FILES = {
    "Nvidia": "nvidia_calendar_quarter_chip_timelines",
    "Google": "tpu_calendar_quarter_chip_timelines",
    "AMD": "amd_chip_timelines",
    "Amazon": "trainium_chip_timelines",
}
CHIP_COLUMNS = (
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
    "Chip type",
    "Notes",
    "Source / Link",
)
USAGE_COLUMNS = (
    "Id",
    "Company",
    "Active users",
    "Active users time period",
    "Daily tokens",
    "Daily messages",
    "Date",
    "Report date",
    "Source 1",
    "Source 2",
    "Graph note",
    "Notes",
    "Source type",
    "Product",
    "Confidence",
    "Exclude from graph view",
)
SYNTHETIC_NOTE = (
    "SYNTHETIC benchmark data written by infercast bench/generate.py: not real prices, models, "
    "shipments or usage. Never load it into a real infercast home."
)
SYNTHETIC_LINK = "https://example.invalid/infercast-bench/synthetic"
BOM = "\ufeff"
_NAMESPACE = re.compile(r"^(?:[a-z]{2}\.)?(?:[a-z][a-z0-9-]*\.)(?=[a-z])")


# --------------------------------------------------------------------------------------
# What the bundled snapshot looks like


@dataclass(frozen=True)
class Profile:
    """Shapes and sizes measured on the bundled snapshot."""

    snapshot_sha256: str
    price_rows: int  # token_prices rows of every bundled feed
    litellm_rows: int
    benchmark_table_rows: int  # epoch_prices rows from the price-vs-benchmark tables
    litellm_growth: float  # priced entries in the last bundled vintage / the first
    providers: list[str]
    provider_weights: np.ndarray
    prefixes: dict[str, list[str]]  # provider -> route prefixes of its real keys
    price_tuples: np.ndarray  # (n, 4) input, output, cached, reasoning; USD per 1M, nan = none
    model_bases: list[str]  # canonical ids of the bundled LiteLLM models
    keys_per_model: float
    flagged_share: float  # models whose keys say anything about reasoning
    reasoning_share: float  # of those, the share that reason
    scores: dict[str, np.ndarray]  # benchmark -> sorted real scores
    benchmark_presence: dict[str, float]  # share of benchmark-table models with a score on it
    chips: list[dict[str, Any]]
    usage: list[dict[str, Any]]


def _snapshot_hash(snapshot_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(snapshot_dir.glob("*/*.csv")):
        digest.update(path.relative_to(snapshot_dir).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _key_prefix(key: str) -> str:
    if "/" in key:
        return key[: key.rfind("/") + 1]
    match = _NAMESPACE.match(key)
    return match.group(0) if match else ""


def load_profile(snapshot_dir: Path = SNAPSHOT_DIR) -> Profile:
    def read(feed: str, table: str) -> pl.DataFrame:
        return pl.read_csv(snapshot_dir / feed / f"{table}.csv", try_parse_dates=True, infer_schema_length=None)

    litellm = read("litellm", "token_prices")
    epoch = read("epoch_prices", "token_prices")
    sizes = litellm.group_by("observed_on").len().sort("observed_on")["len"].to_list()
    providers = litellm.group_by("provider").len().sort(["len", "provider"], descending=[True, False])
    prefixes: dict[str, list[str]] = {}
    for provider, key in litellm.select("provider", "model").unique().sort("provider", "model").iter_rows():
        prefixes.setdefault(provider, []).append(_key_prefix(key))
    valid = pl.col("input_usd_per_mtok").is_between(0.0, 1000.0, closed="right") & pl.col(
        "output_usd_per_mtok"
    ).is_between(0.0, 1000.0, closed="right")
    tuples = (
        litellm.filter(valid)
        .unique(subset=["provider", "model"], keep="last")
        .sort("provider", "model")
        .select(
            "input_usd_per_mtok",
            "output_usd_per_mtok",
            pl.col("cached_input_usd_per_mtok").fill_null(float("nan")),
            pl.col("reasoning_usd_per_mtok").fill_null(float("nan")),
        )
        .to_numpy()
        .astype(np.float64)
    )
    models = read("litellm", "models")
    flags = models["is_reasoning"]
    flagged = flags.drop_nulls()
    capabilities = read("epoch_prices", "model_capabilities")
    scores = {
        benchmark: np.sort(capabilities.filter(pl.col("benchmark") == benchmark)["score"].to_numpy().astype(float))
        for benchmark in BENCHMARK_COLUMNS
    }
    scored_models = max(capabilities["model"].n_unique(), 1)
    presence = {
        benchmark: capabilities.filter(pl.col("benchmark") == benchmark)["model"].n_unique() / scored_models
        for benchmark in BENCHMARK_COLUMNS
    }
    benchmark_rows = epoch.filter(pl.col("source") == "epoch_price_benchmarks").height
    return Profile(
        snapshot_sha256=_snapshot_hash(snapshot_dir),
        price_rows=litellm.height + epoch.height,
        litellm_rows=litellm.height,
        benchmark_table_rows=benchmark_rows,
        litellm_growth=sizes[-1] / sizes[0] if sizes and sizes[0] else 1.0,
        providers=providers["provider"].to_list(),
        provider_weights=(providers["len"].to_numpy() / providers["len"].sum()).astype(float),
        prefixes=prefixes,
        price_tuples=tuples,
        model_bases=sorted(set(models["model_id"].to_list())),
        keys_per_model=litellm["model"].n_unique() / max(models.height, 1),
        flagged_share=flagged.len() / max(flags.len(), 1),
        reasoning_share=float(flagged.cast(pl.Float64).sum()) / flagged.len() if flagged.len() else 0.0,
        scores=scores,
        benchmark_presence=presence,
        chips=read("epoch_chips", "chip_shipments").sort("vendor", "chip", "period_start").to_dicts(),
        usage=read("epoch_usage", "demand_observations").sort("observation_id").to_dicts(),
    )


# --------------------------------------------------------------------------------------
# How much to generate at a scale


@dataclass(frozen=True)
class Plan:
    scale: float
    litellm_rows: int  # target priced LiteLLM entries over all vintages
    litellm_dates: list[dt.date]
    openrouter_dates: list[dt.date]
    openrouter_rows: int
    chip_vintages: int
    chip_multiplier: int
    usage_rows: int


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def plan_for(scale: float, profile: Profile) -> Plan:
    if scale <= 0:
        raise ValueError("scale must be positive")
    if scale <= 1:
        litellm_dates = []
        year, month = END_DATE.year, END_DATE.month
        for _ in range(16):
            litellm_dates.append(_month_end(year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        litellm_dates.reverse()
    else:
        days = max(16, round(16 * scale**0.86))
        litellm_dates = [END_DATE - dt.timedelta(days=days - 1 - i) for i in range(days)]
    n_openrouter = max(1, round(scale))
    openrouter_dates = [END_DATE - dt.timedelta(weeks=n_openrouter - 1 - i) for i in range(n_openrouter)]
    chip_vintages = max(1, round(math.sqrt(scale)))
    return Plan(
        scale=scale,
        litellm_rows=max(len(litellm_dates), round(profile.litellm_rows * scale)),
        litellm_dates=litellm_dates,
        openrouter_dates=openrouter_dates,
        openrouter_rows=max(n_openrouter, round(OPENROUTER_LIVE_MODELS * scale)),
        chip_vintages=chip_vintages,
        chip_multiplier=max(1, round(scale / chip_vintages)),
        usage_rows=max(1, round(len(profile.usage) * scale)),
    )


# --------------------------------------------------------------------------------------
# A simulated catalogue of listings over the vintages


@dataclass
class Listings:
    """Keys of a catalogue: who lists which model, from which vintage to which, at what price."""

    keys: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    model_names: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)  # exclusive vintage index
    prices: list[np.ndarray] = field(default_factory=list)  # 4 prices, USD per 1M (nan = none)
    reasoning: list[bool | None] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    context: list[int] = field(default_factory=list)
    model_first_date: dict[str, dt.date] = field(default_factory=dict)
    model_prices: dict[str, np.ndarray] = field(default_factory=dict)
    cuts: dict[int, list[tuple[int, float]]] = field(default_factory=dict)  # vintage -> [(key, factor)]


def _years(day: dt.date, since: dt.date) -> float:
    return (day - since).days / 365.25


def _weighted_modes(rng: np.random.Generator, table: Sequence[tuple[str, int]], n: int) -> list[str]:
    weights = np.array([w for _, w in table], dtype=float)
    picks = rng.choice(len(table), size=n, p=weights / weights.sum())
    return [table[i][0] for i in picks]


def _date_suffix(rng: np.random.Generator, day: dt.date, provider: str) -> str:
    roll = rng.random()
    if provider == "bedrock" and roll < 0.5:
        return "-v1:0"
    if roll < 0.3:
        return f"-{day:%Y%m%d}"
    if roll < 0.45:
        return f"-{day:%Y-%m-%d}"
    return ""


def ephemeral_share(scale: float) -> float:
    return EPHEMERAL_MAX_SHARE * max(0.0, 1.0 - scale**-0.5)


def simulate_litellm(
    rng: np.random.Generator, profile: Profile, dates: list[dt.date], rows: int, scale: float
) -> Listings:
    listings = Listings()
    used_keys: set[str] = set()
    n_vintages = len(dates)
    span_days = max((dates[-1] - dates[0]).days, 1)
    growth = max(1.0, min(profile.litellm_growth, 3.0))
    base = 2.0 * rows / (n_vintages * (1.0 + growth))
    targets = [base * (1.0 + (growth - 1.0) * (d - dates[0]).days / span_days) for d in dates]
    share = ephemeral_share(scale)
    expiring = np.zeros((2, n_vintages + 1), dtype=np.int64)  # [stable, ephemeral] keys ending at v
    active = [0, 0]
    model_counter = 0
    date_ordinals = np.array([d.toordinal() for d in dates])
    for v, day in enumerate(dates):
        active[0] -= int(expiring[0, v])
        active[1] -= int(expiring[1, v])
        while active[0] + active[1] < targets[v]:
            ephemeral = active[1] < share * targets[v]
            model_counter += 1
            base_name = profile.model_bases[int(rng.integers(len(profile.model_bases)))]
            model_name = canonical_model_id(f"syn-{base_name}-x{model_counter}")
            tuple_ = profile.price_tuples[int(rng.integers(len(profile.price_tuples)))].copy()
            tuple_ *= math.exp(-NEW_MODEL_PRICE_DECLINE_PER_YEAR * _years(day, PRICE_REFERENCE_DATE))
            tuple_ *= math.exp(rng.normal(0.0, 0.15))
            tuple_ = np.minimum(tuple_, MAX_PRICE_USD_PER_MTOK)
            listings.model_first_date[model_name] = day
            listings.model_prices[model_name] = tuple_
            flag_roll = rng.random()
            flag: bool | None = None
            if flag_roll < profile.flagged_share:
                flag = bool(rng.random() < profile.reasoning_share)
            if ephemeral:
                lifetime = max(7.0, float(rng.exponential(EPHEMERAL_MEAN_DAYS)))
                if v == 0:
                    lifetime = float(rng.uniform(1.0, lifetime))  # already listed for a while
                listed_until = int(np.searchsorted(date_ordinals, day.toordinal() + lifetime, side="left"))
                n_keys = 1
            else:
                listed_until = n_vintages
                n_keys = 1 + int(rng.poisson(max(profile.keys_per_model - 1.0, 0.0)))
            n_keys = min(n_keys, len(profile.providers))
            chosen = rng.choice(len(profile.providers), size=n_keys, replace=False, p=profile.provider_weights)
            mode = _weighted_modes(rng, TEXT_MODES, 1)[0]
            context = int(rng.choice([8192, 32768, 128000, 200000, 1000000], p=[0.1, 0.2, 0.45, 0.15, 0.1]))
            for provider_index in sorted(int(i) for i in chosen):
                provider = profile.providers[provider_index]
                prefixes = profile.prefixes[provider]
                prefix = prefixes[int(rng.integers(len(prefixes)))]
                key = f"{prefix}{model_name}{_date_suffix(rng, day, provider)}"
                if key in used_keys:  # providers without a route prefix share the bare name
                    key = f"{provider}/{key}"
                if key in used_keys:
                    continue
                used_keys.add(key)
                end = min(max(listed_until, v + 1), n_vintages)
                index = len(listings.keys)
                listings.keys.append(key)
                listings.providers.append(provider)
                listings.model_names.append(model_name)
                listings.start.append(v)
                listings.end.append(end)
                listings.prices.append(tuple_ * math.exp(rng.normal(0.0, 0.05)))
                listings.reasoning.append(flag)
                listings.modes.append(mode)
                listings.context.append(context)
                expiring[int(ephemeral), end] += 1
                active[int(ephemeral)] += 1
                life_years = (dates[end - 1] - day).days / 365.25
                for _ in range(int(rng.poisson(PRICE_CUTS_PER_KEY_YEAR * life_years))):
                    when = int(rng.integers(v + 1, end)) if end > v + 1 else None
                    if when is not None:
                        listings.cuts.setdefault(when, []).append((index, float(rng.uniform(0.5, 0.95))))
    return listings


def _per_token(usd_per_mtok: float) -> float:
    """USD per token, with three significant digits (2.51e-06 rather than 2.5099999999999997e-06)."""
    return float(Decimal(f"{usd_per_mtok:.3g}").scaleb(-6))


def _litellm_entry(listings: Listings, index: int, prices: np.ndarray, day: dt.date) -> dict[str, Any]:
    context = listings.context[index]
    entry: dict[str, Any] = {
        "max_tokens": min(context, 65536),
        "max_input_tokens": context,
        "max_output_tokens": min(context, 65536),
        "input_cost_per_token": _per_token(prices[0]),
        "output_cost_per_token": _per_token(prices[1]),
    }
    if not math.isnan(prices[2]):
        entry["cache_read_input_token_cost"] = _per_token(prices[2])
    if not math.isnan(prices[3]):
        entry["output_cost_per_reasoning_token"] = _per_token(prices[3])
    entry["litellm_provider"] = listings.providers[index]
    entry["mode"] = listings.modes[index]
    entry["supports_function_calling"] = True
    flag = listings.reasoning[index]
    if flag is not None and day >= REASONING_FLAG_FROM:
        entry["supports_reasoning"] = flag
    entry["supports_tool_choice"] = True
    return entry


def _non_text_pool(rng: np.random.Generator, profile: Profile, n: int) -> list[tuple[str, dict[str, Any]]]:
    modes = _weighted_modes(rng, NON_TEXT_MODES, n)
    pool = []
    for i, mode in enumerate(modes):
        provider = profile.providers[int(rng.choice(len(profile.providers), p=profile.provider_weights))]
        prefix = profile.prefixes[provider][0]
        entry: dict[str, Any] = {"litellm_provider": provider, "mode": mode}
        if mode in ("embedding", "rerank", "moderation"):
            entry["input_cost_per_token"] = _per_token(float(rng.uniform(0.01, 0.2)))
        elif mode in ("image_generation", "image_edit", "video_generation"):
            entry["output_cost_per_image"] = round(float(rng.uniform(0.01, 0.2)), 4)
        else:
            entry["input_cost_per_second"] = round(float(rng.uniform(0.0001, 0.01)), 6)
        pool.append((f"{prefix}syn-{mode.replace('_', '-')}-{i + 1}", entry))
    return pool


SAMPLE_SPEC = {
    "max_tokens": "LEGACY parameter. set to max_output_tokens if provider specifies it.",
    "input_cost_per_token": 0.0,
    "output_cost_per_token": 0.0,
    "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
    "mode": "one of: chat, embedding, completion, image_generation, audio_transcription, audio_speech, rerank",
    "supports_reasoning": True,
}


def write_litellm(out: Path, rng: np.random.Generator, profile: Profile, plan: Plan) -> tuple[Listings, dict[str, int]]:
    listings = simulate_litellm(rng, profile, plan.litellm_dates, plan.litellm_rows, plan.scale)
    n_keys = len(listings.keys)
    pool = _non_text_pool(rng, profile, math.ceil(n_keys * NON_TEXT_PER_TEXT_ENTRY))
    starts = np.array(listings.start)
    ends = np.array(listings.end)
    current = [p.copy() for p in listings.prices]
    priced = 0
    entries_total = 0
    folder = out / "litellm"
    folder.mkdir(parents=True, exist_ok=True)
    for v, day in enumerate(plan.litellm_dates):
        for index, factor in listings.cuts.get(v, []):
            current[index] = current[index] * factor
        active = np.flatnonzero((starts <= v) & (ends > v))
        document: dict[str, Any] = {"sample_spec": SAMPLE_SPEC, "_synthetic": SYNTHETIC_NOTE}
        n_non_text = round(len(active) * NON_TEXT_PER_TEXT_ENTRY)
        every = max(1, round(1 / NON_TEXT_PER_TEXT_ENTRY))
        filler = iter(pool[:n_non_text])
        for position, index in enumerate(active.tolist()):
            document[listings.keys[index]] = _litellm_entry(listings, index, current[index], day)
            if position % every == every - 1:
                extra = next(filler, None)
                if extra is not None:
                    document[extra[0]] = extra[1]
        for key, entry in filler:
            document[key] = entry
        priced += len(active)
        entries_total += len(document) - 2
        path = folder / f"model_prices_and_context_window.synthetic.{day.isoformat()}.json"
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    counts = {
        "litellm_files": len(plan.litellm_dates),
        "litellm_entries": entries_total,
        "litellm_price_rows": priced,
        "litellm_distinct_keys": n_keys,
        "litellm_distinct_models": len(listings.model_first_date),
    }
    return listings, counts


def _openrouter_price(usd_per_mtok: float) -> str:
    return format(_per_token(usd_per_mtok), ".12f").rstrip("0").rstrip(".") or "0"


def write_openrouter(out: Path, rng: np.random.Generator, listings: Listings, plan: Plan) -> dict[str, int]:
    folder = out / "openrouter"
    folder.mkdir(parents=True, exist_ok=True)
    authors = [a for a, _ in OPENROUTER_AUTHORS]
    weights = np.array([w for _, w in OPENROUTER_AUTHORS], dtype=float)
    weights /= weights.sum()
    names = sorted(listings.model_first_date, key=lambda m: (listings.model_first_date[m], m))
    per_file = plan.openrouter_rows / len(plan.openrouter_dates)
    catalogue: list[dict[str, Any]] = []
    entries = 0
    priced = 0
    cursor = 0
    for w, day in enumerate(plan.openrouter_dates):
        growth = 0.7 + 0.6 * w / (len(plan.openrouter_dates) - 1) if len(plan.openrouter_dates) > 1 else 1.0
        target = per_file * growth
        # Models listed by then; short-lived ones drop out.
        catalogue = [m for m in catalogue if m["_until"] >= day]
        while len(catalogue) < target and cursor < len(names):
            name = names[cursor]
            cursor += 1
            listed = max(listings.model_first_date[name], day - dt.timedelta(days=400))
            if listed > day:
                continue
            author = authors[int(rng.choice(len(authors), p=weights))]
            until = END_DATE if rng.random() > OPENROUTER_SHORT_LIVED_SHARE else listed + dt.timedelta(days=90)
            catalogue.append(
                {
                    "_name": name,
                    "_author": author,
                    "_listed": listed,
                    "_until": until,
                    "_prices": listings.model_prices[name],
                    "_reasoning": rng.random() < 0.3,
                    "_variant": str(rng.choice(["", "", "", "", "", "", "", "", "", ":free", ":thinking"])),
                    "_image_only": rng.random() < 0.03,
                }
            )
        data = []
        for model in catalogue:
            prices = model["_prices"]
            free = model["_variant"] == ":free"
            reasoning = bool(model["_reasoning"])
            parameters = ["max_tokens", "temperature", "tools", "response_format"]
            if reasoning:
                parameters += ["reasoning", "include_reasoning"]
            outputs = ["image"] if model["_image_only"] else ["text"]
            entry: dict[str, Any] = {
                "id": f"{model['_author']}/{model['_name']}{model['_variant']}",
                "canonical_slug": f"{model['_author']}/{model['_name']}",
                "name": f"{model['_author'].title()}: {model['_name']} (synthetic)",
                "created": int(dt.datetime.combine(model["_listed"], dt.time(12), dt.UTC).timestamp()),
                "description": SYNTHETIC_NOTE,
                "context_length": 128000,
                "architecture": {
                    "modality": f"text->{outputs[0]}",
                    "input_modalities": ["text"],
                    "output_modalities": outputs,
                    "tokenizer": "Other",
                    "instruct_type": None,
                },
                "pricing": {
                    "prompt": "0" if free else _openrouter_price(prices[0]),
                    "completion": "0" if free else _openrouter_price(prices[1]),
                    "request": "0",
                    "image": "0",
                    "web_search": "0",
                    "internal_reasoning": "0",
                },
                "top_provider": {"context_length": 128000, "max_completion_tokens": 16384, "is_moderated": False},
                "per_request_limits": None,
                "supported_parameters": parameters,
            }
            if not free and not math.isnan(prices[2]):
                entry["pricing"]["input_cache_read"] = _openrouter_price(prices[2])
            if reasoning:
                entry["reasoning"] = {"mandatory": bool(rng.random() < 0.5)}
            data.append(entry)
            if not free and not model["_image_only"] and model["_variant"] != ":batch":
                priced += 1
        entries += len(data)
        path = folder / f"api_v1_models.synthetic.{day.isoformat()}.json"
        path.write_text(json.dumps({"_synthetic": SYNTHETIC_NOTE, "data": data}, indent=1), encoding="utf-8")
    return {
        "openrouter_files": len(plan.openrouter_dates),
        "openrouter_entries": entries,
        "openrouter_price_rows": priced,
    }


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, min(max(q, 0.0), 1.0)))


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def write_benchmark_table(out: Path, rng: np.random.Generator, profile: Profile, listings: Listings) -> dict[str, int]:
    folder = out / "epoch_prices"
    folder.mkdir(parents=True, exist_ok=True)
    header = ["Model Name", "Release Date", "USD per 1M Tokens", *BENCHMARK_COLUMNS.values()]
    header += ["Tokens per Second", "Prefill Latency (s)", "Prompt Length (tk)"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    rows = 0
    scores = 0
    for name in sorted(listings.model_first_date, key=lambda m: (listings.model_first_date[m], m)):
        if rng.random() >= BENCHMARK_TABLE_SHARE:
            continue
        released = listings.model_first_date[name]
        prices = listings.model_prices[name]
        blended = (3.0 * prices[0] + prices[1]) / 4.0
        z = float(rng.normal()) + 0.5 * _years(released, dt.date(2024, 1, 1))
        cells: list[str] = []
        for benchmark in BENCHMARK_COLUMNS:
            values = profile.scores[benchmark]
            if len(values) and rng.random() < profile.benchmark_presence[benchmark]:
                cells.append(f"{_quantile(values, _normal_cdf(z + float(rng.normal(0, 0.3)))):.1f}")
                scores += 1
            else:
                cells.append("")
        if not any(cells):
            continue
        writer.writerow([name, released.isoformat(), f"{blended:.4g}", *cells, "", "", ""])
        rows += 1
    path = folder / f"price_benchmarks.synthetic.{END_DATE.isoformat()}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return {"benchmark_table_files": 1, "benchmark_table_rows": rows, "benchmark_scores": scores}


def _mdy(day: dt.date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def write_chips(out: Path, rng: np.random.Generator, profile: Profile, plan: Plan) -> dict[str, int]:
    folder = out / "epoch_chips"
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    files = 0
    for k in range(plan.chip_vintages):
        vintage = END_DATE - dt.timedelta(days=30 * (plan.chip_vintages - 1 - k) + 16)
        for vendor, stem in CHIP_FILES.items():
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(CHIP_COLUMNS)
            vendor_rows = [row for row in profile.chips if row["vendor"] == vendor]
            for j in range(plan.chip_multiplier):
                for row in vendor_rows:
                    factor = math.exp(rng.normal(0.0, 0.15))
                    start: dt.date = row["period_start"]
                    quarter = (start.month - 1) // 3 + 1
                    chip = f"{row['chip']} syn{j + 1}"
                    numbers = [
                        row[c] * factor
                        for c in ("h100e_p50", "h100e_p5", "h100e_p95", "units_p50", "units_p5", "units_p95")
                    ]
                    writer.writerow(
                        [
                            f"Q{quarter} {start.year} - {chip}",
                            vendor,
                            _mdy(start),
                            _mdy(row["period_end"]),
                            *(f"{n:.0f}" for n in numbers),
                            chip,
                            f"Synthetic. Estimates generated on: {vintage:%m-%d-%Y} 17:00",
                            SYNTHETIC_LINK,
                        ]
                    )
                    rows += 1
            path = folder / f"{stem}.synthetic.{vintage.isoformat()}.csv"
            path.write_text(BOM + buffer.getvalue(), encoding="utf-8")
            files += 1
    return {"chip_files": files, "chip_rows": rows}


def write_usage(out: Path, rng: np.random.Generator, profile: Profile, plan: Plan) -> dict[str, int]:
    folder = out / "epoch_usage"
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(USAGE_COLUMNS)
    first = dt.date(2023, 3, 1)
    span = (END_DATE - first).days
    for i in range(plan.usage_rows):
        real = profile.usage[int(rng.integers(len(profile.usage)))]
        day = first + dt.timedelta(days=int(rng.integers(span + 1)))
        factor = math.exp(rng.normal(0.0, 0.3))

        def scaled(column: str, factor: float = factor, real: dict[str, Any] = real) -> str:
            value = real[column]
            return "" if value is None else f"{value * factor:.4g}"

        company = real["company"] if rng.random() < 0.5 else f"SynCo {int(rng.integers(1, 200))}"
        product = real["product"] or "All products"
        writer.writerow(
            [
                f"Syn {company} {product} report {i + 1}",
                company,
                scaled("active_users"),
                real["active_users_period"] or "",
                scaled("tokens_per_day"),
                scaled("messages_per_day"),
                _mdy(day),
                _mdy(day + dt.timedelta(days=int(rng.integers(0, 40)))),
                f"{SYNTHETIC_LINK}/usage/{i + 1}",
                "",
                "",
                "Synthetic report for benchmarks",
                real["source_type"] or "",
                product,
                real["confidence"] or "",
                "",
            ]
        )
    path = folder / f"usage_reports.synthetic.{END_DATE.isoformat()}.csv"
    path.write_text(BOM + buffer.getvalue(), encoding="utf-8")
    return {"usage_files": 1, "usage_rows": plan.usage_rows}


# --------------------------------------------------------------------------------------
# Entry points


def scale_dir(root: Path, scale: float) -> Path:
    return root / f"scale-{scale:g}"


def manifest_matches(directory: Path, scale: float, seed: int, profile: Profile) -> bool:
    path = directory / "MANIFEST.json"
    if not path.exists():
        return False
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return bool(
        manifest.get("generator_version") == GENERATOR_VERSION
        and manifest.get("scale") == scale
        and manifest.get("seed") == seed
        and manifest.get("snapshot_sha256") == profile.snapshot_sha256
        and manifest.get("complete") is True
    )


def generate(
    root: Path, scale: float, seed: int = DEFAULT_SEED, profile: Profile | None = None, force: bool = False
) -> dict[str, Any]:
    """Write the synthetic payloads of one scale below `root` (reused when already there)."""
    profile = profile or load_profile()
    directory = scale_dir(root, scale)
    if not force and manifest_matches(directory, scale, seed, profile):
        manifest: dict[str, Any] = json.loads((directory / "MANIFEST.json").read_text(encoding="utf-8"))
        manifest["reused"] = True
        return manifest
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    started = time.perf_counter()
    plan = plan_for(scale, profile)
    # One stream per feed, so adding a feed does not change the others' output.
    streams = np.random.SeedSequence([seed, round(scale * 1000)]).spawn(5)
    listings, counts = write_litellm(directory, np.random.default_rng(streams[0]), profile, plan)
    counts |= write_openrouter(directory, np.random.default_rng(streams[1]), listings, plan)
    counts |= write_benchmark_table(directory, np.random.default_rng(streams[2]), profile, listings)
    counts |= write_chips(directory, np.random.default_rng(streams[3]), profile, plan)
    counts |= write_usage(directory, np.random.default_rng(streams[4]), profile, plan)
    counts["price_rows"] = (
        counts["litellm_price_rows"] + counts["openrouter_price_rows"] + counts["benchmark_table_rows"]
    )
    files = {
        feed: sorted(p.relative_to(directory).as_posix() for p in (directory / feed).iterdir())
        for feed in ("litellm", "openrouter", "epoch_prices", "epoch_chips", "epoch_usage")
    }
    manifest = {
        "synthetic": True,
        "note": SYNTHETIC_NOTE,
        "generator_version": GENERATOR_VERSION,
        "scale": scale,
        "seed": seed,
        "snapshot_sha256": profile.snapshot_sha256,
        "bundled_price_rows": profile.price_rows,
        "litellm_first_vintage": plan.litellm_dates[0].isoformat(),
        "litellm_last_vintage": plan.litellm_dates[-1].isoformat(),
        "counts": counts,
        "bytes": sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()),
        "files": files,
        "complete": True,
    }
    (directory / "MANIFEST.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    manifest["generate_seconds"] = round(time.perf_counter() - started, 2)
    manifest["reused"] = False
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, action="append", help="scale factor (repeatable); default 1")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / ".data")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if the manifest matches")
    args = parser.parse_args(argv)
    profile = load_profile()
    for scale in args.scale or [1.0]:
        manifest = generate(args.out, scale, args.seed, profile, force=args.force)
        counts = manifest["counts"]
        state = "reused" if manifest["reused"] else f"written in {manifest['generate_seconds']} s"
        print(
            f"scale {scale:g}: {scale_dir(args.out, scale)} ({state}); {counts['price_rows']:,} price rows, "
            f"{counts['litellm_files']} LiteLLM vintages, {counts['litellm_distinct_models']:,} models, "
            f"{manifest['bytes'] / 1e6:.1f} MB — SYNTHETIC",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
