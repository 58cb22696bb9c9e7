"""The run's message (forecast.runs.message): notes one a line, read back whole."""

from __future__ import annotations

from forecasts import sanity

UTILIZATION = (
    "check utilization_within_capacity failed: bull 2027: demand would need 193% of inference capacity; "
    "marked inconsistent (not a forecast)"
)
PARTS = (
    "check parts_within_total failed: shipped_h100e/AMD: 5 of 60 bounds above all's "
    "(worst hi_95 on 2028-10-01, 3.9x); capped at all's"
)
SKIP = "token_demand/OpenAI: only 1 report(s) (need 3)"


def test_notes_containing_the_old_separator_come_back_whole() -> None:
    notes = [SKIP, UTILIZATION, PARTS]
    message = sanity.join_notes(notes)
    assert message is not None and "; ".join(notes) != message
    assert sanity.split_notes(message) == notes


def test_a_note_never_spans_lines_and_empty_notes_are_dropped() -> None:
    message = sanity.join_notes(["claims not evaluated: boom\n  at line 3", None, "  ", SKIP])
    assert sanity.split_notes(message) == ["claims not evaluated: boom at line 3", SKIP]
    assert sanity.join_notes([None, ""]) is None
    assert sanity.split_notes(None) == [] and sanity.split_notes("") == []


def test_a_single_note_with_a_semicolon_is_one_note() -> None:
    assert sanity.split_notes(sanity.join_notes([UTILIZATION])) == [UTILIZATION]


def test_an_older_message_joined_with_semicolons_keeps_each_consequence_with_its_failure() -> None:
    legacy = "; ".join(["gpqa_o1_2024_12 (frontier lows): only 2 frontier low(s) (need 3)", SKIP, UTILIZATION, PARTS])
    assert sanity.split_notes(legacy) == [
        "gpqa_o1_2024_12 (frontier lows): only 2 frontier low(s) (need 3)",
        SKIP,
        UTILIZATION,
        PARTS,
    ]


def test_failed_check_notes_are_recognised() -> None:
    match = sanity.FAILED_CHECK_NOTE.match(PARTS)
    assert match and match["check_id"] == "parts_within_total"
    assert match["message"].endswith("; capped at all's")
    assert sanity.FAILED_CHECK_NOTE.match(SKIP) is None
