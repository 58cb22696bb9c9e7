"""What-if measurements for the fixes proposed in the benchmark report.

    python -m bench.whatif ingest [--data-dir bench/.data] [--scale 10] [--files 40] [--rounds 2]
    python -m bench.whatif marts --work-db bench/.work/scale-100/home/work/infercast.duckdb

`ingest` loads the same synthetic LiteLLM vintages into fresh throwaway homes with
infercast's real ingest path as it is ("baseline") and with one proposed change at a time
monkeypatched in this process only (nothing in the source tree is modified), then with all
of them. Rounds alternate the variants so machine load hits them alike.

`marts` reads a benchmark warehouse (read-only) and times transforms.price_index as it is
against as-of-join versions of `current_offers` and `scored_prices`, checking that the price
index and frontier price come out the same.

The patches are sketches of the proposals, good enough to measure the gain; the real fix
belongs in the module each one names.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gzip
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

import sources.litellm
import sources.openrouter
import warehouse.archive
import warehouse.load
from bench.tasks import reference_token_price_checks
from sources.identity import canonical_model_id
from sources.per_token import usd_per_mtok
from warehouse.validate import QUARANTINE_COLUMNS, Validated, validate_frame

Patch = Callable[[], contextlib.AbstractContextManager[None]]


@contextlib.contextmanager
def _swap(module: Any, name: str, replacement: Any) -> Iterator[None]:
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextlib.contextmanager
def memoized_identity() -> Iterator[None]:
    """sources/identity.py: @functools.lru_cache(maxsize=65536) on canonical_model_id (a pure str -> str)."""
    cached = functools.lru_cache(maxsize=65536)(canonical_model_id)
    with _swap(sources.litellm, "canonical_model_id", cached), _swap(sources.openrouter, "canonical_model_id", cached):
        yield


@contextlib.contextmanager
def memoized_prices() -> Iterator[None]:
    """sources/per_token.py: @functools.lru_cache(maxsize=65536, typed=True) on usd_per_mtok."""
    cached = functools.lru_cache(maxsize=65536, typed=True)(usd_per_mtok)
    with _swap(sources.litellm, "usd_per_mtok", cached), _swap(sources.openrouter, "usd_per_mtok", cached):
        yield


def _store_level6(archive_dir: Path, feed_id: str, payload: bytes) -> tuple[str, Path]:
    digest = warehouse.archive.sha256_of(payload)
    path = warehouse.archive.archive_path(archive_dir, feed_id, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".tmp{os.getpid()}")
        with open(temp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz:
            gz.write(payload)
        os.replace(temp, path)
    return digest, path


@contextlib.contextmanager
def archive_level6() -> Iterator[None]:
    """warehouse/archive.py store(): GzipFile(..., compresslevel=6) instead of the default 9."""
    with _swap(warehouse.archive, "store", _store_level6):
        yield


def _models_ok(frame: pl.DataFrame, fetched_on: dt.date) -> pl.Expr:
    mode, flag = pl.col("reasoning_mode"), pl.col("is_reasoning")
    return pl.all_horizontal(
        *(pl.col(c).is_not_null() & (pl.col(c).str.len_chars() >= 1) for c in ("source", "model_id", "model_name")),
        pl.col("provenance").is_not_null() & (pl.col("provenance").str.len_chars() >= 1),
        pl.col("organization").is_not_null(),
        pl.col("released_on").is_null()
        | ((pl.col("released_on") >= dt.date(1950, 1, 1)) & (pl.col("released_on") <= fetched_on)),
        mode.is_null() | mode.is_in(["always_on", "hybrid", "none"]),
        mode.is_null() | flag.is_null() | ((mode == "none") & ~flag) | (mode.is_in(["always_on", "hybrid"]) & flag),
        ~pl.struct(["source", "model_id"]).is_duplicated(),
    )


def _aliases_ok(frame: pl.DataFrame, fetched_on: dt.date) -> pl.Expr:
    return pl.all_horizontal(
        *(pl.col(c).is_not_null() & (pl.col(c).str.len_chars() >= 1) for c in ("feed", "alias", "model_id")),
        pl.col("provenance").is_not_null() & (pl.col("provenance").str.len_chars() >= 1),
        pl.col("match_method").is_in(["exact", "normalized", "manual"]),
        ~pl.struct(["feed", "alias"]).is_duplicated(),
    )


def _fast_validate(frame: pl.DataFrame, contract: Any, table: str, fetched_on: dt.date) -> Validated:
    """One polars pass over the contract's checks; pandera only when some row fails."""
    payload = [c for c in frame.columns if c != "source_row"]
    deduped = frame.unique(subset=payload, keep="first", maintain_order=True)
    if table == "token_prices":
        clean = reference_token_price_checks(frame, fetched_on).height == deduped.height
    elif table in ("models", "model_aliases"):
        check = _models_ok if table == "models" else _aliases_ok
        clean = bool(deduped.select(check(deduped, fetched_on).all()).item())
    else:
        clean = False
    if not clean:
        return validate_frame(frame, contract, table, fetched_on)
    return Validated(
        good=deduped,
        quarantine=pl.DataFrame(schema=QUARANTINE_COLUMNS),
        rows_in=frame.height,
        duplicates=frame.height - deduped.height,
    )


