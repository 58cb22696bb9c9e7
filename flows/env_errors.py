"""Errors of the environment (full disk, read-only home, a database held open) as plain advice.

These are not bugs in the input or the code, so a user sees one line naming the path and what
to do, never a traceback (that stays behind `--debug`).
"""

from __future__ import annotations

import errno
import re

_HOME_ADVICE = "choose a writable home with --home DIR (or INFERCAST_HOME)"
_LOCKED = re.compile(r'Could not set lock on file "([^"]+)"')


def describe(error: BaseException) -> str | None:
    """One sentence for an environment error, or None when `error` is not one."""
    if isinstance(error, OSError):
        return _describe_os_error(error)
    if type(error).__module__.startswith(("duckdb", "_duckdb")):
        return _describe_duckdb_error(str(error))
    return None


def _describe_os_error(error: OSError) -> str:
    path = error.filename or "a file"
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"no space left on the disk that holds {path}: free some space (or use --home on a larger disk) "
            "and run the command again; loads are transactional, so what was loaded before is still there"
        )
    if error.errno == errno.EROFS:
        return f"{path} is on a read-only file system: {_HOME_ADVICE}"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied for {path}: {_HOME_ADVICE}, or fix its permissions"
    return f"{reason}: {path}"


def _describe_duckdb_error(message: str) -> str | None:
    locked = _LOCKED.search(message)
    if locked:
        return (
            f"the database {locked.group(1)} is open in another process; close that process (analysts "
            "should query the published copy with `infercast sql`) and run the command again"
        )
    lowered = message.lower()
    if "no space left on device" in lowered:
        return "no space left on the disk of the working database: free some space and run the command again"
    if "read-only file system" in lowered or "permission denied" in lowered:
        return f"DuckDB cannot write its database ({message.splitlines()[0]}): {_HOME_ADVICE}"
    return None
