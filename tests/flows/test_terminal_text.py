"""Text from feeds is escaped before it reaches a terminal (status, quarantine and sql tables)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from flows.cli import _cell
from flows.terminal_text import escape_control

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_the_audit_characters_are_escaped():
    assert escape_control("gpt\x1b[31m-4o\x00\x07\u202eok") == "gpt\\x1b[31m-4o\\x00\\x07\\u202eok"


def test_plain_text_tabs_newlines_and_accents_are_unchanged():
    assert escape_control("claude-3.5 café\tx\nреверс") == "claude-3.5 café\tx\nреверс"


@given(st.text())
def test_no_terminal_control_survives(text):
    assert not RAW.search(escape_control(text))


def test_a_table_cell_is_plain_text_not_markup():
    cell = _cell("[bold red]\x1b]0;title\x07")
    assert cell.plain == "[bold red]\\x1b]0;title\\x07"
    assert cell.spans == []
