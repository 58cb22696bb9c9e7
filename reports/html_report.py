"""The HTML report: one self-contained file (inline CSS and SVG, nothing fetched)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import polars as pl

from reports.charts import BENCHMARK_LABELS, price_index_fans
from warehouse.db import fetch_first
from warehouse.sqlfiles import read_sql

TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.sql(read_sql("latest_successful_run")).fetchall()
    return str(row[0][0]) if row else None


def render_html(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    citation: str,
    licence: str,
    generated_at: dt.datetime | None = None,
) -> str:
    run = fetch_first(con, "select as_of, data_vintage from forecast.runs where run_id = ?", [run_id])
    if run is None:
        raise ValueError(f"no forecast run {run_id!r}")
    as_of, vintage_json = run
    vintage: list[dict[str, Any]] = json.loads(vintage_json)
    index = con.sql("select * from marts.price_index order by tier_id, month").pl()
    values = con.sql(
        "select * from forecast.values where run_id = ? and target = 'price_index' order by series_id, ds",
        params=[run_id],
    ).pl()
    labels = con.sql("select tier_id, label from marts.capability_tiers").pl()
    declines = (
        con.sql(
            "select * from forecast.decline_rates where run_id = ? order by benchmark, threshold_score",
            params=[run_id],
        )
        .pl()
        .join(labels, on="tier_id", how="left")
        .with_columns(
            benchmark_label=pl.col("benchmark").replace_strict(BENCHMARK_LABELS, default=pl.col("benchmark"))
        )
    )
    source_line = f"Source: {citation}; infercast run {run_id}."
    generated = generated_at or dt.datetime.now(dt.UTC)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            as_of=as_of,
            run_id=run_id,
            generated_line=f"generated at {generated:%Y-%m-%d %H:%M} UTC",
            vintage=vintage,
            chart_svg=price_index_fans(index, values, source_line),
            chart_source=source_line,
            declines=declines.to_dicts(),
            skipped={},
            citation=citation,
            licence=licence,
        )
    )


def write_html(path: Path, html: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".html.tmp")
    temp.write_text(html, encoding="utf-8")
    temp.replace(path)
    return path
