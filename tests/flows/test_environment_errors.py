"""Full disk, read-only home and a database held open: one clear line, no traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

import warehouse.publish
import warehouse.settings
from flows.cli import main
from warehouse.settings import Settings


def _main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["infercast", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out + captured.err


@contextlib.contextmanager
def _work_db_held_open(settings: Settings) -> Iterator[None]:
    """Another process holds the working database open (read-write) for the duration."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(settings.work_db)!r}); "
         "print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_a_full_disk_during_publish_is_one_clear_line(tmp_path, monkeypatch, capsys):
    def full(settings):
        raise OSError(errno.ENOSPC, "No space left on device", str(settings.published_db))

    monkeypatch.setattr(warehouse.publish, "publish", full)
    code, output = _main(monkeypatch, capsys, "ingest", "epoch_usage", "--home", str(tmp_path / "home"))
    assert code == 1
    assert "no space left on the disk that holds" in output and "published" in output
    assert "Traceback" not in output


def test_a_read_only_home_names_the_path_and_what_to_do(tmp_path, monkeypatch, capsys):
    def read_only(self):
        raise OSError(errno.EROFS, "Read-only file system", str(self.work_dir))

    monkeypatch.setattr(warehouse.settings.Settings, "ensure", read_only)
    code, output = _main(monkeypatch, capsys, "ingest", "epoch_usage", "--home", str(tmp_path / "home"))
    assert code == 1
    assert "read-only file system" in output and "--home" in output and str(tmp_path) in output
    assert "Traceback" not in output


def test_a_process_holding_the_working_database_is_named(tmp_path):
    settings = Settings.from_env(tmp_path / "home")
    settings.ensure()
    with _work_db_held_open(settings):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "flows.cli", "ingest", "epoch_usage", "--home", str(settings.home)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "400"},
        )
    assert result.returncode == 1, result.stderr
    assert "is open in another process" in result.stderr and "infercast.duckdb" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 120


def test_a_full_disk_while_writing_the_run_lock_names_the_lock_file(tmp_path, monkeypatch, capsys):
    import warehouse.lock

    real_pwrite = os.pwrite

    def full(handle: int, data: bytes, offset: int) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warehouse.lock.os, "pwrite", full)
    home = tmp_path / "home"
    code, output = _main(monkeypatch, capsys, "ingest", "epoch_usage", "--home", str(home))
    monkeypatch.setattr(warehouse.lock.os, "pwrite", real_pwrite)
    assert code == 1
    flat = output.replace("\n", "")  # the console wraps long paths
    assert "no space left on the disk that holds" in flat and "writer.lock" in flat
    assert "Traceback" not in output
    # The lock was given back: the next writer takes it at once.
    lock = warehouse.lock.WriterLock(Settings.from_env(home).lock_path, timeout_s=0)
    lock.acquire()
    lock.release()


def test_refresh_with_the_working_database_held_open_is_one_line_without_a_traceback(tmp_path):
    settings = Settings.from_env(tmp_path / "home")
    settings.ensure()
    with _work_db_held_open(settings):
        result = subprocess.run(
            [sys.executable, "-m", "flows.cli", "refresh", "--home", str(settings.home)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "400", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
        )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "is open in another process" in output and str(settings.work_db) in output
    assert "Traceback" not in output


@pytest.mark.parametrize("command", ["refresh", "forecast"])
def test_a_read_only_home_for_refresh_and_forecast_is_one_line(command, tmp_path, monkeypatch, capsys):
    # Simulated (the tests may run as root, for whom chmod does not make a directory read-only).
    def read_only(self):
        raise OSError(errno.EROFS, "Read-only file system", str(self.work_dir))

    monkeypatch.setattr(warehouse.settings.Settings, "ensure", read_only)
    code, output = _main(monkeypatch, capsys, command, "--home", str(tmp_path / "home"))
    flat = output.replace("\n", "")
    assert code == 1
    assert "read-only file system" in flat and "--home" in flat and str(tmp_path) in flat
    assert "Traceback" not in output


def _defect(settings):
    raise KeyError("a defect, not an input or environment problem")


def test_an_internal_error_is_one_line_without_debug_and_a_traceback_with_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(warehouse.publish, "publish", _defect)
    home = str(tmp_path / "home")
    code, output = _main(monkeypatch, capsys, "ingest", "epoch_usage", "--home", home)
    assert code == 1
    assert "internal error (KeyError: 'a defect, not an input or environment" in " ".join(output.split())
    assert "--debug" in output and "Traceback" not in output
    monkeypatch.setattr(sys, "argv", ["infercast", "--debug", "ingest", "epoch_usage", "--home", home])
    with pytest.raises(KeyError):
        main()


def test_a_read_only_home_for_report_names_the_exports_folder(tmp_path, monkeypatch, capsys):
    from pathlib import Path

    from warehouse.connection import open_work

    settings = Settings.from_env(tmp_path / "home")
    con = open_work(settings)
    con.execute("insert into forecast.runs values ('run-1', date '2025-03-01', now(), now(), '{}', 'success', null)")
    con.close()
    warehouse.publish.publish(settings)
    real_mkdir = Path.mkdir

    # Simulated (root ignores a read-only mode): the home can be read but not written.
    def read_only(self, *args, **kwargs):
        if self.is_relative_to(settings.home):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    code, output = _main(monkeypatch, capsys, "report", "--format", "csv", "--home", str(settings.home))
    flat = output.replace("\n", "")
    assert code == 1
    assert "read-only file system" in flat and str(settings.exports_dir) in flat and "--home" in flat
    assert "Traceback" not in output
