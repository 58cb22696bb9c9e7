"""`infercast sql` output at 80 columns: wide results as records, headers never split, long values cut."""

from __future__ import annotations

import io
import re

from rich.console import Console

from flows.result_view import MAX_TABLE_CELL, choose_layout, print_result


def _render(names, rows, width=80):
    target = Console(file=io.StringIO(), width=width, no_color=True, highlight=False)
    layout = print_result(target, names, rows, limit=100)
    return layout, target.file.getvalue()


WIDE = [f"expected_value_{i}" for i in range(8)]


def test_a_narrow_result_stays_a_table_with_whole_headers():
    names = ["model_id", "tier", "price_usd"]
    layout, text = _render(names, [("openai/gpt-4o", "frontier", 2.5)])
    assert layout == "table"
    for name in names:
        assert name in text


def test_a_result_too_wide_for_80_columns_is_printed_as_records():
    rows = [tuple(range(8)), tuple(range(8, 16))]
    layout, text = _render(WIDE, rows)
    assert layout == "records"
    assert "-[ row 1 ]" in text and "-[ row 2 ]" in text
    assert re.search(r"^expected_value_7 : 15$", text, re.MULTILINE)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_no_header_is_split_mid_word_at_80_columns():
    # As many columns as just fit: every header must still appear whole on one line.
    for count in range(1, 12):
        names = [f"col_{i}_name" for i in range(count)]
        _, text = _render(names, [tuple("value" for _ in names)])
        for name in names:
            assert name in text, (count, name)


def test_the_choice_depends_on_the_width():
    names = WIDE[:4]
    cells = [["1"] * 4]
    assert choose_layout(names, cells, 80) == "table"
    assert choose_layout(names, cells, 40) == "records"


def test_a_long_value_is_cut_with_an_ellipsis_and_a_note():
    evidence = "x" * 2000
    layout, text = _render(["claim_id", "evidence"], [("C01", evidence)])
    assert layout == "table"
    assert "x" * 2000 not in text
    assert "…" in text
    assert "--format csv or json gives them in full" in text.replace("\n", " ")
    assert sum(line.count("x") for line in text.splitlines()) == MAX_TABLE_CELL - 1


def test_short_values_get_no_note():
    _, text = _render(["a"], [(1,)])
    assert "gives them in full" not in text
    assert "1 row(s)" in text
