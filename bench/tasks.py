"""Benchmark workers: each runs in its own process (`python -m bench.tasks NAME --params JSON
--result PATH`) so that bench.run can read that process's peak memory (os.wait4) and a
crash or a memory blow-up in one benchmark does not take the others with it.

They call infercast's real functions (parsers, warehouse.ingest, warehouse.validate, the
flow's stage functions) against throwaway homes under the benchmark work directory.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import datetime as dt
import importlib
import io
import json
import pstats
import shutil
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH_AS_OF = dt.date(2025, 12, 31)
# Synthetic feeds in load order: capability scores first, so prices meet scores in the marts.
SYNTHETIC_FEEDS = ("epoch_prices", "litellm", "openrouter", "epoch_chips", "epoch_usage")
PROFILE_LINES = 25


# --------------------------------------------------------------------------------------
# helpers


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextlib.contextmanager
def stopwatch(times: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        times[name] = times.get(name, 0.0) + time.perf_counter() - started


def profile_call(function: Callable[[], Any], lines: int = PROFILE_LINES) -> dict[str, Any]:
    """Run once under cProfile; top functions by cumulative and by own time (as text rows)."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        function()
    finally:
        profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    rows: list[dict[str, Any]] = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{_short_path(filename)}:{line}({name})",
                "calls": calls,
                "tottime_s": round(tottime, 4),
                "cumtime_s": round(cumtime, 4),
            }
        )
    by_cum = sorted(rows, key=lambda r: r["cumtime_s"], reverse=True)[:lines]
    by_own = sorted(rows, key=lambda r: r["tottime_s"], reverse=True)[:lines]
    return {"profiled_seconds": round(elapsed, 3), "top_cumulative": by_cum, "top_own": by_own}


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def stage_functions() -> dict[str, Callable[..., Any]]:
    """The marts and forecast stage functions, wherever the flow currently keeps them."""
    stages = importlib.import_module("flows.stages")
    found: dict[str, Callable[..., Any]] = {}
    build = getattr(stages, "build_marts", None)
    if build is None:
        build = importlib.import_module("flows.marts_stage").build_marts
    found["build_marts"] = build
    fit = getattr(stages, "fit_forecasts", None)
    if fit is None:
        fit = importlib.import_module("flows.forecast_stage").fit_forecasts
    found["fit_forecasts"] = fit
    with contextlib.suppress(ImportError, AttributeError):
        forecast_stage = importlib.import_module("flows.forecast_stage")
        engine = importlib.import_module("forecasts.engine")
        found["prepare"] = forecast_stage.prepare
        found["finish"] = forecast_stage.finish
        found["run_job"] = engine.run_job
    render = getattr(stages, "render_reports", None)
    if render is not None:
        found["render_reports"] = render
    return found


def clear_forecasts(con: Any) -> None:
    """Forget every forecast run, so the next fit computes instead of reusing a run."""
    tables = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'forecast' order by table_name"
    ).fetchall()
    con.execute("begin transaction")
    for (name,) in tables:
        con.execute(f'delete from forecast."{name}"').fetchall()
    con.execute("commit")


def table_rows(con: Any, schema: str) -> dict[str, int]:
    names = con.execute(
        "select table_name from duckdb_tables() where schema_name = ? order by table_name", [schema]
    ).fetchall()
    return {
        f"{schema}.{name}": int(con.execute(f'select count(*) from {schema}."{name}"').fetchall()[0][0])
        for (name,) in names
    }


def fresh_home(path: Path) -> Any:
    from warehouse.settings import Settings

    if path.exists():
        shutil.rmtree(path)
    settings = Settings.from_env(path)
    settings.ensure()
    return settings


def forecast_as_of(con: Any, fit: Callable[..., Any], as_of: dt.date, times: dict[str, float]) -> Any:
    """fit_forecasts(con, as_of); with the split stage, time prepare / fit jobs / finish apart."""
    functions = stage_functions()
    if {"prepare", "finish", "run_job"} <= functions.keys():
        with stopwatch(times, "forecast_prepare"):
            prepared = functions["prepare"](con, as_of)
        if prepared.reused:
            return None
        with stopwatch(times, "forecast_fit_jobs"):
            results = [functions["run_job"](job) for job in prepared.jobs]
        with stopwatch(times, "forecast_finish"):
            return functions["finish"](con, prepared, results)
    with stopwatch(times, "forecast_fit"):
        return fit(con, as_of)


