"""write_all_exports: every format of a run in one call, named as the pipeline publishes them."""

from __future__ import annotations

import openpyxl
import pytest

from reports.exports import write_all_exports
from reports.table_export import discover_tables


def test_every_format_is_written(exports, full, warehouse):
    assert list(exports) == ["html", "pdf", "xlsx", "csv", "parquet"]
    assert [p.name for p in exports["html"]] == ["infercast_report.html"]
    assert [p.name for p in exports["pdf"]] == ["infercast_report.pdf"]
    assert [p.name for p in exports["xlsx"]] == ["infercast.xlsx"]
    assert exports["pdf"][0].read_bytes().startswith(b"%PDF")
    tables = [t.qualified for t in discover_tables(full)]
    for fmt in ("csv", "parquet"):
        paths = exports[fmt]
        assert sorted(p.name for p in paths) == sorted(f"{t}.{fmt}" for t in tables)
        assert {p.parent.name for p in paths} == {"tables"}
    out_dir = exports["html"][0].parent
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        ["infercast_report.html", "infercast_report.pdf", "infercast.xlsx", "tables"]
    )
    book = openpyxl.load_workbook(exports["xlsx"][0], read_only=True)
    assert book.sheetnames[0] == "About" and "claims" in book.sheetnames
    runs = full.execute(
        "select count(*) from read_parquet(?)", [str(exports["parquet"][0].parent / "forecast.runs.parquet")]
    )
    assert runs.fetchall() == [(1,)]  # the requested run only


def test_a_subset_of_formats(empty, feeds, tmp_path):
    from tests.reports.conftest import EMPTY_RUN_ID

    written = write_all_exports(empty, tmp_path, EMPTY_RUN_ID, feeds, formats=("csv", "html"))
    assert list(written) == ["csv", "html"]
    assert (tmp_path / "infercast_report.html").exists() and not (tmp_path / "infercast_report.pdf").exists()
    assert all(p.suffix == ".csv" for p in written["csv"]) and written["csv"]


def test_unknown_formats_are_refused_before_writing(empty, feeds, tmp_path):
    from tests.reports.conftest import EMPTY_RUN_ID

    with pytest.raises(ValueError, match="docx"):
        write_all_exports(empty, tmp_path / "out", EMPTY_RUN_ID, feeds, formats=("html", "docx"))
    assert not (tmp_path / "out").exists()


def test_a_failing_export_stops_the_pdf_child(monkeypatch, empty, feeds, tmp_path):
    from reports import exports
    from tests.reports.conftest import EMPTY_RUN_ID

    jobs: list[exports.PdfJob] = []

    class RecordedJob(exports.PdfJob):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            jobs.append(self)

    def broken(*_args, **_kwargs):
        raise RuntimeError("xlsx broke")

    monkeypatch.setattr(exports, "PdfJob", RecordedJob)
    monkeypatch.setattr(exports, "export_xlsx", broken)
    with pytest.raises(RuntimeError, match="xlsx broke"):
        write_all_exports(empty, tmp_path, EMPTY_RUN_ID, feeds)
    (job,) = jobs
    assert job._process.poll() is not None
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
