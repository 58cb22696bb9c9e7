"""Text from the warehouse made safe for a terminal.

Model ids and messages come from outside (feeds, files): an ESC sequence, NUL, BEL or a
right-to-left override (U+202E) printed raw can recolour, retitle or visually reorder what an
analyst sees. Such characters are shown as escapes (`\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline, DEL, and the Unicode format characters
# (bidirectional overrides and isolates, zero-width joiners) that change how text is shown.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def escape_control(text: str) -> str:
    """`text` with every character that could act on a terminal written as a Python-style escape."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
