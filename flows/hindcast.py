"""`infercast hindcast`: forecasts made as of past dates, scored against what happened since.

Each as-of date goes through the same code path as `infercast forecast --as-of`: the marts are
rebuilt from what was known on that date and the forecast stage fits every family. This
happens in a scratch copy of the working database, so the as-of runs never enter the
warehouse's forecast.runs (they cannot become "latest"), its marts keep describing today,
and nothing is published. The outcomes are the current marts (every load, as of no date)
read in the same scratch copy before the first as-of run. Naive and drift are fitted on each
as-of history of the engine families as benchmarks.

The working database gets only forecast.hindcast_runs, forecast.hindcast_points and
forecast.hindcast_scores, written in one transaction at the end.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from flows.forecast_stage import build_jobs
from flows.marts_stage import build_marts
from flows.progress import report
from flows.stages import fit_forecasts
from forecasts.base import DEFAULT_LEVELS
from forecasts.compute_family import installed_series
from forecasts.drift import DriftRandomWalk
from forecasts.fallback import ModelFitError
from forecasts.hindcast_scoring import hindcast_scores
from forecasts.naive import Naive
from warehouse.db import insert_frame
from warehouse.settings import Settings

EVERYTHING = dt.date(9999, 12, 31)
BENCHMARKS = {"naive": Naive, "drift_rw": DriftRandomWalk}
POINT_COLUMNS = [
    "as_of",
    "target",
    "series_id",
    "model",
    "method",
    "ds",
    "lead",
    "median",
    "lo_80",
    "hi_80",
    "lo_95",
    "hi_95",
    "observed",
    "unit",
]


@dataclass
class Hindcast:
    hindcast_id: str
    runs: pl.DataFrame
    points: pl.DataFrame
    scores: pl.DataFrame
    notes: list[str] = field(default_factory=list)


def engine_histories(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """[target, freq, unit, series_id, ds, y] of every engine family from the current marts."""
    parts = [
        frame.select("ds", pl.col("y").cast(pl.Float64)).with_columns(
            target=pl.lit(job.target), freq=pl.lit(job.freq), unit=pl.lit(job.unit), series_id=pl.lit(series_id)
        )
        for job in build_jobs(con, as_of)
        for series_id, frame in job.series.items()
    ]
    # The installed stock is forecast by accumulating the shipments family, outside the engine;
    # it is the headline compute number, so it is scored (and benchmarked) as a family of its own.
    installed = con.sql("select * from marts.installed_compute").pl()
    parts += [
        frame.select("ds", pl.col("y").cast(pl.Float64)).with_columns(
            target=pl.lit("installed_h100e"), freq=pl.lit("quarter"), unit=pl.lit("h100e"), series_id=pl.lit(vendor)
        )
        for vendor, frame in installed_series(installed).items()
    ]
    schema = {"ds": pl.Date(), "y": pl.Float64(), "target": pl.String(), "freq": pl.String()}
    schema |= {"unit": pl.String(), "series_id": pl.String()}
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def observed_outcomes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """[target, series_id, ds, observed]: what the current marts hold for every family the
    hindcast can score. Families outside the engine are matched on the month of their dates."""
    engine = engine_histories(con, EVERYTHING).select("target", "series_id", "ds", pl.col("y").alias("observed"))
    frames = [engine]
    adoption = con.sql(
        "select 'reasoning_share' as target, 'all' as series_id, period as ds, share as observed "
        "from marts.reasoning_adoption where period_type = 'quarter' and organization = 'all' and n_releases > 0"
    ).pl()
    frames.append(adoption.with_columns(pl.col("observed").cast(pl.Float64)))
    return pl.concat([f.select("target", "series_id", pl.col("ds").cast(pl.Date), "observed") for f in frames])


def benchmark_values(histories: pl.DataFrame, horizon_by_target: dict[str, int]) -> pl.DataFrame:
    """Naive and drift forecasts of every engine series from its as-of history."""
    parts = []
    for (target, series_id, freq, unit), history in histories.group_by(
        "target", "series_id", "freq", "unit", maintain_order=True
    ):
        horizon = horizon_by_target.get(str(target))
        if not horizon:
            continue
        for alias, model_type in BENCHMARKS.items():
            try:
                model = model_type(freq=freq).fit(history.select("ds", "y").sort("ds"))
            except (ValueError, ModelFitError):
                continue
            parts.append(
                model.predict(horizon, DEFAULT_LEVELS).with_columns(
                    target=pl.lit(target),
                    series_id=pl.lit(series_id),
                    model=pl.lit(alias),
                    method=pl.lit(alias),
                    unit=pl.lit(unit),
                )
            )
    return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()


def as_of_points(con: duckdb.DuckDBPyConnection, run_id: str, as_of: dt.date, outcomes: pl.DataFrame) -> pl.DataFrame:
    """This as-of run's forecasts and the benchmarks', each joined to its later outcome."""
    champion = (
        con.sql(
            # Stored as `median`; the benchmarks' frames use the models' in-memory name.
            "select target, series_id, model, ds, median as mean, lo_80, hi_80, lo_95, hi_95, unit "
            "from forecast.values where run_id = ?",
            params=[run_id],
        )
        .pl()
        .with_columns(method=pl.lit("champion"))
    )
    per_series = champion.group_by("target", "series_id").agg(pl.len().alias("n"))
    horizon_by_target = {str(t): int(n) for t, n in per_series.group_by("target").agg(pl.col("n").max()).iter_rows()}
    benchmarks = benchmark_values(engine_histories(con, as_of), horizon_by_target)
    forecasts = pl.concat([champion, benchmarks], how="diagonal_relaxed") if benchmarks.height else champion
    if forecasts.height == 0:
        return pl.DataFrame()
    forecasts = forecasts.sort("target", "series_id", "method", "ds").with_columns(
        lead=pl.col("ds").rank("ordinal").over("target", "series_id", "method").cast(pl.Int64),
        ds=pl.col("ds").cast(pl.Date),
    )
    # Families outside the engine may forecast dates that are not period starts: match on the month.
    month = pl.col("ds").dt.truncate("1mo")
    joined = forecasts.with_columns(_month=month).join(
        outcomes.with_columns(_month=month).drop("ds"), on=["target", "series_id", "_month"], how="inner"
    )
    return joined.with_columns(as_of=pl.lit(as_of, pl.Date), median=pl.col("mean")).select(POINT_COLUMNS)


def run_hindcast(work_db: Path, dates: list[dt.date], scratch_dir: Path | None = None) -> Hindcast:
    """Forecast as of each date in a scratch copy of `work_db` (closed by the caller) and score it."""
    hindcast_id = f"hindcast-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    runs, points, notes = [], [], []
    with tempfile.TemporaryDirectory(prefix="hindcast-", dir=scratch_dir) as tmp:
        scratch_path = Path(tmp) / "scratch.duckdb"
        shutil.copyfile(work_db, scratch_path)
        con = duckdb.connect(str(scratch_path))
        try:
            report("hindcast: outcomes from the current marts")
            build_marts(con, None)
            outcomes = observed_outcomes(con)
            for as_of in dates:
                report(f"hindcast as of {as_of}")
                started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
                try:
                    build_marts(con, as_of)
                    summary = fit_forecasts(con, as_of)
                    run_id = summary.notes[0]
                    found = as_of_points(con, run_id, as_of, outcomes)
                except (ValueError, KeyError, duckdb.Error) as error:
                    runs.append(_run_row(as_of, None, started, "failed", 0, f"{type(error).__name__}: {error}"))
                    notes.append(f"as of {as_of}: failed ({error})")
                    continue
                n_values = con.sql("select count(*) from forecast.values where run_id = ?", params=[run_id]).fetchall()
                runs.append(_run_row(as_of, run_id, started, "success", int(n_values[0][0]), None))
                if found.height:
                    points.append(found)
        finally:
            con.close()
    point_frame = (
        pl.concat(points, how="diagonal_relaxed") if points else pl.DataFrame(schema=dict.fromkeys(POINT_COLUMNS))
    )
    scores = hindcast_scores(point_frame) if point_frame.height else hindcast_scores(pl.DataFrame())
    return Hindcast(hindcast_id, pl.DataFrame(runs), point_frame, scores, notes)


def _run_row(
    as_of: dt.date, run_id: str | None, started: dt.datetime, status: str, n_values: int, message: str | None
) -> dict[str, object]:
    finished = dt.datetime.now(dt.UTC).replace(tzinfo=None) if status == "success" else None
    return {
        "as_of": as_of,
        "forecast_run_id": run_id,
        "started_at": started,
        "finished_at": finished,
        "status": status,
        "n_values": n_values,
        "message": message,
    }


def store_hindcast(con: duckdb.DuckDBPyConnection, result: Hindcast) -> None:
    """Write the hindcast's runs, points and scores in one transaction."""
    con.execute("begin transaction")
    try:
        for table, frame in (
            ("forecast.hindcast_runs", result.runs),
            ("forecast.hindcast_points", result.points),
            ("forecast.hindcast_scores", result.scores),
        ):
            if frame.height:
                insert_frame(con, table, frame.with_columns(hindcast_id=pl.lit(result.hindcast_id)))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def hindcast(settings: Settings, dates: list[dt.date]) -> Hindcast:
    """Run, store and return a hindcast over `dates` (the caller holds the writer lock)."""
    from warehouse.connection import open_work

    open_work(settings).close()  # migrated and checkpointed before it is copied
    result = run_hindcast(settings.work_db, dates, scratch_dir=settings.work_dir)
    con = open_work(settings)
    try:
        store_hindcast(con, result)
    finally:
        con.close()
    return result


