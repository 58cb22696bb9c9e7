"""Write every export of a forecast run in one call: HTML, PDF, XLSX, CSV and Parquet.

out_dir/infercast_report.html   the report, one self-contained file
out_dir/infercast_report.pdf    the same report, A4, with contents and page numbers
out_dir/infercast.xlsx          About sheet + one sheet per mart and forecast table
out_dir/tables/<schema>.<table>.csv|parquet
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from reports.html_report import build_report, write_html
from reports.pdf_export import PdfJob
from reports.table_export import export_tables
from reports.xlsx_export import export_xlsx

EXPORT_FORMATS = ("html", "pdf", "xlsx", "csv", "parquet")
HTML_NAME = "infercast_report.html"
PDF_NAME = "infercast_report.pdf"
XLSX_NAME = "infercast.xlsx"
TABLES_DIR = "tables"


def write_all_exports(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    run_id: str,
    feeds: Sequence[Mapping[str, Any]],
    formats: Iterable[str] = EXPORT_FORMATS,
    generated_at: dt.datetime | None = None,
) -> dict[str, list[Path]]:
    """Write the requested formats of run `run_id` under `out_dir`; returns the paths per format.

    `feeds` is a list of {feed, citation, licence, family}. Unknown formats are refused before
    anything is written. The report is built once (queries, charts) for both HTML and PDF. The PDF
    is rendered in a child process (reports.pdf_export.PdfJob) while this one writes the rest, so
    the order below puts the PDF's input first.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = sorted(set(wanted) - set(EXPORT_FORMATS))
    if unknown:
        raise ValueError(f"unknown export format(s) {', '.join(unknown)}; use {', '.join(EXPORT_FORMATS)}")
    generated = generated_at or dt.datetime.now(dt.UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {}
    with contextlib.ExitStack() as stack:
        pdf = stack.enter_context(PdfJob(out_dir / PDF_NAME)) if "pdf" in wanted else None
        if "html" in wanted or pdf is not None:
            with build_report(con, run_id, feeds=feeds, generated_at=generated) as report:
                if pdf is not None:
                    pdf.submit(report.html("print"))
                if "html" in wanted:
                    written["html"] = [write_html(out_dir / HTML_NAME, report.html("screen"))]
        if "xlsx" in wanted:
            credits = [
                {"feed": str(f["feed"]), "citation": str(f["citation"]), "licence": str(f["licence"])} for f in feeds
            ]
            written["xlsx"] = [export_xlsx(con, out_dir / XLSX_NAME, run_id, credits, generated_at=generated)]
        table_formats = [fmt for fmt in ("csv", "parquet") if fmt in wanted]
        if table_formats:
            paths = export_tables(con, out_dir / TABLES_DIR, run_id, formats=table_formats)
            for fmt in table_formats:
                written[fmt] = [path for path in paths if path.suffix == f".{fmt}"]
        if pdf is not None:
            written["pdf"] = [pdf.wait()]
    return {fmt: written[fmt] for fmt in wanted}
