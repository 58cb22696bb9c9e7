"""Publishing: a consistent read-only copy of the working database for readers.

The copy is written beside the target and renamed over it, so a reader sees the old copy
or the new one, never a half-written file; a reader that holds the old file open keeps
reading it (the rename does not disturb an open file) and never blocks the publisher.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from warehouse.settings import Settings


def publish(settings: Settings) -> Path:
    """Copy the (closed, checkpointed) working database to the published path."""
    target = settings.published_db
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(settings.work_db, temp)
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, target)
    return target