# --------------------------------------------------------------------------------------
# generate


def task_generate(params: dict[str, Any]) -> dict[str, Any]:
    from bench.generate import generate

    return generate(Path(params["root"]), float(params["scale"]), int(params["seed"]))


# --------------------------------------------------------------------------------------
# ingest: infercast's real path vs DuckDB reading the same file


LITELLM_TYPE = (
    "MAP(VARCHAR, STRUCT(litellm_provider VARCHAR, mode VARCHAR, input_cost_per_token DOUBLE, "
    "output_cost_per_token DOUBLE, cache_read_input_token_cost DOUBLE, output_cost_per_reasoning_token DOUBLE, "
    "supports_reasoning BOOLEAN))"
)
OPENROUTER_TYPE = (
    "STRUCT(data STRUCT(id VARCHAR, name VARCHAR, created BIGINT, "
    "architecture STRUCT(output_modalities VARCHAR[]), "
    "pricing STRUCT(prompt VARCHAR, completion VARCHAR, input_cache_read VARCHAR, internal_reasoning VARCHAR), "
    "supported_parameters VARCHAR[], reasoning STRUCT(mandatory BOOLEAN))[])"
)
REFERENCE_QUERIES = {
    # The practical limit: DuckDB reads the file, extracts the same fields, converts USD per token
    # to USD per 1M and keeps the same modes, into a table of a DuckDB file.
    "litellm": (
        "select e.key as model, e.value.litellm_provider as provider, e.value.mode as mode, "
        "e.value.input_cost_per_token * 1e6 as input_usd_per_mtok, "
        "e.value.output_cost_per_token * 1e6 as output_usd_per_mtok, "
        "e.value.cache_read_input_token_cost * 1e6 as cached_input_usd_per_mtok, "
        "e.value.output_cost_per_reasoning_token * 1e6 as reasoning_usd_per_mtok, "
        "e.value.supports_reasoning as supports_reasoning "
        f"from (select unnest(map_entries(try_cast(content::JSON as {LITELLM_TYPE}))) as e from read_text(?)) "
        "where e.value.mode in ('chat', 'completion', 'responses')"
    ),
    "openrouter": (
        "select d.id as model, d.name as name, to_timestamp(d.created)::date as listed_on, "
        "d.architecture.output_modalities as outputs, "
        "try_cast(d.pricing.prompt as double) * 1e6 as input_usd_per_mtok, "
        "try_cast(d.pricing.completion as double) * 1e6 as output_usd_per_mtok, "
        "try_cast(d.pricing.input_cache_read as double) * 1e6 as cached_input_usd_per_mtok, "
        "list_contains(d.supported_parameters, 'reasoning') as is_reasoning, d.reasoning.mandatory as mandatory "
        f"from (select unnest((try_cast(content::JSON as {OPENROUTER_TYPE})).data) as d from read_text(?))"
    ),
}


def _reference_load(con: Any, feed: str, path: Path, table: str, created: set[str]) -> int:
    """Load one file with DuckDB alone; returns the rows it loaded."""
    if feed in REFERENCE_QUERIES:
        query = REFERENCE_QUERIES[feed]
        if table not in created:
            con.execute(f"create table {table} as {query} limit 0", [str(path)]).fetchall()
            created.add(table)
        return int(con.execute(f"insert into {table} {query}", [str(path)]).fetchall()[0][0])
    # CSV: DuckDB's sniffer and reader, one table per file (the files' columns differ).
    name = f"{table}_{len(created)}"
    created.add(name)
    con.execute(f"create table {name} as select * from read_csv(?, header = true)", [str(path)]).fetchall()
    return int(con.execute(f"select count(*) from {name}").fetchall()[0][0])


def _reference_bulk_load(con: Any, feed: str, paths: list[Path], table: str) -> int:
    """Load all the files of a feed with DuckDB alone, in one statement (its multi-file readers)."""
    files = [str(path) for path in paths]
    if feed in REFERENCE_QUERIES:
        con.execute(f"create table {table} as {REFERENCE_QUERIES[feed]}", [files]).fetchall()
    else:
        # The files' columns differ (vendors), so columns are matched by name across files.
        con.execute(f"create table {table} as select * from read_csv(?, header = true, union_by_name = true)", [files])
    return int(con.execute(f"select count(*) from {table}").fetchall()[0][0])


