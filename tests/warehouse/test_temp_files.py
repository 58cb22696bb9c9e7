"""Temp files are removed on failure (a full disk) and swept at start after a kill."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys

import pytest

from warehouse import archive
from warehouse.connection import open_work
from warehouse.publish import publish
from warehouse.settings import Settings


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_publish_that_hits_a_full_disk_leaves_no_temp_copy(tmp_path, monkeypatch):
    settings = Settings.from_env(tmp_path / "home")
    open_work(settings).close()
    monkeypatch.setattr(shutil, "copyfile", _enospc)
    with pytest.raises(OSError):
        publish(settings)
    assert list(settings.published_db.parent.iterdir()) == []


def test_an_archive_write_that_hits_a_full_disk_leaves_no_temp_file(tmp_path, monkeypatch):
    monkeypatch.setattr(archive.Path, "write_bytes", _enospc)
    with pytest.raises(OSError):
        archive.store(tmp_path, "litellm", b"{}")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_temp_files_of_a_dead_process_are_swept_at_start(tmp_path):
    settings = Settings.from_env(tmp_path / "home")
    settings.ensure()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale_copy = settings.published_db.parent / f".infercast.duckdb.{pid}.tmp"
    stale_archive = settings.archive_dir / "litellm" / "ab" / f"ab12.tmp{pid}-140000"
    stale_archive.parent.mkdir(parents=True)
    for path in (stale_copy, stale_archive):
        path.write_bytes(b"x" * 1000)
    live_copy = settings.published_db.parent / ".infercast.duckdb.1.tmp"  # pid 1 is alive
    live_copy.write_bytes(b"x")
    open_work(settings).close()
    assert not stale_copy.exists() and not stale_archive.exists()
    assert live_copy.exists()


def test_a_run_killed_while_publishing_is_marked_crashed(tmp_path):
    from warehouse.run_log import finish_run, mark_crashed_runs, start_run

    settings = Settings.from_env(tmp_path / "home")
    con = open_work(settings)
    start_run(con, "published-run", "refresh", {}, None)
    finish_run(con, "published-run", "success", {}, [])
    con.close()
    publish(settings)
    con = open_work(settings)
    # Recorded as a success just before its publish, then killed: the published copy lacks it.
    start_run(con, "killed-in-publish", "refresh", {}, None)
    finish_run(con, "killed-in-publish", "success", {}, [])
    assert mark_crashed_runs(con, settings.published_db) == 1
    statuses = dict(con.execute("select run_id, status from meta.flow_runs").fetchall())
    warnings = con.execute("select warnings from meta.flow_runs where run_id = 'killed-in-publish'").fetchall()
    con.close()
    assert statuses == {"published-run": "success", "killed-in-publish": "crashed"}
    assert "killed before its publish completed" in warnings[0][0]
