"""Hand-made forecast rows for the tables the forecast stage leaves empty for a run.

Each `fill_*` inserts rows only where the run has none (per table, or per target for values and
growth rates), so a warehouse the real stage fills completely is left as it is. Numbers are
plausible rather than fitted: forecasts continue the last actual on a trend with widening bands.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import duckdb

AS_OF = dt.date(2025, 12, 31)


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> int:
    return int(con.execute(sql, params).fetchall()[0][0])


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values())).fetchall()


def _months_ahead(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _fan_rows(
    run_id: str,
    target: str,
    series_id: str,
    unit: str,
    last_day: dt.date,
    last_value: float,
    factor_per_year: float,
    *,
    step_months: int,
    steps: int,
    spread: float = 0.12,
) -> list[dict[str, Any]]:
    rows = []
    for step in range(1, steps + 1):
        years = step * step_months / 12
        mean = last_value * factor_per_year**years
        w80 = math.exp(spread * 1.28 * math.sqrt(step))
        w95 = math.exp(spread * 1.96 * math.sqrt(step))
        rows.append(
            {
                "run_id": run_id,
                "target": target,
                "series_id": series_id,
                "model": "drift_rw",
                "ds": _months_ahead(last_day, step * step_months),
                "median": mean,
                "lo_80": mean / w80,
                "hi_80": mean * w80,
                "lo_95": mean / w95,
                "hi_95": mean * w95,
                "unit": unit,
            }
        )
    return rows


def _has_values(con: duckdb.DuckDBPyConnection, run_id: str, target: str) -> bool:
    return bool(_count(con, "select count(*) from forecast.values where run_id = ? and target = ?", [run_id, target]))


def fill_values(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    rows: list[dict[str, Any]] = []
    if not _has_values(con, run_id, "frontier_price"):
        for benchmark, month, price in con.execute(
            "select benchmark, max(month), arg_max(blended_usd_per_mtok, month) from marts.frontier_price group by 1"
        ).fetchall():
            rows += _fan_rows(
                run_id,
                "frontier_price",
                benchmark,
                "usd_per_mtok",
                month,
                price,
                0.6,
                step_months=1,
                steps=24,
                spread=0.15,
            )
    if not _has_values(con, run_id, "installed_h100e"):
        for vendor, quarter, stock in con.execute(
            "select vendor, max(quarter), arg_max(installed_h100e_p50, quarter) from marts.installed_compute group by 1"
        ).fetchall():
            rows += _fan_rows(
                run_id, "installed_h100e", vendor, "h100e", quarter, stock, 2.6, step_months=3, steps=8, spread=0.06
            )
    if not _has_values(con, run_id, "nvidia_datacenter_revenue"):
        rows += _fan_rows(
            run_id,
            "nvidia_datacenter_revenue",
            "Nvidia",
            "usd",
            dt.date(2025, 7, 1),
            51.2e9,
            1.9,
            step_months=3,
            steps=8,
            spread=0.1,
        )
    if not _has_values(con, run_id, "token_demand"):
        for company, day, tokens in con.execute(
            "select company, max(observed_on), arg_max(tokens_per_day, observed_on) from marts.token_demand "
            "where company in ('Google', 'OpenAI') group by 1"
        ).fetchall():
            start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            rows += _fan_rows(
                run_id,
                "token_demand",
                company,
                "tokens_per_day",
                start,
                tokens,
                8.0,
                step_months=3,
                steps=8,
                spread=0.4,
            )
    if not _has_values(con, run_id, "reasoning_share"):
        for step in range(1, 9):
            ds = _months_ahead(dt.date(2025, 10, 1), 3 * step)
            mean = 1 / (1 + math.exp(-(2.2 + 0.25 * step)))
            rows.append(
                {
                    "run_id": run_id,
                    "target": "reasoning_share",
                    "series_id": "all",
                    "model": "logistic_glm",
                    "ds": ds,
                    "median": mean,
                    "lo_80": mean - 0.04 - 0.01 * step,
                    "hi_80": min(mean + 0.02, 1.0),
                    "lo_95": mean - 0.07 - 0.015 * step,
                    "hi_95": min(mean + 0.035, 1.0),
                    "unit": "share",
                }
            )
    _insert(con, "forecast.values", rows)


def fill_declines(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    published = _count(
        con,
        "select count(*) from forecast.decline_rates where run_id = ? and method = 'frontier_lows_ols'",
        [run_id],
    )
    if published:
        return
    tiers = con.execute(
        "select tier_id, benchmark, threshold_model, threshold_score from marts.capability_tiers order by tier_id"
    ).fetchall()
    rows = []
    for number, (tier_id, benchmark, model, score) in enumerate(tiers):
        factor = 8.0 + 3.5 * number
        rows.append(
            {
                "run_id": run_id,
                "tier_id": tier_id,
                "benchmark": benchmark,
                "threshold_model": model,
                "threshold_score": score,
                "n": 5 + number % 7,
                "start_date": dt.date(2022 + number % 3, 1 + number % 12, 1),
                "end_date": dt.date(2025, 11, 1),
                "factor_per_year": factor,
                "ci90_low": factor / (1.6 + 0.05 * number),
                "ci90_high": factor * (1.8 + 0.05 * number),
                "r_squared": 0.7 + 0.01 * (number % 20),
                "method": "frontier_lows_ols",
            }
        )
    _insert(con, "forecast.decline_rates", rows)


def _empty_for_run(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> bool:
    return not _count(con, f"select count(*) from {table} where run_id = ?", [run_id])


def fill_sensitivity(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    if not _empty_for_run(con, "forecast.decline_sensitivity", run_id):
        return
    rows = []
    for number, tier in enumerate(("mmlu_gpt3", "mmlu_gpt4_0314", "gpqa_gpt4o_2024_05")):
        for offset, variant in enumerate(("blend_1to1", "blend_3to1", "no_reasoning_models")):
            factor = 10.0 + 4 * number + offset
            empty = tier == "gpqa_gpt4o_2024_05" and variant == "no_reasoning_models"
            rows.append(
                {
                    "run_id": run_id,
                    "tier_id": tier,
                    "variant": variant,
                    "n": None if empty else 6 + offset,
                    "start_date": None if empty else dt.date(2023, 3, 1),
                    "end_date": None if empty else dt.date(2025, 11, 1),
                    "factor_per_year": None if empty else factor,
                    "ci90_low": None if empty else factor / 2,
                    "ci90_high": None if empty else factor * 2.2,
                    "note": "only 2 new price lows (need 3)" if empty else None,
                }
            )
    _insert(con, "forecast.decline_sensitivity", rows)


GROWTH_ROWS: dict[str, list[tuple[str, float, float, float, int, dt.date, dt.date, float | None]]] = {
    "installed_h100e": [
        ("all", 3.1, 2.7, 3.6, 8, dt.date(2024, 1, 1), dt.date(2025, 10, 1), 3.3),
        ("Nvidia", 2.6, 2.3, 3.0, 8, dt.date(2024, 1, 1), dt.date(2025, 10, 1), 2.3),
        ("Google", 3.4, 2.9, 4.1, 8, dt.date(2024, 1, 1), dt.date(2025, 10, 1), None),
    ],
    "nvidia_datacenter_revenue": [("Nvidia", 2.4, 2.0, 2.9, 15, dt.date(2022, 1, 1), dt.date(2025, 7, 1), None)],
    "token_demand": [
        ("Google", 14.2, 4.1, 49.0, 5, dt.date(2024, 4, 15), dt.date(2025, 10, 29), None),
        ("OpenAI", 9.5, 1.3, 70.0, 3, dt.date(2024, 2, 9), dt.date(2025, 10, 6), None),
    ],
}


def fill_growth(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    for target, series in GROWTH_ROWS.items():
        if _count(con, "select count(*) from forecast.growth_rates where run_id = ? and target = ?", [run_id, target]):
            continue
        _insert(
            con,
            "forecast.growth_rates",
            [
                {
                    "run_id": run_id,
                    "target": target,
                    "series_id": series_id,
                    "factor_per_year": factor,
                    "ci90_low": low,
                    "ci90_high": high,
                    "n": n,
                    "start_date": start,
                    "end_date": end,
                    "r_squared": 0.93,
                    "method": "OLS of log value on time (ols standard errors)",
                    "anchor_factor_per_year": anchor,
                    "note": "hand-made test row",
                }
                for series_id, factor, low, high, n, start, end, anchor in series
            ],
        )


def fill_adoption(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    if _empty_for_run(con, "forecast.adoption_fits", run_id):
        base = {
            "run_id": run_id,
            "basis": "known_flags",
            "estimate": None,
            "ci90_low": None,
            "ci90_high": None,
            "estimate_date": None,
            "ci90_low_date": None,
            "ci90_high_date": None,
            "note": "hand-made",
        }
        _insert(
            con,
            "forecast.adoption_fits",
            [
                base
                | {
                    "model": "logistic",
                    "parameter": "midpoint",
                    "estimate_date": dt.date(2024, 11, 20),
                    "ci90_low_date": dt.date(2024, 9, 2),
                    "ci90_high_date": dt.date(2025, 1, 30),
                },
                base
                | {
                    "model": "logistic",
                    "parameter": "share_at_as_of",
                    "estimate": 0.912,
                    "ci90_low": 0.861,
                    "ci90_high": 0.946,
                    "estimate_date": AS_OF,
                },
                base | {"model": "logistic", "parameter": "slope_per_year", "estimate": 2.1},
                base | {"model": "bass", "parameter": "p", "estimate": 0.031, "ci90_low": 0.0, "ci90_high": 0.09},
                base | {"model": "bass", "parameter": "q", "estimate": 2.4, "ci90_low": 1.1, "ci90_high": 3.7},
            ],
        )
    if _empty_for_run(con, "forecast.token_multiplier", run_id):
        _insert(
            con,
            "forecast.token_multiplier",
            [
                {
                    "run_id": run_id,
                    "task": task,
                    "n_reasoning_models": nr,
                    "n_other_models": no,
                    "multiplier": m,
                    "ci90_low": lo,
                    "ci90_high": hi,
                    "reasoning_output_tokens_per_sample": r,
                    "other_output_tokens_per_sample": o,
                }
                for task, nr, no, m, lo, hi, r, o in (
                    ("all", 12, 20, 6.8, 4.9, 9.6, 5400.0, 790.0),
                    ("gpqa_diamond", 12, 18, 8.1, 5.2, 12.4, 7300.0, 900.0),
                    ("math_level_5", 11, 20, 5.9, 3.8, 9.0, 4100.0, 690.0),
                )
            ],
        )


SCENARIOS = {"bear": 0.6, "base": 1.0, "bull": 1.6}


def fill_scenarios(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    if _empty_for_run(con, "forecast.scenario_parameters", run_id):
        rows = []
        for scenario, scale in SCENARIOS.items():
            for parameter, value, unit, basis in (
                ("token_growth_per_year", 4.0 * scale, "factor_per_year", "token demand growth, CI bounds and centre"),
                ("reasoning_share_2028", min(0.55 + 0.25 * scale, 0.99), "share", "logistic forecast"),
                ("flop_per_token", 2e11 * scale, "flop_per_token", "2 x active parameters of a 100B model"),
                ("installed_growth_per_year", 2.3 + 0.6 * scale, "factor_per_year", "installed compute growth"),
            ):
                rows.append(
                    {
                        "run_id": run_id,
                        "scenario": scenario,
                        "parameter": parameter,
                        "value": value,
                        "unit": unit,
                        "basis": basis,
                    }
                )
        _insert(con, "forecast.scenario_parameters", rows)
    if _empty_for_run(con, "forecast.demand_scenarios", run_id):
        rows = []
        for scenario, scale in SCENARIOS.items():
            for year in (2026, 2027, 2028):
                k = year - 2025
                tokens = 1e14 * (4.0 * scale) ** k
                share = min(0.8 + 0.05 * k * scale, 0.99)
                multiplier = 1 + share * 5.8
                demand = tokens / 86400 * 2e11 * scale * multiplier
                installed = 2e7 * (2.3 + 0.6 * scale) ** k
                capacity = installed * 9.9e14 * 0.4
                rows.append(
                    {
                        "run_id": run_id,
                        "scenario": scenario,
                        "year": year,
                        "tokens_per_day": tokens,
                        "reasoning_share": share,
                        "token_mix_multiplier": multiplier,
                        "inference_flop_per_s": demand,
                        "installed_h100e": installed,
                        "inference_capacity_flop_per_s": capacity,
                        "implied_utilization": demand / capacity,
                    }
                )
        _insert(con, "forecast.demand_scenarios", rows)


def fill_claims(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    if not _empty_for_run(con, "forecast.claims", run_id):
        return
    base = {"run_id": run_id, "data_needed": None}
    _insert(
        con,
        "forecast.claims",
        [
            base
            | {
                "claim_id": "C1",
                "claim_text": "LLM prices fall 10x per year at constant capability",
                "metric": "median decline factor",
                "estimate": 19.1,
                "ci90_low": 13.3,
                "ci90_high": 34.0,
                "unit": "factor_per_year",
                "verdict": "contradicted",
                "evidence": "10x lies below our 90% CI",
            },
            base
            | {
                "claim_id": "C2",
                "claim_text": "Installed AI compute grows 3.3x per year",
                "metric": "installed H100e growth",
                "estimate": 3.1,
                "ci90_low": 2.7,
                "ci90_high": 3.6,
                "unit": "factor_per_year",
                "verdict": "supported",
                "evidence": "3.3x lies inside our 90% CI",
            },
            base
            | {
                "claim_id": "C3",
                "claim_text": "Most new models reason by 2025",
                "metric": "reasoning share 2025Q4",
                "estimate": 0.91,
                "ci90_low": 0.86,
                "ci90_high": 0.95,
                "unit": "share",
                "verdict": "supported",
                "evidence": "share above 50%",
            },
            {
                "run_id": run_id,
                "claim_id": "C4",
                "claim_text": "Inference is 90% of AI compute",
                "metric": "inference share of compute",
                "estimate": None,
                "ci90_low": None,
                "ci90_high": None,
                "unit": None,
                "verdict": "not testable with ingested data",
                "evidence": "no workload split data",
                "data_needed": "cloud workload mix by inference vs training",
            },
        ],
    )


def fill_accuracy(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    if _empty_for_run(con, "forecast.backtests", run_id):
        series = con.execute(
            "select distinct target, series_id from forecast.values where run_id = ? order by all", [run_id]
        ).fetchall()
        rows = []
        for number, (target, series_id) in enumerate(series):
            for rank, model in enumerate(("drift_rw", "naive", "loglinear_hac")):
                rows.append(
                    {
                        "run_id": run_id,
                        "target": target,
                        "series_id": series_id,
                        "model": model,
                        "horizon": 6,
                        "mase": 0.8 + 0.1 * rank + 0.01 * number,
                        "mase_vs_drift": 1.0 + 0.1 * rank,
                        "coverage_80": 0.83 - 0.05 * rank,
                        "coverage_95": 0.96 - 0.03 * rank,
                        "winkler": 1.1 + 0.2 * rank,
                        "n_windows": 6,
                        "is_champion": rank == 0,
                        "champion_reason": "lowest MASE among calibrated models" if rank == 0 else None,
                    }
                )
        _insert(con, "forecast.backtests", rows)
    if _empty_for_run(con, "forecast.fallbacks", run_id):
        _insert(
            con,
            "forecast.fallbacks",
            [
                {
                    "run_id": run_id,
                    "target": "price_index",
                    "series_id": "gpqa_claude35_sonnet_2024_06",
                    "origin": dt.date(2025, 6, 1),
                    "model": "naive",
                    "fallback_from": "ets_damped",
                    "reason": "ets_damped needs 10 observations, got 8",
                },
                {
                    "run_id": run_id,
                    "target": "installed_h100e",
                    "series_id": "Amazon",
                    "origin": None,
                    "model": "drift_rw",
                    "fallback_from": "ets_damped",
                    "reason": "non-finite forecast",
                },
            ],
        )


def fill_operations(con: duckdb.DuckDBPyConnection) -> None:
    """A stale feed and a failed batch, for the warnings section."""
    if not _count(con, "select count(*) from meta.fetch_state where last_status = 'failed'", []):
        _insert(
            con,
            "meta.fetch_state",
            [
                {
                    "feed": "litellm",
                    "url": "https://example.invalid/litellm.json",
                    "etag": None,
                    "last_modified": None,
                    "last_attempt_at": dt.datetime(2025, 12, 30, 6, 0),
                    "last_success_at": dt.datetime(2025, 12, 1, 6, 0),
                    "last_status": "failed",
                    "last_error": "HTTP 503 after 4 attempts",
                }
            ],
        )
    if not _count(con, "select count(*) from meta.ingest_batches where status = 'failed'", []):
        _insert(
            con,
            "meta.ingest_batches",
            [
                {
                    "batch_id": "openrouter-failed-1",
                    "feed": "openrouter",
                    "source": "https://openrouter.ai/api/v1/models",
                    "fetched_at": dt.datetime(2025, 12, 29, 5, 0),
                    "sha256": "f" * 64,
                    "archive_path": None,
                    "rows_in": 300,
                    "rows_loaded": 0,
                    "rows_quarantined": 40,
                    "rows_duplicate": 0,
                    "status": "failed",
                    "message": "13% of rows failed validation (limit 5%)",
                    "finished_at": dt.datetime(2025, 12, 29, 5, 1),
                }
            ],
        )


def fill_all(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    fill_values(con, run_id)
    fill_declines(con, run_id)
    fill_sensitivity(con, run_id)
    fill_growth(con, run_id)
    fill_adoption(con, run_id)
    fill_scenarios(con, run_id)
    fill_claims(con, run_id)
    fill_accuracy(con, run_id)
    fill_operations(con)


def empty_run(con: duckdb.DuckDBPyConnection, run_id: str, as_of: dt.date) -> None:
    """Only a forecast.runs row: every other table is empty for the run."""
    con.execute(
        "insert into forecast.runs values (?, ?, ?, ?, ?, 'success', null)",
        [run_id, as_of, dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 1, 0, 5), json.dumps([])],
    ).fetchall()


def minimal_run(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> str:
    """A forecast run of the price index only (log-linear trend per tier), written like the stage writes
    runs: a stand-in for an earlier run, which costs a fraction of the full forecast stage."""
    import polars as pl

    from flows.stages import data_vintage, run_id_for
    from forecasts.price_decline import forecast_price_index
    from transforms.tiers import DEFAULT_TIERS_FILE

    vintage = data_vintage(con)
    run_id = run_id_for(as_of, vintage, DEFAULT_TIERS_FILE) + "-minimal"
    result = forecast_price_index(con.sql("select * from marts.price_index").pl(), 24)
    for table, frame in (("forecast.values", result.values), ("forecast.decline_rates", result.declines)):
        stored = frame.rename({"mean": "median"}) if table == "forecast.values" else frame
        con.register("minimal_rows", stored.with_columns(run_id=pl.lit(run_id)))
        try:
            con.execute(f"insert into {table} by name select * from minimal_rows").fetchall()
        finally:
            con.unregister("minimal_rows")
    started = dt.datetime.combine(as_of, dt.time(6))
    con.execute(
        "insert into forecast.runs values (?, ?, ?, ?, ?, 'success', ?)",
        [run_id, as_of, started, started, json.dumps(vintage, default=str), "minimal run: price index only"],
    ).fetchall()
    return run_id
