"""Ingesting a feed: from its bundled snapshot or from a file in the live format."""

from __future__ import annotations

import datetime as dt
import functools
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from sources.errors import FeedError
from sources.registry import Feed
from sources.snapshot import read_canonical, snapshot_files
from warehouse import archive
from warehouse.fetch_state import EndpointState, load_state, record_failure, record_success
from warehouse.load import BatchResult, Payload, date_in_name, load_batch, load_batches, record_failed_batch
from warehouse.settings import Settings

# Files are parsed and validated in groups of about this many payload bytes: large enough that
# fixed costs per statement and per check are spread over many files, small enough to keep a
# group's frames (several times the payload size) well within memory. Measured on 840 LiteLLM
# vintages (613 MB): 64 MB groups peaked at 1.98 GiB RSS, 16 MB at 1.38 GiB, 5% slower.
GROUP_BYTES = 16 * 1024 * 1024


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def ingest_bundled(con: duckdb.DuckDBPyConnection, settings: Settings, feed: Feed) -> list[BatchResult]:
    """Load every bundled snapshot file of the feed (one batch per file)."""
    results = []
    for table, path in snapshot_files(feed):
        payload = path.read_bytes()
        source = f"bundled:{feed.feed_id}/{path.name}"
        try:
            frames = {table: read_canonical(payload, table, source)}
        except FeedError as error:
            raise error.with_context(feed=feed.feed_id, source=source) from None
        results.append(_load(con, settings, feed, source, payload, frames))
    return results


# Plain files larger than this are refused before they are read (`--file /dev/zero` must not
# exhaust memory). The largest real payload (Epoch's models CSV) is a few MB.
MAX_FILE_MB_ENV = "INFERCAST_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 256


def vintage_date(path: Path, feed_id: str | None = None) -> dt.date:
    """The date a hand-loaded file describes: a YYYY-MM-DD in its name, else today (UTC).

    A date in the name that is not a real day (2025-02-30) or that is after today is an
    error: silently dating the file today would mis-date every observation in it.
    """
    today = _now().date()
    named = date_in_name(path.name)
    if named is None:
        return today
    try:
        day = dt.date.fromisoformat(named)
    except ValueError:
        raise FeedError(
            f"the date {named} in the file name is not a real day; rename the file with the date "
            "it was downloaded (YYYY-MM-DD)",
            feed=feed_id,
            source=str(path),
        ) from None
    if day > today:
        raise FeedError(
            f"the date {day} in the file name is after today ({today}); a file cannot describe the future",
            feed=feed_id,
            source=str(path),
        )
    return day


def max_file_bytes() -> int:
    """The size cap for one plain file, from INFERCAST_MAX_FILE_MB (default 256)."""
    text = os.environ.get(MAX_FILE_MB_ENV, "").strip()
    try:
        megabytes = float(text) if text else DEFAULT_MAX_FILE_MB
    except ValueError:
        raise FeedError(f"{MAX_FILE_MB_ENV}={text!r} is not a number of megabytes") from None
    return int(megabytes * 1024 * 1024)


def read_payload(path: Path, feed_id: str, cap_bytes: int) -> bytes:
    """A plain file's bytes: a regular file within the size cap, read no further than the cap."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise FeedError("not a regular file (a device, pipe or directory)", feed=feed_id, source=str(path))
        if info.st_size > cap_bytes:
            raise FeedError(_too_large(cap_bytes), feed=feed_id, source=str(path))
        with path.open("rb") as handle:
            payload = handle.read(cap_bytes + 1)
    except OSError as exc:
        raise FeedError(f"cannot read the file: {exc.strerror or exc}", feed=feed_id, source=str(path)) from None
    if len(payload) > cap_bytes:
        raise FeedError(_too_large(cap_bytes), feed=feed_id, source=str(path))
    return payload


def _too_large(cap_bytes: int) -> str:
    return (
        f"larger than the {cap_bytes / 1024 / 1024:g} MB cap for one file; raise {MAX_FILE_MB_ENV} "
        "if the file is genuine"
    )


def ingest_file(con: duckdb.DuckDBPyConnection, settings: Settings, feed: Feed, path: Path) -> BatchResult:
    """Load a file in the feed's live format (e.g. a newer download saved by hand)."""
    try:
        (result,) = ingest_files(con, settings, feed, [path])
    except FilesFailed as failed:
        raise failed.errors[0] from None
    return result