class IngestTimer:
    """Splits infercast's ingest into parse / archive / validate / database time.

    ingest_files runs on three threads: the main thread reads and parses files; a loader
    thread validates and inserts each group of files while the main thread parses the next;
    an archiver thread compresses and stores payloads. `parse` and `archive_wait` (the main
    thread waiting for the archiver) are main-thread time, `validate` and `database` (the rest
    of the loader's work) loader time, `archive_thread` the archiver's own time. When groups
    overlap, these add up to more than the wall time: `overlapped` says by how much.
    """

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        import warehouse.archive
        import warehouse.ingest
        import warehouse.load

        self._load_module = warehouse.load
        self._archive_module = warehouse.archive
        self._ingest_module = warehouse.ingest
        self._validate = warehouse.load.validate_frame
        self._validate_many = warehouse.load.validate_frames
        self._store = warehouse.archive.store
        self._parsed = warehouse.ingest._parsed
        self._load_group = warehouse.ingest._load_group

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with stopwatch(self.times, name):
                return function(*args, **kwargs)

        return timed

    def critical_path(self) -> dict[str, float]:
        """Seconds spent in parse, archive_wait, validate and database (see the class docstring)."""
        times = self.times
        return {
            "parse": times.get("parse", 0.0),
            "archive_wait": times.get("parse_and_archive_wait", 0.0) - times.get("parse", 0.0),
            "validate": times.get("validate", 0.0),
            "database": times.get("load_thread", 0.0) - times.get("validate", 0.0),
        }

    def __enter__(self) -> IngestTimer:
        self._load_module.validate_frame = self.wrap("validate", self._validate)
        self._load_module.validate_frames = self.wrap("validate", self._validate_many)
        self._archive_module.store = self.wrap("archive_thread", self._store)
        self._ingest_module._parsed = self.wrap("parse_and_archive_wait", self._parsed)
        self._ingest_module._load_group = self.wrap("load_thread", self._load_group)
        return self

    def __exit__(self, *exc: object) -> None:
        self._load_module.validate_frame = self._validate
        self._load_module.validate_frames = self._validate_many
        self._archive_module.store = self._store
        self._ingest_module._parsed = self._parsed
        self._ingest_module._load_group = self._load_group


def _breakdown(timer: IngestTimer, total_s: float) -> dict[str, float]:
    path = timer.critical_path()
    parts = {name: round(seconds, 3) for name, seconds in path.items()}
    # What is not parsing or validation: database work, the commit, reading files, waits.
    parts["database_and_other"] = round(max(total_s - path["parse"] - path["archive_wait"] - path["validate"], 0.0), 3)
    parts["overlapped"] = round(max(sum(path.values()) - total_s, 0.0), 3)
    parts["archive_thread"] = round(timer.times.get("archive_thread", 0.0), 3)
    return parts


