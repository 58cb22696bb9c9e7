"""A process started by infercast does not outlive an infercast killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the watchdog reads /proc")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_child_of_a_killed_parent_is_ended(tmp_path):
    # The parent starts the watchdog, then a long-lived child (as Prefect starts its server).
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys, time\n"
         "from flows.watchdog import start_orphan_watchdog\n"
         "start_orphan_watchdog()\n"
         "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
         "print(child.pid, flush=True)\n"
         "time.sleep(300)\n"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(1.5)  # the watchdog has noted the child
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the child outlived its SIGKILLed parent"


def test_sigterm_rolls_back_and_exits_with_a_message(tmp_path):
    import duckdb

    home = tmp_path / "home"
    command = [sys.executable, "-m", "flows.cli", "ingest", "litellm", "--home", str(home)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    work_db = home / "work" / "infercast.duckdb"
    while not work_db.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # inside the load (the three files take about a second on an idle machine)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        loaded = con.execute("select count(*) from meta.ingest_batches where feed = 'litellm'").fetchall()[0][0]
        prices = con.execute("select count(*) from staging.token_prices").fetchall()[0][0]
    finally:
        con.close()
    if process.returncode == 0 or loaded == 3:
        pytest.skip("the load finished before SIGTERM arrived")
    assert process.returncode == 143, stderr
    assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr
    # The bundled feed is three files, each its own transaction: a file committed before the
    # signal stays (with its batch record); the interrupted one leaves nothing, so no staged
    # rows exist without the batch that loaded them, and fewer than all three files are in.
    assert loaded < 3
    assert prices == 0 or loaded >= 1


def test_the_watchdog_left_running_prints_no_warning_at_exit():
    # It must outlive its parent by design; a Popen still running at exit printed
    # "ResourceWarning: subprocess N is still running" under every refresh.
    code = "from flows.watchdog import start_orphan_watchdog\nstart_orphan_watchdog()\n"
    done = subprocess.run(
        [sys.executable, "-W", "always::ResourceWarning", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0 and done.stderr == ""
