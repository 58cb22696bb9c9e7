"""A tiny in-process hook so the CLI can show which stage is running."""

from __future__ import annotations

from collections.abc import Callable

_listener: Callable[[str], None] | None = None


def set_listener(listener: Callable[[str], None] | None) -> None:
    global _listener
    _listener = listener


def report(message: str) -> None:
    if _listener is not None:
        _listener(message)