class FilesFailed(FeedError):
    """Some files of a load could not be loaded (each is recorded as a failed batch); the others were."""

    def __init__(self, feed_id: str, errors: list[FeedError], results: list[BatchResult], files: int) -> None:
        self.errors = errors
        self.results = results
        shown = "; ".join(str(error) for error in errors[:5])
        more = f"; and {len(errors) - 5} more (see meta.ingest_batches)" if len(errors) > 5 else ""
        others = files - len(errors)
        super().__init__(
            f"{len(errors)} of {files} files failed ({others} loaded or unchanged): {shown}{more}", feed=feed_id
        )


def expand_paths(paths: Iterable[Path], follow_symlinks: bool = False) -> list[Path]:
    """The files named: a directory stands for the files directly in it (not hidden), by name.

    A symbolic link is refused unless `follow_symlinks`: a link to /etc/passwd would otherwise
    be read, archived and quoted in error messages.
    """
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir() and not (path.is_symlink() and not follow_symlinks):
            listed = (p for p in path.iterdir() if _is_listed(p, follow_symlinks))
            expanded += sorted(p for p in listed if not p.name.startswith("."))
        else:
            expanded.append(path)
    if not follow_symlinks:
        for path in expanded:
            if path.is_symlink():
                raise FeedError("is a symbolic link; name its target, or add --follow-symlinks", source=str(path))
    return expanded


def _is_listed(path: Path, follow_symlinks: bool) -> bool:
    return path.is_file() or (path.is_symlink() and not follow_symlinks)


def ingest_files(
    con: duckdb.DuckDBPyConnection, settings: Settings, feed: Feed, paths: Sequence[Path]
) -> list[BatchResult]:
    """Load files in the feed's live format, one batch per file, in one transaction.

    Each file is its own batch, as if loaded one after another with `ingest_file`: its own
    meta.ingest_batches row, provenance, quarantine gate and unchanged-payload check, and a
    file that cannot be parsed or is rejected is recorded as a failed batch while the others
    load; `FilesFailed` then says which failed and why. Any other error rolls the whole load
    back.

    Files go in groups: a group's payloads are validated together and each table gets one
    insert. While one group is validated and inserted (polars and DuckDB, which release the
    GIL), the next is parsed (Python), and payloads are archived on a third thread (zlib and
    hashlib release it too). Groups are loaded strictly in order, so each sees the batches
    of the groups before it, as one-by-one loading would.
    """
    results: list[BatchResult] = []
    errors: dict[int, FeedError] = {}  # by file position, so they are reported in file order
    cap_bytes = max_file_bytes()
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="infercast-archive") as archiver,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="infercast-load") as loader,
    ):
        loading: Future[list[tuple[int, BatchResult]]] | None = None
        con.execute("begin transaction")
        try:
            for group in _groups(feed, paths, cap_bytes):
                positions: list[int] = []
                payloads: list[Payload] = []
                for position, path, payload in group:
                    if isinstance(payload, FeedError):
                        errors[position] = payload
                        continue
                    stored = archiver.submit(archive.store, settings.archive_dir, feed.feed_id, payload)
                    payloads.append(_parsed(feed, path, payload, stored))
                    positions.append(position)
                if loading is not None:
                    results += _loaded(loading.result(), errors)
                loading = loader.submit(_load_group, con, feed.feed_id, positions, payloads)
            if loading is not None:
                results += _loaded(loading.result(), errors)
            con.execute("commit")
        except BaseException:
            if loading is not None:
                wait([loading])  # the connection is the loader's until it is done
            con.execute("rollback")
            raise
    if errors:
        raise FilesFailed(feed.feed_id, [errors[p] for p in sorted(errors)], results, len(paths))
    return results


def _load_group(
    con: duckdb.DuckDBPyConnection, feed_id: str, positions: list[int], payloads: list[Payload]
) -> list[tuple[int, BatchResult]]:
    return list(zip(positions, load_batches(con, feed_id=feed_id, payloads=payloads), strict=True))


def _loaded(loaded: list[tuple[int, BatchResult]], errors: dict[int, FeedError]) -> list[BatchResult]:
    for position, result in loaded:
        if result.error is not None:
            errors[position] = result.error
    return [result for _, result in loaded]


def _groups(feed: Feed, paths: Sequence[Path], cap_bytes: int) -> Iterator[list[tuple[int, Path, bytes | FeedError]]]:
    group: list[tuple[int, Path, bytes | FeedError]] = []
    size = 0
    for position, path in enumerate(paths):
        try:
            payload: bytes | FeedError = read_payload(path, feed.feed_id, cap_bytes)
        except FeedError as error:
            payload = error
        group.append((position, path, payload))
        size += len(payload) if isinstance(payload, bytes) else 0
        if size >= GROUP_BYTES:
            yield group
            group, size = [], 0
    if group:
        yield group


