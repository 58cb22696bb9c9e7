import multiprocessing
import os
import signal
import time

import duckdb
import pytest

from warehouse import archive
from warehouse.lock import LockTimeout, WriterLock
from warehouse.publish import publish


def test_archive_is_content_addressed_and_compressed(tmp_path):
    digest, path = archive.store(tmp_path, "feed", b"hello" * 1000)
    digest_again, path_again = archive.store(tmp_path, "feed", b"hello" * 1000)
    assert (digest, path) == (digest_again, path_again)
    assert len(list(tmp_path.rglob("*.gz"))) == 1
    assert path.stat().st_size < 5000
    assert archive.read(path) == b"hello" * 1000


def _hold_lock(path, ready):
    lock = WriterLock(path)
    lock.acquire()
    ready.set()
    time.sleep(60)


def test_second_writer_times_out_naming_the_holder(tmp_path):
    path = tmp_path / "writer.lock"
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(path, ready))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(LockTimeout) as caught:
            WriterLock(path, timeout_s=0.5).acquire()
        assert f"pid {holder.pid}" in str(caught.value)
        # A holder killed with SIGKILL leaves the file behind, but not the lock.
        os.kill(holder.pid, signal.SIGKILL)
        holder.join()
        with WriterLock(path, timeout_s=5):
            pass
    finally:
        if holder.is_alive():
            holder.kill()


def test_publish_replaces_the_copy_while_a_reader_holds_the_old_one(home):
    home.ensure()
    con = duckdb.connect(str(home.work_db))
    con.execute("create table t as select 1 as v")
    con.close()
    publish(home)
    reader = duckdb.connect(str(home.published_db), read_only=True)
    con = duckdb.connect(str(home.work_db))
    con.execute("insert into t values (2)")
    con.close()
    publish(home)  # must not fail although a reader has the published file open
    assert reader.execute("select count(*) from t").fetchall() == [(1,)]
    reader.close()
    fresh = duckdb.connect(str(home.published_db), read_only=True)
    assert fresh.execute("select count(*) from t").fetchall() == [(2,)]


def test_identical_payloads_archive_to_identical_bytes_from_any_process_or_thread(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    payload = b'{"gpt-4o": {"mode": "chat"}}' * 200
    _, first = archive.store(tmp_path / "a", "feed", payload)
    with ThreadPoolExecutor(max_workers=4) as pool:
        stored = list(pool.map(lambda _: archive.store(tmp_path / "b", "feed", payload), range(8)))
    assert {path for _, path in stored} == {tmp_path / "b" / first.relative_to(tmp_path / "a")}
    assert stored[0][1].read_bytes() == first.read_bytes()  # no time stamp or file name in the header
    assert archive.read(first) == payload
    assert not list(tmp_path.rglob("*.tmp*"))
