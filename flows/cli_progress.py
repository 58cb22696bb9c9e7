"""Stage progress for long CLI commands: a spinner with elapsed times on a terminal, plain
timestamped lines otherwise (cron, a log file), so a run is never silent until its end."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from rich.console import Console

from flows.progress import StageClock, format_seconds, set_listener

TICK_SECONDS = 1.0


@contextlib.contextmanager
def stage_progress(console: Console, first: str) -> Iterator[StageClock]:
    """Show each stage `flows.progress.report` announces while the block runs."""
    clock = StageClock()

    def emit(lines: list[str]) -> None:
        for line in lines:
            console.print(line, highlight=False, markup=False, soft_wrap=True)

    if not console.is_terminal:
        set_listener(lambda message: emit(clock.started(message)))
        emit(clock.started(first))
        try:
            yield clock
        finally:
            set_listener(None)
            emit(clock.finished())
            emit([f"total {format_seconds(clock.elapsed())}"])
        return

    stop = threading.Event()
    with console.status(first) as status:

        def on_stage(message: str) -> None:
            emit(clock.started(message)[:-1])  # the finished line of the stage before
            status.update(clock.current())

        def tick() -> None:
            while not stop.wait(TICK_SECONDS):
                status.update(clock.current())

        clock.started(first)
        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        set_listener(on_stage)
        try:
            yield clock
        finally:
            set_listener(None)
            stop.set()
            ticker.join()
            emit(clock.finished())
    emit([f"total {format_seconds(clock.elapsed())}"])
