"""A query result laid out for a terminal: a table when it fits, one block per row when not.

Rich shrinks every column of a wide result until headers and cells fold one character per line,
which no one can read at 80 columns. So the table is used only when every column can keep its
whole header and a useful cell width; otherwise each row is printed as `column : value` lines
(like psql's expanded display, `\\x`). Long values are cut with an ellipsis in either layout,
and a note says `--format csv` or `json` gives them in full.
"""

from __future__ import annotations

from typing import Any, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.terminal_text import escape_control

# Below this a cell shows too little of a model id or a date to be worth a column.
MIN_CELL_WIDTH = 8
# Table cells longer than this are cut: one evidence text must not fill the screen.
MAX_TABLE_CELL = 60
# A record line has the whole width, so it may show more before it is cut.
MAX_RECORD_CELL = 300
# Rich's default box: one border per column plus one, and one space of padding on each side.
_PER_COLUMN = 3
_TABLE_EDGE = 1

Layout = Literal["table", "records"]


def cell_text(value: Any) -> str:
    """A value as terminal text: `∅` for null, floats to 6 significant digits, controls escaped."""
    if value is None:
        return "∅"
    if isinstance(value, float):
        return f"{value:.6g}"
    return escape_control(str(value))


def cut(text: str, limit: int) -> tuple[str, bool]:
    """`text` at most `limit` characters, ending in an ellipsis when cut; and whether it was."""
    if len(text) <= limit:
        return text, False
    return text[: limit - 1] + "…", True


def column_widths(names: list[str], cells: list[list[str]]) -> list[int]:
    """The narrowest each column may be: its whole header, and its longest cell up to MIN_CELL_WIDTH."""
    widths = []
    for index, name in enumerate(names):
        longest = max((len(row[index]) for row in cells), default=0)
        widths.append(max(len(name), min(longest, MIN_CELL_WIDTH)))
    return widths


def choose_layout(names: list[str], cells: list[list[str]], width: int) -> Layout:
    """`table` when every column fits at its narrowest in `width` characters, else `records`."""
    needed = sum(w + _PER_COLUMN for w in column_widths(names, cells)) + _TABLE_EDGE
    return "table" if needed <= width else "records"


def print_result(
    target: Console, names: list[str], rows: list[tuple[Any, ...]], limit: int, more: bool = False
) -> Layout:
    """At most `limit` rows in the layout that fits `target`; `more` says rows were left unfetched."""
    headers = [escape_control(name) for name in names]
    shown_rows = rows[:limit]
    full = [[cell_text(value) for value in row] for row in shown_rows]
    table_cut = [[cut(text, MAX_TABLE_CELL) for text in row] for row in full]
    table_cells = [[text for text, _ in row] for row in table_cut]
    layout = choose_layout(headers, table_cells, target.width)
    if layout == "table":
        _print_table(target, headers, table_cells, column_widths(headers, table_cells))
        was_cut = any(cut_here for row in table_cut for _, cut_here in row)
    else:
        was_cut = _print_records(target, headers, full)
    shown = len(shown_rows)
    if was_cut:
        limit_text = MAX_TABLE_CELL if layout == "table" else MAX_RECORD_CELL
        target.print(
            f"values over {limit_text} characters cut (…); --format csv or json gives them in full",
            highlight=False,
        )
    if more:
        target.print(f"more than {shown} row(s); first {shown} shown (raise --limit, or use --out)", highlight=False)
    else:
        target.print(f"{len(rows)} row(s)" + (f", first {shown} shown" if shown < len(rows) else ""), highlight=False)
    return layout


def _print_table(target: Console, headers: list[str], cells: list[list[str]], widths: list[int]) -> None:
    table = Table(show_lines=False)
    for header, narrowest in zip(headers, widths, strict=True):
        # min_width keeps the header whole; cells may still fold inside their column.
        table.add_column(Text(header), overflow="fold", min_width=narrowest)
    for row in cells:
        table.add_row(*(Text(value) for value in row))
    target.print(table)


def _print_records(target: Console, headers: list[str], cells: list[list[str]]) -> bool:
    label_width = max((len(header) for header in headers), default=0)
    was_cut = False
    for number, row in enumerate(cells, start=1):
        target.print(Text(f"-[ row {number} ]" + "-" * max(0, min(target.width, 60) - 12)))
        for header, text in zip(headers, row, strict=True):
            value, cut_here = cut(text, MAX_RECORD_CELL)
            was_cut = was_cut or cut_here
            target.print(Text(f"{header.ljust(label_width)} : {value}"))
    return was_cut
