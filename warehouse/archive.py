"""The payload archive: every payload kept gzip-compressed, addressed by its sha256.

An unchanged download has the same digest, so it is stored once however often it is fetched.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path


def sha256_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def archive_path(archive_dir: Path, feed_id: str, digest: str) -> Path:
    return archive_dir / feed_id / digest[:2] / f"{digest}.gz"


def store(archive_dir: Path, feed_id: str, payload: bytes) -> tuple[str, Path]:
    """Store the payload if new; returns (sha256, path). Writes are atomic (temp + rename)."""
    digest = sha256_of(payload)
    path = archive_path(archive_dir, feed_id, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".tmp{os.getpid()}")
        # mtime=0 keeps the archive byte-identical for identical payloads.
        with open(temp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write(payload)
        os.replace(temp, path)
    return digest, path


def read(path: Path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()