@contextlib.contextmanager
def fast_validation() -> Iterator[None]:
    """warehouse/validate.py validate_frame(): a vectorised pre-check, pandera only for failing frames."""
    with _swap(warehouse.load, "validate_frame", _fast_validate):
        yield


@contextlib.contextmanager
def everything() -> Iterator[None]:
    with memoized_identity(), memoized_prices(), archive_level6(), fast_validation():
        yield


@contextlib.contextmanager
def nothing() -> Iterator[None]:
    yield


VARIANTS: dict[str, Patch] = {
    "baseline": nothing,
    "memoized canonical_model_id": memoized_identity,
    "memoized usd_per_mtok": memoized_prices,
    "archive gzip level 6": archive_level6,
    "vectorised validation pre-check": fast_validation,
    "all four": everything,
}


def load_files(files: list[Path], patch: Patch) -> float:
    from sources.registry import FEEDS
    from warehouse.connection import open_work
    from warehouse.ingest import ingest_file
    from warehouse.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="infercast-whatif-"))
    try:
        settings = Settings.from_env(home)
        con = open_work(settings)
        with patch():
            started = time.perf_counter()
            for path in files:
                ingest_file(con, settings, FEEDS["litellm"], path)
            elapsed = time.perf_counter() - started
        con.close()
        return elapsed
    finally:
        shutil.rmtree(home, ignore_errors=True)


def current_offers_asof(observations: pl.DataFrame, months: list[dt.date]) -> pl.DataFrame:
    """transforms/price_index.py current_offers() without the months x observations cross join.

    Listings x months (thousands of rows, not millions) as-of-joined backward to the listing's
    observations: the latest observation on or before each month end, then the staleness rule.
    """
    from transforms.price_index import LISTING

    grid = (
        observations.select(LISTING)
        .unique()
        .join(
            pl.DataFrame({"month": months}, schema={"month": pl.Date()}).with_columns(
                month_end=pl.col("month").dt.month_end()
            ),
            how="cross",
        )
        .sort("month_end")
    )
    latest = grid.join_asof(
        observations.sort("observed_on"),
        left_on="month_end",
        right_on="observed_on",
        by=list(LISTING),
        strategy="backward",
    ).filter(pl.col("observed_on").is_not_null())
    age_days = (pl.col("month_end") - pl.col("observed_on")).dt.total_days()
    return latest.filter(pl.col("max_age_days").is_null() | (age_days <= pl.col("max_age_days")))


def scored_prices_asof(observations: pl.DataFrame, capabilities: pl.DataFrame) -> pl.DataFrame:
    """transforms/price_index.py scored_prices() without sorting observations x scores.

    The latest score on or before the price date (as-of join backward per model and
    benchmark), else the model's earliest score on that benchmark.
    """
    from transforms.price_index import LISTING

    scores = capabilities.sort("scored_on")
    earliest = scores.group_by("model_id", "benchmark", maintain_order=True).agg(
        pl.col("score").first().alias("earliest_score")
    )
    keys = [*LISTING, "model_id", "observed_on", "benchmark"]
    expanded = observations.join(earliest, on="model_id", how="inner").sort("observed_on")
    joined = expanded.join_asof(
        scores, left_on="observed_on", right_on="scored_on", by=["model_id", "benchmark"], strategy="backward"
    )
    rest = [c for c in [*observations.columns, "score"] if c not in keys]
    return (
        joined.with_columns(score=pl.coalesce("score", "earliest_score"))
        .unique(subset=keys, keep="first")
        .select([*keys, *rest])
        .sort(keys)
    )


