"""The payload archive: every payload kept gzip-compressed, addressed by its sha256.

An unchanged download has the same digest, so it is stored once however often it is fetched.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from pathlib import Path

# Level 1 compresses a JSON price file about 6x faster than level 9 for archives about 1.5x
# larger (0.11 vs 0.075 of the payload): archiving was a tenth of ingest time, and the
# archive is kept for inspection and replays, not read on any hot path.
COMPRESS_LEVEL = 1


def sha256_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def archive_path(archive_dir: Path, feed_id: str, digest: str) -> Path:
    return archive_dir / feed_id / digest[:2] / f"{digest}.gz"


def store(archive_dir: Path, feed_id: str, payload: bytes) -> tuple[str, Path]:
    """Store the payload if new; returns (sha256, path). Writes are atomic (temp + rename).

    Safe to call from several threads at once, even for the same payload.
    """
    digest = sha256_of(payload)
    path = archive_path(archive_dir, feed_id, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # One temp file per thread: two threads storing one payload must not share a file.
        temp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        # mtime=0 and no file name in the header keep the archive byte-identical for identical
        # payloads.
        try:
            temp.write_bytes(gzip.compress(payload, compresslevel=COMPRESS_LEVEL, mtime=0))
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)  # a full disk must not leave a partial temp file behind
    return digest, path


def read(path: Path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()
