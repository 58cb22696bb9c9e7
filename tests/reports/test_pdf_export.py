"""The PDF report: A4, table of contents with page numbers, footer page counters, vector charts,
and the executive summary's numbers in its text."""

from __future__ import annotations

import base64
import html as html_lib
import re
import statistics
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import DictionaryObject

from reports import formatting as fmt
from reports.html_report import TITLE, render_html
from reports.pdf_export import PdfExportError, PdfJob, export_pdf, with_repeating_headers, with_table_of_contents
from reports.sections import SECTIONS
from tests.reports.conftest import EMPTY_RUN_ID, GENERATED_AT


@pytest.fixture(scope="module")
def reader(exports) -> pypdf.PdfReader:
    return pypdf.PdfReader(exports["pdf"][0])


@pytest.fixture(scope="module")
def page_texts(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def text(page_texts) -> str:
    """The PDF's text with whitespace collapsed (lines break anywhere in a PDF)."""
    return " ".join(" ".join(page_texts).split())


def test_pages_are_a4_with_page_n_of_m_footers(reader, page_texts):
    pages = len(reader.pages)
    assert pages > 5
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        # A4, portrait or (the pages of the widest tables, table.wide) landscape.
        assert sorted((round(width / 72 * 25.4), round(height / 72 * 25.4))) == [210, 297]
        assert f"page {number} of {pages}" in page_texts[number - 1]


def test_contents_list_every_section_with_its_page(page_texts):
    pages = [" ".join(text.split()) for text in page_texts]
    contents_pages = [number for number, text in enumerate(pages, start=1) if "Contents" in text][:1]
    assert contents_pages == [1]
    contents = pages[0].split("Contents", 1)[1]
    for _section_id, title, _builder in SECTIONS:
        entry = re.search(re.escape(title) + r" ?\.{3,} ?(\d+)", contents)
        assert entry, title
        listed = int(entry.group(1))
        # The heading is on the listed page (on the contents page, besides its own entry).
        expected = 2 if listed == 1 else 1
        assert pages[listed - 1].count(title) >= expected, (title, listed)


def test_title_and_executive_summary_numbers(text, full, warehouse):
    assert " ".join(TITLE.split()) in text
    factors = [
        row[0]
        for row in full.execute(
            # The headline: the pooled step rates over the published table's tiers.
            "select factor_per_year from forecast.decline_rates where run_id = ? and method = 'step_decline_pooled' "
            "and tier_id in (select tier_id from forecast.published_reproduction where run_id = ?)",
            [warehouse.run_id, warehouse.run_id],
        ).fetchall()
    ]
    assert f"{fmt.factor(statistics.median(factors))} per year (median of {len(factors)} tiers)" in text
    p50, quarter = full.execute(
        "select installed_h100e_p50, quarter from marts.installed_compute where vendor = 'all' "
        "order by quarter desc limit 1"
    ).fetchall()[0]
    assert f"{fmt.si(p50)} H100e at the end of {fmt.quarter(quarter)}" in text
    factor, low, high = full.execute(
        "select factor_per_year, ci90_low, ci90_high from forecast.growth_rates "
        "where run_id = ? and target = 'installed_h100e' and series_id = 'all'",
        [warehouse.run_id],
    ).fetchall()[0]
    assert f"growth {fmt.factor(factor)} per year (90% CI {fmt.factor_range(low, high)})" in text
    midpoint = full.execute(
        "select estimate_date from forecast.adoption_fits "
        "where run_id = ? and model = 'logistic' and parameter = 'midpoint'",
        [warehouse.run_id],
    ).fetchall()[0][0]
    assert f"logistic 50% midpoint {fmt.month(midpoint)}" in text


def test_charts_are_vector_not_raster(reader):
    images = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # free entries of the cross-reference table
            continue
        if isinstance(obj, DictionaryObject) and obj.get("/Subtype") == "/Image":
            images.append(number)
    assert images == []
    # The charts are drawn: their SVG paths become form XObjects with path operators.
    forms = [
        xobject.get_object()
        for page in reader.pages
        for xobject in (page["/Resources"].get("/XObject") or {}).values()
        if xobject.get_object().get("/Subtype") == "/Form"
    ]
    assert sum(b" l" in form.get_data() for form in forms) >= 6


def test_same_html_gives_the_same_pdf(empty, feeds, tmp_path):
    # A small report (every section empty) keeps this fast; the full one is built the same way.
    html = render_html(empty, EMPTY_RUN_ID, feeds=feeds, generated_at=GENERATED_AT)
    first = export_pdf(html, tmp_path / "first.pdf").read_bytes()
    assert export_pdf(html, tmp_path / "again.pdf").read_bytes() == first
    assert list(tmp_path.glob(".*.tmp")) == []


def test_screen_html_has_ids_but_no_contents(full_html):
    assert 'id="decline-factors"' in full_html
    assert 'class="toc"' not in full_html


def test_contents_link_every_h2_and_give_missing_ids():
    source = '<h1>T</h1><p>x</p><h2 id="a">First</h2><p>1</p><h2>Second &amp; <em>more</em></h2><h2>First</h2>'
    result = with_table_of_contents(source)
    assert result.index('<nav class="toc">') < result.index("<h2")
    assert '<a href="#a">First</a>' in result
    assert '<h2 id="second-more">Second &amp; <em>more</em></h2>' in result
    assert '<a href="#second-more">Second &amp; more</a>' in result
    assert '<h2 id="first">First</h2>' in result and '<a href="#first">First</a>' in result
    assert with_table_of_contents("<h1>No sections</h1>") == "<h1>No sections</h1>"


def test_chart_labels_are_searchable_text(text):
    assert "80% prediction interval" in text
    assert "USD per 1M tokens (3:1 blend, log)" in text


def test_footer_and_body_share_the_report_font(reader):
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts and all(name.startswith("DejaVu-Sans") for name in fonts), fonts


def test_a_pdf_job_in_a_child_process_writes_the_same_pdf(empty, feeds, tmp_path):
    html = render_html(empty, EMPTY_RUN_ID, feeds=feeds, generated_at=GENERATED_AT, media="print")
    expected = export_pdf(html, tmp_path / "here.pdf").read_bytes()
    with PdfJob(tmp_path / "child.pdf") as job:
        job.submit(html)
        assert job.wait().read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["child.pdf", "here.pdf"]


def test_a_failed_pdf_job_raises_with_what_the_child_said(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with PdfJob(blocker / "report.pdf") as job:
        job.submit("<p>hello</p>")
        with pytest.raises(PdfExportError, match=r"(?s)exit code 1.*(NotADirectoryError|FileExistsError)"):
            job.wait()


def test_a_cancelled_pdf_job_writes_nothing(tmp_path):
    job = PdfJob(tmp_path / "report.pdf")
    with pytest.raises(RuntimeError, match="submit"):
        job.wait()
    job.cancel()
    assert list(tmp_path.iterdir()) == []


def _header_texts(html: str) -> set[str]:
    """The text of every table column header of the HTML report."""
    headers = set()
    for match in re.finditer(r"<th\b[^>]*>(.*?)</th>", html, flags=re.DOTALL | re.IGNORECASE):
        text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())
        if text:
            headers.add(text)
    return headers


def test_every_table_column_header_of_the_html_is_in_the_pdf(exports, text):
    # A column clipped at the right margin of a page loses its header from the PDF's text.
    html = exports["html"][0].read_text(encoding="utf-8")
    headers = _header_texts(html)
    assert len(headers) > 20
    squeezed = text.replace(" ", "").replace("\u2010", "").replace("-", "")
    missing = sorted(h for h in headers if h.replace(" ", "").replace("-", "") not in squeezed)
    assert missing == []


def test_screen_html_has_a_contents_list_of_every_section(full_html):
    nav = re.search(r'<nav class="contents".*?</nav>', full_html, flags=re.DOTALL)
    assert nav is not None
    linked = re.findall(r'href="#([^"]+)"', nav.group(0))
    assert linked == re.findall(r'<h2 id="([^"]+)"', full_html)


def test_header_rows_go_into_a_thead_and_other_tables_are_kept():
    two_rows = "<table><tr><th>a</th></tr><tr><th>b</th></tr><tr><th>row</th><td>1</td></tr></table>"
    assert with_repeating_headers(two_rows) == (
        "<table><thead><tr><th>a</th></tr><tr><th>b</th></tr></thead><tbody><tr><th>row</th><td>1</td></tr></tbody></table>"
    )
    captioned = "<table><caption>c</caption><tr><th>a</th></tr><tr><td>1</td></tr></table>"
    assert "<caption>c</caption><thead><tr><th>a</th></tr></thead><tbody>" in with_repeating_headers(captioned)
    for kept in (
        "<table><thead><tr><th>a</th></tr></thead><tr><td>1</td></tr></table>",
        "<table><tr><td>1</td></tr></table>",
        "<table><tr><th>only headers</th></tr></table>",
    ):
        assert with_repeating_headers(kept) == kept


def test_a_table_split_across_pages_repeats_its_header(tmp_path):
    # On main the decline table's continuation pages showed 14 unlabelled numeric columns.
    rows = "".join(f"<tr><td>tier {n}</td><td>{n}</td></tr>" for n in range(150))
    html = f"<html><body><table><tr><th>tier name</th><th>factor per year</th></tr>{rows}</table></body></html>"
    pages = pypdf.PdfReader(export_pdf(html, tmp_path / "long.pdf")).pages
    assert len(pages) >= 2
    assert all("factor per year" in page.extract_text() for page in pages)


def _report_css() -> str:
    template = (Path(__file__).resolve().parents[2] / "reports" / "templates" / "report.html.j2").read_text()
    style = re.search(r"<style>(.*?)</style>", template, flags=re.DOTALL)
    assert style is not None
    return re.sub(r"\{\{.*?\}\}", "x", style.group(1))


@pytest.mark.parametrize("heading", ["h2", "h3"])
def test_a_heading_and_its_intro_move_with_the_chart_they_introduce(tmp_path, heading):
    # On main "Installed AI compute" and half its intro ended a page while its chart began the next.
    chart = '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="420"><rect width="600" height="420"/></svg>'
    image = "data:image/svg+xml;base64," + base64.b64encode(chart.encode()).decode()
    intro = "<p>" + "The intro of the chart below, several lines long. " * 12 + "</p>"
    # Earlier text of several lengths, so that on some the heading falls near a page's foot.
    for sentences in range(300, 560, 20):
        filler = "<p>" + "Earlier section text. " * sentences + "</p>"
        html = (
            f"<html><head><style>{_report_css()}</style></head><body><section>{filler}</section><section>"
            f'<{heading}>Chart heading</{heading}>{intro}<figure class="chart"><img src="{image}"></figure>'
            "</section></body></html>"
        )
        pdf = export_pdf(html, tmp_path / f"chart-{sentences}.pdf")
        pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
        # The chart ends the document; an h2 is also listed in the contents, so take its last page.
        chart_page = len(pages) - 1
        heading_page = max(number for number, text in enumerate(pages) if "Chart heading" in text)
        intro_pages = {number for number, text in enumerate(pages) if "intro of the chart" in text}
        assert heading_page == chart_page, f"{sentences} sentences: heading on page {heading_page + 1}, chart later"
        assert intro_pages == {chart_page}, f"{sentences} sentences: the intro is split from its chart"
