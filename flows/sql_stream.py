"""Fetching an analyst's query result in bounded chunks, under a time limit.

`select * from range(300000000)` must neither exhaust memory nor run forever: rows are pulled
CHUNK_ROWS at a time and written out as they come (CSV, JSON, Parquet), a table shows at most
`limit` rows, and a timer interrupts the statement after `timeout_s` seconds.
"""

from __future__ import annotations

import contextlib
import csv
import json
import threading
from collections.abc import Iterator
from typing import Any, TextIO

import duckdb

CHUNK_ROWS = 10_000


class QueryTimedOut(RuntimeError):
    pass


@contextlib.contextmanager
def time_limit(con: duckdb.DuckDBPyConnection, timeout_s: float) -> Iterator[None]:
    """Interrupt whatever `con` runs once `timeout_s` seconds have passed."""
    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(timeout_s, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except duckdb.Error as error:
        if fired.is_set():
            raise QueryTimedOut(f"the query ran longer than {timeout_s:g} s and was stopped (see --timeout)") from error
        raise
    finally:
        timer.cancel()


def chunks(cursor: duckdb.DuckDBPyConnection, limit: int | None) -> Iterator[list[tuple[Any, ...]]]:
    """The result rows, CHUNK_ROWS at a time, stopping after `limit` rows when one is given."""
    remaining = limit
    while remaining is None or remaining > 0:
        size = CHUNK_ROWS if remaining is None else min(CHUNK_ROWS, remaining)
        rows = cursor.fetchmany(size)
        if not rows:
            return
        if remaining is not None:
            remaining -= len(rows)
        yield rows


def head(cursor: duckdb.DuckDBPyConnection, limit: int) -> tuple[list[tuple[Any, ...]], bool]:
    """At most `limit` rows, and whether the result has more."""
    rows = [row for chunk in chunks(cursor, limit) for row in chunk]
    return rows, len(rows) == limit and bool(cursor.fetchmany(1))


def write_csv(target: TextIO, names: list[str], batches: Iterator[list[tuple[Any, ...]]]) -> int:
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(names)
    count = 0
    for rows in batches:
        writer.writerows(rows)
        count += len(rows)
    return count


def write_json(target: TextIO, names: list[str], batches: Iterator[list[tuple[Any, ...]]]) -> int:
    """A JSON array of records, written record by record (the layout of `json.dumps(..., indent=2)`)."""
    count = 0
    for rows in batches:
        for row in rows:
            record = json.dumps(dict(zip(names, row, strict=True)), default=str, indent=2)
            target.write(("[\n" if count == 0 else ",\n") + "\n".join("  " + line for line in record.split("\n")))
            count += 1
    target.write("[]\n" if count == 0 else "\n]\n")
    return count


def write_parquet(path: str, con: duckdb.DuckDBPyConnection, query: str, limit: int | None) -> int:
    """The result as Parquet, one Arrow batch at a time (never the whole table in memory)."""
    import pyarrow.parquet as parquet

    reader = con.sql(query).to_arrow_reader(CHUNK_ROWS)
    count = 0
    with parquet.ParquetWriter(path, reader.schema) as writer:
        for batch in reader:
            if limit is not None and count + batch.num_rows > limit:
                batch = batch.slice(0, limit - count)
            writer.write_batch(batch)
            count += batch.num_rows
            if limit is not None and count >= limit:
                break
    return count
