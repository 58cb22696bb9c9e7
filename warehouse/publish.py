"""Publishing: a consistent read-only copy of the working database for readers.

The copy is written beside the target and renamed over it, so a reader sees the old copy
or the new one, never a half-written file; a reader that holds the old file open keeps
reading it (the rename does not disturb an open file) and never blocks the publisher.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from warehouse.settings import Settings


def publish(settings: Settings) -> Path:
    """Copy the (closed, checkpointed) working database to the published path."""
    target = settings.published_db
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(settings.work_db, temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        # On ENOSPC or a kill signal turned into an exception, the 20-30 MB copy must not stay.
        temp.unlink(missing_ok=True)
    return target


def sweep_stale_temp_files(settings: Settings) -> list[Path]:
    """Remove temp files a killed process left (publish copies, archive writes); returns them.

    Called under the writer lock, so no live writer owns them; a file of a process that is
    still running is kept all the same.
    """
    candidates = [
        *settings.published_db.parent.glob(f".{settings.published_db.name}.*.tmp"),
        *settings.archive_dir.glob("*/*/*.tmp*"),
    ]
    removed = []
    for path in candidates:
        pid = _owner_pid(path)
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _owner_pid(path: Path) -> int | None:
    match = re.search(r"\.(\d+)\.tmp$|\.tmp(\d+)-\d+$", path.name)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
