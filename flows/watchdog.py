"""A watchdog that ends what a killed infercast process leaves running (Prefect's temporary server).

Prefect starts its ephemeral API server as a child process and stops it when the parent exits
normally; a parent killed with SIGKILL never gets to, and the server (about 225 MB) lived on.
A signal cannot be caught for SIGKILL, so a separate small process watches instead: it notes
the parent's descendants every half second and, once the parent is gone, sends SIGTERM to those
still running (SIGKILL after a grace period), then exits. Linux only (/proc); elsewhere a no-op.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

POLL_S = 0.5
GRACE_S = 5.0
_started: list[int] = []
_QUIET = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)] if os.name == "posix" else []


def start_orphan_watchdog() -> None:
    """Start the watchdog for this process (once); it outlives nothing it watches.

    Spawned rather than run with subprocess.Popen: the watchdog must outlive this process by
    design, and a Popen still running when the interpreter exits prints a ResourceWarning."""
    if _started or not Path("/proc/self/stat").exists():
        return
    argv = [sys.executable, "-m", "flows.watchdog", str(os.getpid())]
    # A new session: a Ctrl-C to the terminal's group must not end the watchdog first.
    _started.append(os.posix_spawn(sys.executable, argv, dict(os.environ), file_actions=_QUIET, setsid=True))


def _parents() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time in clock ticks) of every process visible in /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(entry.name)] = (int(fields[1]), fields[19])
    return table


def _descendants(root: int, table: dict[int, tuple[int, str]]) -> dict[int, str]:
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, started) in table.items():
            if ppid == parent and pid not in found and pid != os.getpid():
                found[pid] = started
                frontier.append(pid)
    return found


def watch(parent: int) -> None:
    known: dict[int, str] = {}
    while True:
        table = _parents()
        if parent not in table:
            break
        known = {pid: started for pid, started in known.items() if pid in table} | _descendants(parent, table)
        time.sleep(POLL_S)
    survivors = _same_processes(known)
    for pid in survivors:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_S
    while survivors and time.monotonic() < deadline:
        time.sleep(0.2)
        survivors = _same_processes(known)
    for pid in survivors:
        _signal(pid, signal.SIGKILL)


def _same_processes(known: dict[int, str]) -> list[int]:
    """The noted processes still running (a reused pid has another start time and is left alone)."""
    table = _parents()
    return [pid for pid, started in known.items() if pid in table and table[pid][1] == started]


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


if __name__ == "__main__":
    watch(int(sys.argv[1]))
