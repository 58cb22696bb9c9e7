"""The PDF report: the HTML report rendered by WeasyPrint, with a table of contents.

Page size, footer ("page N of M") and the contents' page-number leaders are print CSS in the
template (`@page`, `@media print`). The contents list is built here from the h2 headings and
inserted before the first one, so the HTML on screen carries none of it. Charts are inline SVG,
which WeasyPrint draws as vector paths (no raster image in the PDF).
"""

from __future__ import annotations

import contextlib
import html as html_lib
import os
import re
from collections.abc import Iterator
from pathlib import Path

H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<body>.*?)</h2>", re.DOTALL | re.IGNORECASE)
ID_ATTR = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def with_table_of_contents(html: str) -> str:
    """The HTML with an id on every h2 and a `nav.toc` linking to them before the first h2.

    Returns the HTML unchanged when it has no h2 heading.
    """
    taken = {m.group(1) or m.group(2) for m in ID_ATTR.finditer(html)}
    entries: list[tuple[str, str]] = []

    def add_id(match: re.Match[str]) -> str:
        attrs = match.group("attrs")
        title = " ".join(html_lib.unescape(TAG.sub("", match.group("body"))).split())
        found = ID_ATTR.search(attrs)
        if found:
            anchor = found.group(1) or found.group(2)
        else:
            anchor = _slug(title, taken)
            taken.add(anchor)
            attrs = f' id="{anchor}"{attrs}'
        entries.append((anchor, title))
        return f"<h2{attrs}>{match.group('body')}</h2>"

    with_ids = H2.sub(add_id, html)
    if not entries:
        return html
    items = "\n".join(
        f'<li><a href="#{html_lib.escape(anchor)}">{html_lib.escape(title)}</a></li>' for anchor, title in entries
    )
    nav = f'<nav class="toc">\n<p class="toc-title">Contents</p>\n<ol>\n{items}\n</ol>\n</nav>\n'
    first = H2.search(with_ids)
    assert first is not None  # entries is non-empty, so there is an h2
    return with_ids[: first.start()] + nav + with_ids[first.start() :]


@contextlib.contextmanager
def _fixed_font_timestamps() -> Iterator[None]:
    """fontTools stamps each embedded font subset with the current time unless SOURCE_DATE_EPOCH is
    set; fixing it makes the same HTML give the same PDF bytes. A value set by the caller wins."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    # WeasyPrint is heavy to import (pango, fonts); only PDF exports pay for it.
    import weasyprint

    document = weasyprint.HTML(string=with_table_of_contents(html), base_url=base_url)
    with _fixed_font_timestamps():
        pdf = document.write_pdf()
    assert pdf is not None  # write_pdf returns the bytes when no target is given
    return pdf


def export_pdf(html: str, path: Path, *, base_url: str | None = None) -> Path:
    """Render the report HTML to an A4 PDF at `path` (written atomically)."""
    pdf = render_pdf(html, base_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    try:
        temp.write_bytes(pdf)
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    return path