REPORT_LEADS = {"price_index": (6, 12, 24), "frontier_price": (6, 12, 24)}
QUARTER_LEADS = (2, 4, 8)


def score_table_rows(scores: pl.DataFrame) -> list[tuple[str, ...]]:
    """Rows of the printed table: each family's champion at the report's horizons and pooled,
    with its coverage, mean log error, CRPS and CRPS relative to naive and drift."""

    def cell(value: float | None, pattern: str) -> str:
        return "—" if value is None else format(value, pattern)

    rows: list[tuple[str, ...]] = []
    champion = scores.filter(pl.col("method") == "champion").sort("target", "lead")
    for row in champion.iter_rows(named=True):
        leads = REPORT_LEADS.get(row["target"], QUARTER_LEADS)
        if row["lead"] != 0 and row["lead"] not in leads:
            continue
        rows.append(
            (
                row["target"],
                "all" if row["lead"] == 0 else str(row["lead"]),
                str(row["n_points"]),
                cell(row["coverage_80"], ".0%"),
                cell(row["coverage_95"], ".0%"),
                cell(row["mean_log_error"], "+.2f"),
                cell(row["crps"], ".3f"),
                cell(row["crps_vs_naive"], ".2f"),
                cell(row["crps_vs_drift"], ".2f"),
            )
        )
    return rows


SCORE_HEADERS = ("family", "lead", "points", "in 80%", "in 95%", "mean log error", "CRPS", "vs naive", "vs drift")