def marts_experiment(work_db: Path, rounds: int) -> dict[str, Any]:
    import duckdb

    import transforms.price_index as price_index
    from flows.marts_stage import FRONTIER_BENCHMARKS
    from transforms.price_observations import price_observations, scored_capabilities
    from transforms.tiers import read_tiers, resolve_thresholds

    con = duckdb.connect(str(work_db), read_only=True)
    try:
        prices = con.sql("select * from staging.token_prices").pl()
        capabilities = con.sql("select * from staging.model_capabilities").pl()
    finally:
        con.close()
    tiers = resolve_thresholds(read_tiers(), capabilities)
    observations = price_observations(prices)
    scores = scored_capabilities(capabilities)

    def run(offers: Any, scorer: Any) -> tuple[float, float, pl.DataFrame, pl.DataFrame]:
        with _swap(price_index, "current_offers", offers):
            t0 = time.perf_counter()
            scored = scorer(observations, scores)
            t1 = time.perf_counter()
            last = scored["observed_on"].max()
            end_month = dt.date(last.year, last.month, 1)
            index = price_index.build_price_index(scored, tiers, end_month)
            frontier = price_index.build_frontier_price(scored, FRONTIER_BENCHMARKS, end_month)
            t2 = time.perf_counter()
        return t1 - t0, t2 - t1, index, frontier

    original_offers, original_scored = price_index.current_offers, price_index.scored_prices
    variants = {
        "baseline": (original_offers, original_scored),
        "as-of current_offers": (current_offers_asof, original_scored),
        "as-of current_offers + scored_prices": (current_offers_asof, scored_prices_asof),
    }
    results: dict[str, Any] = {"token_prices_rows": prices.height, "observations": observations.height}
    outputs: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {}
    run(original_offers, original_scored)  # warm-up (first polars calls, page cache)
    for name, (offers, scorer) in variants.items():
        runs = [run(offers, scorer) for _ in range(rounds)]
        outputs[name] = (runs[-1][2], runs[-1][3])
        results[name] = {
            "scored_prices_s": round(statistics.median(r[0] for r in runs), 2),
            "index_and_frontier_s": round(statistics.median(r[1] for r in runs), 2),
        }
    base_index, base_frontier = outputs["baseline"]
    # The frontier breaks ties between listings of one model at one price by row order (its sort
    # keys stop at "model"), so which provider is named can differ; compare what it asserts.
    same = ["benchmark", "month", "model_id", "model", "score", "blended_usd_per_mtok"]
    # scored_prices keeps one row per (listing, model, date, benchmark); the original picks among
    # several prices for one key (model versions of a listing) by row order, so count those keys.
    keys = [*price_index.LISTING, "model_id", "observed_on"]
    results["ambiguous_price_keys"] = (
        observations.group_by(keys)
        .agg(pl.col("blended_usd_per_mtok").n_unique())
        .filter(pl.col("blended_usd_per_mtok") > 1)
        .height
    )
    index_keys = ["tier_id", "month"]
    for name, (index, frontier) in outputs.items():
        results[name]["same_price_index"] = index.equals(base_index)
        results[name]["price_index_rows_differing"] = (
            index.join(base_index, on=index_keys, how="anti").height
            + index.join(base_index, on=index.columns, how="anti", nulls_equal=True).height
        )
        results[name]["same_frontier_price"] = frontier.select(same).equals(base_frontier.select(same))
        results[name]["frontier_rows_naming_another_provider_of_a_tie"] = (
            frontier.join(base_frontier, on=["benchmark", "month"], suffix="_base")
            .filter(pl.col("provider") != pl.col("provider_base"))
            .height
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("experiment", choices=["ingest", "marts"])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parent / ".data")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--files", type=int, default=40, help="last N LiteLLM vintages of the scale")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work-db", type=Path, help="marts: a benchmark warehouse (bench/.work/scale-*/home/work)")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if args.experiment == "marts":
        if args.work_db is None:
            parser.error("marts needs --work-db")
        marts = marts_experiment(args.work_db, args.rounds)
        print(json.dumps(marts, indent=1))
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(marts, indent=1))
        return 0
    directory = args.data_dir / f"scale-{args.scale:g}"
    manifest = json.loads((directory / "MANIFEST.json").read_text(encoding="utf-8"))
    files = [directory / f for f in manifest["files"]["litellm"][-args.files :]]
    records = sum(
        sum(
            1
            for v in json.loads(p.read_bytes()).values()
            if isinstance(v, dict) and v.get("mode") in ("chat", "completion", "responses")
        )
        for p in files
    )
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name, patch in VARIANTS.items():
            times[name].append(load_files(files, patch))
    base = statistics.median(times["baseline"])
    results = {}
    print(f"{len(files)} LiteLLM vintages of scale {args.scale:g} (~{records:,} chat entries), median of {args.rounds}")
    for name, values in times.items():
        seconds = statistics.median(values)
        results[name] = {"seconds": round(seconds, 3), "speedup": round(base / seconds, 2), "runs": values}
        print(f"  {name:34s} {seconds:7.2f} s  {records / seconds:9,.0f} records/s  x{base / seconds:.2f}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"files": len(files), "records": records, "variants": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
