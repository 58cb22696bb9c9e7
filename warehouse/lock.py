"""The writer lock: one process writes the working database at a time.

The lock is an advisory `flock` on `work/writer.lock`, so the kernel releases it when the
holder dies, even by SIGKILL: a lock left by a killed process is never an obstacle. The
file also records who holds it (pid, command, started at) for the waiting process's message.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
from pathlib import Path
from types import TracebackType


class LockTimeout(RuntimeError):
    pass


class WriterLock:
    def __init__(self, path: Path, timeout_s: float = 600.0, poll_s: float = 0.2) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._handle: int | None = None

    def holder(self) -> dict[str, object]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8") or "{}"))
        except (OSError, ValueError):
            return {}

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(handle)
                    holder = self.holder()
                    raise LockTimeout(
                        f"another infercast process is writing the warehouse "
                        f"(pid {holder.get('pid', '?')}, started at {holder.get('started_at', '?')}, "
                        f"command {holder.get('command', '?')!r}); waited {self.timeout_s:.0f} s. "
                        f"Lock file: {self.path}"
                    ) from None
                time.sleep(self.poll_s)
        record = {
            "pid": os.getpid(),
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv[:3]),
        }
        try:
            os.ftruncate(handle, 0)
            os.pwrite(handle, json.dumps(record).encode(), 0)
        except OSError as error:
            # A full disk (or a quota) can refuse the holder record: give the lock back at once and
            # name the lock file, so the caller's message says which disk to free.
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
            raise OSError(error.errno, error.strerror, str(self.path)) from None
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        os.ftruncate(self._handle, 0)
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        os.close(self._handle)
        self._handle = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