def _parsed(feed: Feed, path: Path, payload: bytes, stored: Future[tuple[str, Path]]) -> Payload:
    """Parse a payload while the archiver stores it; an unparseable or misdated payload carries its error."""
    source = str(path)
    try:
        frames, error = _parse(feed, source, payload, vintage_date(path, feed.feed_id)), None
    except FeedError as failure:
        frames, error = {}, failure
    digest, stored_at = stored.result()
    return Payload(source=source, sha256=digest, archive_path=stored_at, fetched_at=_now(), frames=frames, error=error)


def _parse(feed: Feed, source: str, payload: bytes, observed_on: dt.date) -> dict[str, pl.DataFrame]:
    name = source.rsplit("/", 1)[-1]  # provenance cites the file name, not the whole path or URL
    try:
        return feed.parser(payload, name, observed_on)
    except FeedError as error:
        if error.source == name:
            error.source = None  # so the message names the full path or URL the user can act on
        raise error.with_context(feed=feed.feed_id, source=source) from None


def parse_and_load(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    feed: Feed,
    source: str,
    payload: bytes,
    observed_on: dt.date,
) -> BatchResult:
    """Parse a payload in the feed's live format and load it; an unparseable payload is a failed batch."""
    try:
        frames = _parse(feed, source, payload, observed_on)
    except FeedError as error:
        record_failed_batch(
            con,
            archive_dir=settings.archive_dir,
            feed_id=feed.feed_id,
            source=source,
            payload=payload,
            fetched_at=_now(),
            message=str(error),
        )
        raise error from None
    return _load(con, settings, feed, source, payload, frames)


def _load(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    feed: Feed,
    source: str,
    payload: bytes,
    frames: dict[str, pl.DataFrame],
) -> BatchResult:
    return load_batch(
        con,
        archive_dir=settings.archive_dir,
        feed_id=feed.feed_id,
        source=source,
        payload=payload,
        frames=frames,
        fetched_at=_now(),
    )


@dataclass
class LiveOutcome:
    batches: list[BatchResult] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def ingest_live(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    feed: Feed,
    fetcher: Callable[..., Any] | None = None,
) -> LiveOutcome:
    """Fetch every endpoint of the feed and load what changed.

    An endpoint that still fails after the fetcher's retries is recorded as failed in
    meta.fetch_state and reported stale (with the age of its last good data); the data
    already loaded for the feed stays as it was. An unchanged download (HTTP 304, or the
    same sha256 as a loaded batch) adds nothing.
    """
    from sources.http import FetchError, RetryPolicy, fetch

    if fetcher is None:
        # Retry behaviour is configuration: INFERCAST_HTTP_MAX_ATTEMPTS, INFERCAST_HTTP_BASE_DELAY_S.
        attempts = int(os.environ.get("INFERCAST_HTTP_MAX_ATTEMPTS", "5"))
        policy = RetryPolicy(base_delay_s=float(os.environ.get("INFERCAST_HTTP_BASE_DELAY_S", "1.0")))
        fetch_fn: Callable[..., Any] = functools.partial(fetch, max_attempts=attempts, policy=policy)
    else:
        fetch_fn = fetcher
    outcome = LiveOutcome()
    for url in feed.endpoints:
        state = load_state(con, feed.feed_id, url)
        attempted_at = _now()
        try:
            result = fetch_fn(url, validators=_validators(state))
        except FetchError as error:
            record_failure(con, feed.feed_id, url, at=attempted_at, error=str(error))
            outcome.stale.append(f"{error}; {_age(state, attempted_at)}")
            continue
        fetched_at = result.fetched_at.replace(tzinfo=None) if result.fetched_at.tzinfo else result.fetched_at
        if result.not_modified or result.payload is None:
            record_success(
                con,
                feed.feed_id,
                url,
                at=attempted_at,
                status="not_modified",
                etag=result.etag or state.etag,
                last_modified=result.last_modified or state.last_modified,
            )
            continue
        try:
            batch = parse_and_load(con, settings, feed, url, result.payload, fetched_at.date())
        except FeedError as error:
            record_failure(con, feed.feed_id, url, at=attempted_at, error=str(error))
            raise
        record_success(
            con,
            feed.feed_id,
            url,
            at=attempted_at,
            status=batch.status,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        outcome.batches.append(batch)
    return outcome


def _validators(state: EndpointState) -> Any:
    from sources.http import Validators

    if state.etag is None and state.last_modified is None:
        return None
    return Validators(etag=state.etag, last_modified=state.last_modified)


def _age(state: EndpointState, now: dt.datetime) -> str:
    if state.last_success_at is None:
        return "no earlier successful fetch"
    days = (now - state.last_success_at).total_seconds() / 86400
    return f"last good data fetched {state.last_success_at:%Y-%m-%d %H:%M} UTC ({days:.1f} days old)"
