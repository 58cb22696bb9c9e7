"""The PDF report: the HTML report rendered by WeasyPrint, with a table of contents.

Page size, footer ("page N of M") and the contents' page-number leaders are print CSS in the
template (`@page`, `@media print`). The contents list is built here from the h2 headings and
inserted before the first one, so the HTML on screen carries none of it. Charts are SVG (in the
print HTML, SVG images: reports.html_report), which WeasyPrint draws as vector paths and text (no
raster image in the PDF).

`PdfJob` renders in a child process (`python -m reports.pdf_export PATH`, HTML on stdin), so the
PDF, the slowest export, runs beside the others.
"""

from __future__ import annotations

import argparse
import contextlib
import html as html_lib
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

LOGGER = logging.getLogger(__name__)
CANCEL_GRACE_S = 5.0
ERROR_TAIL_CHARS = 4000
# Logged by WeasyPrint for every font where the system lacks libharfbuzz-subset: a note on the
# machine's setup (font subsetting then takes longer), not on the report.
HARFBUZZ_NOTE = "instead of HarfBuzz-Subset"
# The project root, so the child imports this checkout's `reports` whatever its working directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<body>.*?)</h2>", re.DOTALL | re.IGNORECASE)
ID_ATTR = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
TABLE = re.compile(r"(?P<open><table\b[^>]*>)(?P<body>.*?)(?P<close></table>)", re.DOTALL | re.IGNORECASE)
LEADING = re.compile(r"\s*(?:<caption\b.*?</caption>|<colgroup\b.*?</colgroup>)", re.DOTALL | re.IGNORECASE)
ROW = re.compile(r"\s*<tr\b.*?</tr>", re.DOTALL | re.IGNORECASE)


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


def with_repeating_headers(html: str) -> str:
    """Each table's leading header rows (only <th> cells) in a <thead>, which WeasyPrint repeats at
    the top of every page the table continues on; a table split across pages otherwise showed
    pages of unlabelled numbers. Tables that already have a <thead>, or only header rows, are kept."""

    def wrap(match: re.Match[str]) -> str:
        body = match.group("body")
        if re.search(r"<thead\b", body, re.IGNORECASE):
            return match.group(0)
        start = end = 0
        while leading := LEADING.match(body, end):
            start = end = leading.end()
        while (row := ROW.match(body, end)) and "<th" in row.group(0) and "<td" not in row.group(0):
            end = row.end()
        if end == start or not ROW.match(body, end):
            return match.group(0)
        return (
            f"{match.group('open')}{body[:start]}<thead>{body[start:end]}</thead>"
            f"<tbody>{body[end:]}</tbody>{match.group('close')}"
        )

    return TABLE.sub(wrap, html)


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

    document = weasyprint.HTML(string=with_repeating_headers(with_table_of_contents(html)), base_url=base_url)
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


class PdfExportError(RuntimeError):
    """The PDF child process failed; the message ends with what it printed."""


class PdfJob:
    """`export_pdf` in a child process: start it, `submit` the HTML, then `wait` for the file.

    WeasyPrint is pure Python and keeps the GIL for seconds, so a thread would not run beside the
    XLSX export; a process does. The child starts at once and imports WeasyPrint while the caller
    is still drawing the report. Use it as a context manager (or call `cancel`) so that a caller
    that fails before `wait` does not leave the child behind.
    """

    def __init__(self, path: Path, *, base_url: str | None = None) -> None:
        self.path = path
        env = dict(os.environ)
        env.setdefault("SOURCE_DATE_EPOCH", "0")  # see _fixed_font_timestamps
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        command = [sys.executable, "-m", "reports.pdf_export", str(path)]
        if base_url is not None:
            command += ["--base-url", base_url]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        self._sender: threading.Thread | None = None
        self._stderr = b""

    def submit(self, html: str) -> None:
        """Hand the HTML over; returns at once (the child reads it only once WeasyPrint is imported)."""
        if self._sender is not None:
            raise RuntimeError("the PDF job already has its HTML")
        self._sender = threading.Thread(target=self._communicate, args=(html.encode("utf-8"),), daemon=True)
        self._sender.start()

    def _communicate(self, data: bytes) -> None:
        # A child that died early leaves a broken pipe, which communicate() ignores; wait() reports it.
        _, self._stderr = self._process.communicate(data)

    def wait(self) -> Path:
        """The PDF's path once the child has written it; PdfExportError if it failed."""
        if self._sender is None:
            raise RuntimeError("submit the HTML before waiting for the PDF")
        self._sender.join()
        returncode = self._process.wait()
        messages = self._stderr.decode("utf-8", "replace").strip()
        if returncode != 0:
            detail = messages[-ERROR_TAIL_CHARS:] or "no output"
            raise PdfExportError(f"the PDF export failed (exit code {returncode}): {detail}")
        for line in dict.fromkeys(messages.splitlines()):
            LOGGER.warning("PDF export: %s", line)
        return self.path

    def cancel(self) -> None:
        """Stop the child if it is still running (it then leaves no file); a PDF already written stays."""
        if self._process.poll() is None:
            self._process.terminate()  # the child exits through its finally blocks: no temp file left
            try:
                self._process.wait(timeout=CANCEL_GRACE_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
        if self._sender is None:
            self._process.communicate()
        else:
            self._sender.join()

    def __enter__(self) -> PdfJob:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()


def main(argv: Sequence[str] | None = None) -> int:
    """Child side of PdfJob: import WeasyPrint, read the HTML from stdin, write the PDF."""
    parser = argparse.ArgumentParser(prog="python -m reports.pdf_export", description=main.__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--base-url")
    args = parser.parse_args(argv)
    # SystemExit unwinds through export_pdf's finally, which removes its temp file.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(128 + signal.SIGTERM))
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint").addFilter(lambda record: HARFBUZZ_NOTE not in record.getMessage())
    import weasyprint  # noqa: F401  (before the HTML arrives: the caller is still drawing it)

    html = sys.stdin.buffer.read().decode("utf-8")
    if not html:
        return 2  # the caller gave up before sending anything
    export_pdf(html, args.path, base_url=args.base_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