def task_ingest(params: dict[str, Any]) -> dict[str, Any]:
    """Each synthetic feed loaded twice into fresh homes holding the bundled data: file by file
    (`ingest_file` per file, as a daily load does) and all at once (`ingest_files`, as
    `infercast ingest FEED --file DIR` does; still one batch per file). DuckDB alone loads the
    same files file by file and, as the bulk reference, all in one statement.
    """
    import duckdb

    from sources.registry import FEEDS
    from warehouse.connection import open_work
    from warehouse.ingest import ingest_bundled, ingest_file, ingest_files

    data_dir = Path(params["data_dir"])
    manifest = json.loads((data_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    if not manifest.get("synthetic"):
        raise RuntimeError(f"{data_dir} is not a synthetic benchmark data set")
    home = Path(params["home"])
    settings = fresh_home(home)
    con = open_work(settings)
    bulk_settings = fresh_home(home.parent / f"{home.name}-bulk")
    bulk_con = open_work(bulk_settings)
    reference = duckdb.connect(str(home / "duckdb_reference.duckdb"))
    bulk_reference = duckdb.connect(str(home / "duckdb_bulk_reference.duckdb"))
    result: dict[str, Any] = {"scale": manifest["scale"], "feeds": {}}

    started = time.perf_counter()
    bundled_rows = 0
    for feed in FEEDS.values():
        bundled_rows += sum(batch.rows_loaded for batch in ingest_bundled(con, settings, feed))
        ingest_bundled(bulk_con, bulk_settings, feed)
    result["bundled"] = {"seconds": round(time.perf_counter() - started, 3), "rows_loaded": bundled_rows}

    for feed_id in SYNTHETIC_FEEDS:
        files = manifest["files"].get(feed_id, [])
        if not files:
            continue
        paths = [data_dir / relative for relative in files]
        timer = IngestTimer()
        feed = FEEDS[feed_id]
        timed_feed = dataclasses.replace(feed, parser=timer.wrap("parse", feed.parser))
        infercast_times: list[float] = []
        duckdb_times: list[float] = []
        records: list[int] = []
        database_s: list[float] = []
        loaded = quarantined = 0
        created: set[str] = set()
        with timer:
            for path in paths:
                before = timer.critical_path()
                t0 = time.perf_counter()
                batch = ingest_file(con, settings, timed_feed, path)
                infercast_times.append(time.perf_counter() - t0)
                spent = {k: v - before.get(k, 0.0) for k, v in timer.critical_path().items()}
                database_s.append(infercast_times[-1] - spent["parse"] - spent["archive_wait"] - spent["validate"])
                loaded += batch.rows_loaded
                quarantined += batch.rows_quarantined
                t0 = time.perf_counter()
                records.append(_reference_load(reference, feed_id, path, f"ref_{feed_id}", created))
                duckdb_times.append(time.perf_counter() - t0)
        total_records = sum(records)
        infercast_s, duckdb_s = sum(infercast_times), sum(duckdb_times)
        per_file_ratio = [d / i for d, i in zip(duckdb_times, infercast_times, strict=True) if i > 0]

        bulk_timer = IngestTimer()
        bulk_feed = dataclasses.replace(feed, parser=bulk_timer.wrap("parse", feed.parser))
        with bulk_timer:
            t0 = time.perf_counter()
            batches = ingest_files(bulk_con, bulk_settings, bulk_feed, paths)
            bulk_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        bulk_records = _reference_bulk_load(bulk_reference, feed_id, paths, f"ref_{feed_id}")
        duckdb_bulk_s = time.perf_counter() - t0

        result["feeds"][feed_id] = {
            "files": len(files),
            "bytes": sum(path.stat().st_size for path in paths),
            "records": total_records,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "infercast_seconds": round(infercast_s, 3),
            "duckdb_seconds": round(duckdb_s, 3),
            "infercast_records_per_s": round(total_records / infercast_s, 1) if infercast_s else None,
            "duckdb_records_per_s": round(total_records / duckdb_s, 1) if duckdb_s else None,
            "ratio_to_duckdb": round(duckdb_s / infercast_s, 4) if infercast_s else None,
            "median_file_ratio_to_duckdb": round(median(per_file_ratio), 4),
            "infercast_breakdown_s": _breakdown(timer, infercast_s),
            # All files in one call: the same batches, validated and inserted together.
            "bulk": {
                "infercast_seconds": round(bulk_s, 3),
                "rows_loaded": sum(batch.rows_loaded for batch in batches),
                "batches": len(batches),
                "infercast_records_per_s": round(total_records / bulk_s, 1) if bulk_s else None,
                "duckdb_bulk_seconds": round(duckdb_bulk_s, 3),
                "duckdb_bulk_records": bulk_records,
                "duckdb_bulk_records_per_s": round(bulk_records / duckdb_bulk_s, 1) if duckdb_bulk_s else None,
                "ratio_to_duckdb_per_file": round(duckdb_s / bulk_s, 4) if bulk_s else None,
                "ratio_to_duckdb_bulk": round(duckdb_bulk_s / bulk_s, 4) if bulk_s else None,
                "infercast_breakdown_s": _breakdown(bulk_timer, bulk_s),
            },
            # Per file, in load order: does loading slow down as staging grows?
            "per_file_infercast_s": [round(t, 4) for t in infercast_times],
            "per_file_database_s": [round(t, 4) for t in database_s],
            "per_file_duckdb_s": [round(t, 4) for t in duckdb_times],
        }
    totals = [f for f in result["feeds"].values()]
    all_records = sum(f["records"] for f in totals)
    all_infercast = sum(f["infercast_seconds"] for f in totals)
    all_duckdb = sum(f["duckdb_seconds"] for f in totals)
    all_bulk = sum(f["bulk"]["infercast_seconds"] for f in totals)
    all_duckdb_bulk = sum(f["bulk"]["duckdb_bulk_seconds"] for f in totals)
    result["total"] = {
        "records": all_records,
        "infercast_seconds": round(all_infercast, 3),
        "duckdb_seconds": round(all_duckdb, 3),
        "infercast_records_per_s": round(all_records / all_infercast, 1) if all_infercast else None,
        "duckdb_records_per_s": round(all_records / all_duckdb, 1) if all_duckdb else None,
        "ratio_to_duckdb": round(all_duckdb / all_infercast, 4) if all_infercast else None,
    }
    result["total_bulk"] = {
        "records": all_records,
        "infercast_seconds": round(all_bulk, 3),
        "duckdb_bulk_seconds": round(all_duckdb_bulk, 3),
        "infercast_records_per_s": round(all_records / all_bulk, 1) if all_bulk else None,
        "duckdb_bulk_records_per_s": round(all_records / all_duckdb_bulk, 1) if all_duckdb_bulk else None,
        "ratio_to_duckdb_per_file": round(all_duckdb / all_bulk, 4) if all_bulk else None,
        "ratio_to_duckdb_bulk": round(all_duckdb_bulk / all_bulk, 4) if all_bulk else None,
    }
    result["staging_rows"] = table_rows(con, "staging")
    result["bulk_staging_rows"] = table_rows(bulk_con, "staging")
    reference.close()
    bulk_reference.close()
    for connection, name in ((con, "per_file"), (bulk_con, "bulk")):
        t0 = time.perf_counter()
        connection.execute("checkpoint").fetchall()
        result[f"final_checkpoint_s_{name}"] = round(time.perf_counter() - t0, 3)
        connection.close()
    result["work_db_bytes"] = settings.work_db.stat().st_size
    if params.get("profile_feed"):
        result["profile"] = _profile_ingest(data_dir, manifest, str(params["profile_feed"]), home)
    shutil.rmtree(bulk_settings.home, ignore_errors=True)
    return result


def _profile_ingest(data_dir: Path, manifest: dict[str, Any], feed_id: str, home: Path) -> dict[str, Any]:
    """cProfile of re-loading a sample of one feed's files into a scratch home."""
    from sources.registry import FEEDS
    from warehouse.connection import open_work
    from warehouse.ingest import ingest_file

    files = manifest["files"][feed_id]
    sample = files[-min(len(files), 20) :]
    settings = fresh_home(home.parent / f"{home.name}-profile")
    con = open_work(settings)

    def load() -> None:
        for relative in sample:
            ingest_file(con, settings, FEEDS[feed_id], data_dir / relative)

    try:
        profiled = profile_call(load)
    finally:
        con.close()
        shutil.rmtree(settings.home, ignore_errors=True)
    profiled["files"] = len(sample)
    profiled["feed"] = feed_id
    return profiled


# --------------------------------------------------------------------------------------
# validation throughput


def _staging_frame(con: Any, table: str) -> Any:
    import polars as pl

    from sources.schemas import TABLE_COLUMNS

    frame = con.sql(f"select * from staging.{table}").pl()
    columns = TABLE_COLUMNS[table]
    return frame.with_columns(source_row=pl.int_range(2, frame.height + 2, dtype=pl.Int64)).select(list(columns))


def reference_token_price_checks(frame: Any, fetched_on: dt.date) -> Any:
    """The token_prices contract written as one polars pass: the practical limit for validation."""
    import polars as pl

    from sources.contracts import EARLIEST_PLAUSIBLE_DATE, MAX_PLAUSIBLE_USD_PER_MTOK

    payload = [c for c in frame.columns if c != "source_row"]
    frame = frame.unique(subset=payload, keep="first", maintain_order=True)
    prices = [
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "blended_usd_per_mtok",
        "cached_input_usd_per_mtok",
        "reasoning_usd_per_mtok",
    ]
    key = ["source", "provider", "model", "model_version", "observed_on"]
    ok = pl.all_horizontal(
        *(pl.col(c).is_not_null() & (pl.col(c).str.len_chars() >= 1) for c in ("source", "provider", "model")),
        pl.col("provenance").is_not_null() & (pl.col("provenance").str.len_chars() >= 1),
        pl.col("model_version").is_not_null(),
        pl.col("observed_on").is_not_null() & (pl.col("observed_on") >= EARLIEST_PLAUSIBLE_DATE),
        pl.col("observed_on") <= fetched_on,
        *(pl.col(c).is_null() | pl.col(c).is_between(0.0, MAX_PLAUSIBLE_USD_PER_MTOK) for c in prices),
        pl.any_horizontal(*(pl.col(c).is_not_null() for c in prices[:3])),
        ~pl.struct(key).is_duplicated(),
    )
    return frame.filter(ok)


def task_validate(params: dict[str, Any]) -> dict[str, Any]:
    import duckdb
    import polars as pl

    from sources.contracts import CONTRACTS
    from warehouse.validate import validate_frame

    repeat = int(params.get("repeat", 3))
    con = duckdb.connect(str(Path(params["work_db"])), read_only=True)
    try:
        prices = _staging_frame(con, "token_prices")
        models = _staging_frame(con, "models")
    finally:
        con.close()
    fetched_on = dt.date.today()
    result: dict[str, Any] = {}

    def measure(name: str, frame: Any, table: str) -> None:
        contract = CONTRACTS[table]
        runs, good = [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            checked = validate_frame(frame, contract, table, fetched_on)
            runs.append(time.perf_counter() - t0)
            good = checked.good.height
        entry: dict[str, Any] = {
            "rows": frame.height,
            "rows_good": good,
            "seconds_median": round(median(runs), 4),
            "seconds_runs": [round(r, 4) for r in runs],
            "rows_per_s": round(frame.height / median(runs), 1),
        }
        if table == "token_prices":
            ref_runs, ref_good = [], 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                ref_good = reference_token_price_checks(frame, fetched_on).height
                ref_runs.append(time.perf_counter() - t0)
            entry["reference_seconds_median"] = round(median(ref_runs), 4)
            entry["reference_rows_good"] = ref_good
            entry["reference_rows_per_s"] = round(frame.height / median(ref_runs), 1)
            entry["ratio_to_reference"] = round(median(ref_runs) / median(runs), 4)
        result[name] = entry

    measure("token_prices_all", prices, "token_prices")
    litellm = prices.filter(pl.col("source") == "litellm")
    if litellm.height:
        # One batch as the loader validates it: the largest LiteLLM vintage.
        sizes = litellm.group_by("observed_on").len().sort(["len", "observed_on"], descending=True)
        largest = sizes["observed_on"][0]
        measure("token_prices_one_vintage", litellm.filter(pl.col("observed_on") == largest), "token_prices")
    measure("models_all", models, "models")
    return result


# --------------------------------------------------------------------------------------
# marts and forecast stages


def task_stages(params: dict[str, Any]) -> dict[str, Any]:
    from warehouse.connection import open_work
    from warehouse.settings import Settings

    repeat = int(params.get("repeat", 3))
    as_of = dt.date.fromisoformat(params.get("as_of", BENCH_AS_OF.isoformat()))
    settings = Settings.from_env(params["home"])
    functions = stage_functions()
    con = open_work(settings)
    runs: dict[str, list[float]] = {}
    summaries: dict[str, Any] = {}
    errors: dict[str, str] = {}
    try:
        staging = table_rows(con, "staging")
        for _ in range(repeat):
            times: dict[str, float] = {}
            try:
                with stopwatch(times, "marts"):
                    summaries["marts"] = functions["build_marts"](con, as_of).__dict__
                clear_forecasts(con)
                with stopwatch(times, "forecasts"):
                    summary = forecast_as_of(con, functions["fit_forecasts"], as_of, times)
                summaries["forecasts"] = summary.__dict__ if summary is not None else None
            except Exception as error:  # keep the timings measured so far; say what failed
                errors["stages"] = f"{type(error).__name__}: {error}"
                with contextlib.suppress(Exception):
                    con.execute("rollback")
                summary = None
            if params.get("report") and "render_reports" in functions and summary is not None:
                try:
                    with stopwatch(times, "report"):
                        functions["render_reports"](con, settings, summary.notes[0])
                except Exception as error:  # a report failure should not hide the stage timings
                    errors["report"] = f"{type(error).__name__}: {error}"
            for name, seconds in times.items():
                runs.setdefault(name, []).append(seconds)
        result: dict[str, Any] = {
            "as_of": as_of.isoformat(),
            "staging_rows": staging,
            "token_prices_rows": staging.get("staging.token_prices", 0),
            "seconds_median": {name: round(median(values), 3) for name, values in runs.items()},
            "seconds_runs": {name: [round(v, 3) for v in values] for name, values in runs.items()},
            "marts_rows": table_rows(con, "marts"),
            "forecast_rows": table_rows(con, "forecast"),
            "errors": errors,
        }
        result["compute_seconds_median"] = round(
            result["seconds_median"].get("marts", 0.0) + result["seconds_median"].get("forecasts", 0.0), 3
        )
        if params.get("profile"):
            result["profile"] = {
                "marts": profile_call(lambda: functions["build_marts"](con, as_of)),
            }
            clear_forecasts(con)
            fitted: dict[str, Any] = {}

            def fit() -> None:
                fitted["summary"] = functions["fit_forecasts"](con, as_of)

            result["profile"]["forecasts"] = profile_call(fit)
            if params.get("report") and "render_reports" in functions and fitted.get("summary") is not None:
                run_id = fitted["summary"].notes[0]
                with contextlib.suppress(Exception):
                    result["profile"]["report"] = profile_call(
                        lambda: functions["render_reports"](con, settings, run_id)
                    )
        return result
    finally:
        con.close()


# --------------------------------------------------------------------------------------
# month-end backtest: marts and forecasts as of every month end


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    ends = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        ends.append(nxt - dt.timedelta(days=1))
        year, month = nxt.year, nxt.month
    return ends


def task_backtest(params: dict[str, Any]) -> dict[str, Any]:
    from warehouse.connection import open_work
    from warehouse.settings import Settings

    source = Settings.from_env(params["source_home"])
    settings = fresh_home(Path(params["home"]))
    shutil.copyfile(source.work_db, settings.work_db)
    functions = stage_functions()
    con = open_work(settings)
    dates = month_ends(dt.date.fromisoformat(params["first"]), dt.date.fromisoformat(params["last"]))
    per_date: list[dict[str, Any]] = []
    failures: dict[str, str] = {}
    started = time.perf_counter()
    try:
        clear_forecasts(con)
        for as_of in dates:
            times: dict[str, float] = {}
            try:
                with stopwatch(times, "marts"):
                    functions["build_marts"](con, as_of)
                with stopwatch(times, "forecasts"):
                    forecast_as_of(con, functions["fit_forecasts"], as_of, times)
            except Exception as error:
                failures[as_of.isoformat()] = f"{type(error).__name__}: {error}"
            per_date.append({"as_of": as_of.isoformat(), **{k: round(v, 3) for k, v in times.items()}})
        total = time.perf_counter() - started
        runs = con.execute("select count(*) from forecast.runs where status = 'success'").fetchall()[0][0]
        values = con.execute("select count(*) from forecast.values").fetchall()[0][0]
    finally:
        con.close()
    step = [d.get("marts", 0.0) + d.get("forecasts", 0.0) for d in per_date]
    return {
        "as_of_dates": len(dates),
        "first": dates[0].isoformat(),
        "last": dates[-1].isoformat(),
        "total_seconds": round(total, 2),
        "median_seconds_per_as_of": round(median(step), 3),
        "max_seconds_per_as_of": round(max(step), 3) if step else None,
        "successful_runs": int(runs),
        "forecast_values_rows": int(values),
        "failures": failures,
        "per_as_of": per_date,
    }


# --------------------------------------------------------------------------------------
# the refresh pipeline without Prefect: stage compute, for the orchestration split


def task_pipeline_direct(params: dict[str, Any]) -> dict[str, Any]:
    from flows import stages
    from warehouse.connection import open_work
    from warehouse.publish import publish

    as_of = dt.date.fromisoformat(params.get("as_of", BENCH_AS_OF.isoformat()))
    settings = fresh_home(Path(params["home"]))
    functions = stage_functions()
    times: dict[str, float] = {}
    errors: dict[str, str] = {}
    with stopwatch(times, "open_and_migrate"):
        con = open_work(settings)
    summary = None
    try:
        with stopwatch(times, "ingest"):
            for feed_id in stages.default_feeds():
                stages.ingest_feed(con, settings, feed_id)
        with stopwatch(times, "marts"):
            functions["build_marts"](con, as_of)
        try:
            with stopwatch(times, "forecasts"):
                summary = functions["fit_forecasts"](con, as_of)
        except Exception as error:  # time the rest of the pipeline anyway, and say what failed
            errors["forecasts"] = f"{type(error).__name__}: {error}"
            with contextlib.suppress(Exception):
                con.execute("rollback")
        if "render_reports" in functions and summary is not None:
            try:
                with stopwatch(times, "report"):
                    functions["render_reports"](con, settings, summary.notes[0])
            except Exception as error:
                errors["report"] = f"{type(error).__name__}: {error}"
    finally:
        con.close()
    with stopwatch(times, "publish"):
        publish(settings)
    return {
        "as_of": as_of.isoformat(),
        "seconds": {k: round(v, 3) for k, v in times.items()},
        "compute_seconds": round(sum(times.values()), 3),
        "errors": errors,
        "published": str(settings.published_db),
    }


# --------------------------------------------------------------------------------------
# the real refresh flow, instrumented: compute inside the stages vs everything else


def _union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Wall time covered by at least one interval (concurrent forecast tasks count once)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def task_refresh_instrumented(params: dict[str, Any]) -> dict[str, Any]:
    """flows.refresh.run_refresh (what `infercast refresh` runs), with every stage function timed.

    Stage compute is the wall time during which at least one stage function was running (the
    forecast jobs run concurrently on the flow's task runner); the rest of the flow's wall time
    is orchestration: the Prefect server (temporary or remote), task and flow state changes.
    """
    import os
    import threading

    started = time.perf_counter()
    settings = fresh_home(Path(params["home"]))
    os.environ["PREFECT_HOME"] = str(settings.prefect_home)
    if params.get("api_url"):
        os.environ["PREFECT_API_URL"] = str(params["api_url"])
    from flows.prefect_env import configure_prefect

    configure_prefect(settings)
    import flows.refresh as refresh
    import flows.stages as stages

    imported = time.perf_counter()
    intervals: dict[str, list[tuple[float, float]]] = {}
    lock = threading.Lock()

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                with lock:
                    intervals.setdefault(name, []).append((t0, time.perf_counter()))

        return wrapper

    patches = [
        (stages, "ingest_feed", "ingest"),
        (stages, "build_marts", "marts"),
        (refresh, "prepare", "forecast prepare"),
        (refresh, "run_job", "forecast jobs"),
        (refresh, "finish", "forecast finish"),
        (stages, "render_reports", "report"),
        (refresh, "publish", "publish"),
        (refresh, "_begin", "run log"),
        (refresh, "_end", "run log"),
    ]
    originals = []
    for module, name, label in patches:
        if hasattr(module, name):
            originals.append((module, name, getattr(module, name)))
            setattr(module, name, timed(label, getattr(module, name)))
    as_of = dt.date.fromisoformat(params.get("as_of", BENCH_AS_OF.isoformat()))
    error = None
    flow_started = time.perf_counter()
    try:
        summary = refresh.run_refresh(settings, as_of=as_of, mode="bundled")
        status = summary.get("status")
    except Exception as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    flow_wall = time.perf_counter() - flow_started
    for module, name, original in originals:
        setattr(module, name, original)
    everything = [i for values in intervals.values() for i in values]
    compute = _union_seconds(everything)
    return {
        "status": status,
        "error": error,
        "api_url": params.get("api_url"),
        "imports_s": round(imported - started, 3),
        "flow_wall_s": round(flow_wall, 3),
        "stage_compute_s": round(compute, 3),
        "orchestration_in_flow_s": round(flow_wall - compute, 3),
        "stage_s": {name: round(_union_seconds(values), 3) for name, values in intervals.items()},
        "stage_calls": {name: len(values) for name, values in intervals.items()},
    }


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "refresh_instrumented": task_refresh_instrumented,
    "generate": task_generate,
    "ingest": task_ingest,
    "validate": task_validate,
    "stages": task_stages,
    "backtest": task_backtest,
    "pipeline_direct": task_pipeline_direct,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run one benchmark worker")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--params", required=True, help="JSON object")
    parser.add_argument("--result", required=True, type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        result = TASKS[args.task](json.loads(args.params))
        payload: dict[str, Any] = {"ok": True, "result": result}
    except Exception as error:
        buffer = io.StringIO()
        traceback.print_exc(file=buffer)
        payload = {"ok": False, "error": f"{type(error).__name__}: {error}", "traceback": buffer.getvalue()}
    payload["task_seconds"] = round(time.perf_counter() - started, 3)
    args.result.write_text(json.dumps(payload, default=str, indent=1), encoding="utf-8")
    return 0 if payload["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
