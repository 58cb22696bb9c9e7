"""A tiny in-process hook so the CLI can show which stage is running, and for how long."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_listener: Callable[[str], None] | None = None


def set_listener(listener: Callable[[str], None] | None) -> None:
    global _listener
    _listener = listener


def report(message: str) -> None:
    if _listener is not None:
        _listener(message)


def format_seconds(seconds: float) -> str:
    """'8.2 s', '2 min 05 s'."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class StageClock:
    """Turns stage messages into lines that say how long each stage took.

    `started(message)` returns the line announcing a stage; the previous stage's `finished` line
    (with its duration) comes first. `clock` is injectable so tests need not sleep.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        self._current: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def elapsed(self) -> float:
        return self._clock() - self._start

    def started(self, message: str) -> list[str]:
        now = self._clock()
        with self._lock:
            lines = self._close(now)
            self._current = (message, now)
        lines.append(f"[{format_seconds(now - self._start):>10}] {message} …")
        return lines

    def finished(self) -> list[str]:
        with self._lock:
            return self._close(self._clock())

    def current(self) -> str:
        """'<stage> (<seconds in it>; <total>)' for a spinner."""
        now = self._clock()
        if self._current is None:
            return f"starting ({format_seconds(now - self._start)})"
        message, since = self._current
        return f"{message} ({format_seconds(now - since)}; total {format_seconds(now - self._start)})"

    def _close(self, now: float) -> list[str]:
        if self._current is None:
            return []
        message, since = self._current
        self._current = None
        return [f"[{format_seconds(now - self._start):>10}] {message}: done in {format_seconds(now - since)}"]
