"""A refresh killed with SIGKILL leaves the published copy intact; a second writer waits, then names the holder."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows import stages
from warehouse.connection import open_work
from warehouse.lock import LockTimeout, WriterLock
from warehouse.publish import publish
from warehouse.settings import Settings

BIN = Path(sys.executable).parent


def _counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        return {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchall()[0][0] for s, t in tables}
    finally:
        con.close()


def _build_and_publish(settings: Settings) -> None:
    con = open_work(settings)
    stages.ingest_feed(con, settings, "epoch_prices")
    stages.build_marts(con)
    stages.fit_forecasts(con, dt.date(2025, 3, 1))
    con.close()
    publish(settings)


@pytest.mark.integration
def test_sigkill_mid_refresh_keeps_published_copy_and_next_refresh_succeeds(tmp_path, prefect_harness):
    settings = Settings.from_env(tmp_path / "home")
    _build_and_publish(settings)
    before = _counts(settings.published_db)
    env = {**os.environ, "INFERCAST_HOME": str(settings.home), "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    victim = subprocess.Popen(
        [str(BIN / "infercast"), "refresh", "--as-of", "2025-04-01"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the kill takes Prefect's temporary server down with it
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and victim.poll() is None:
        holder = WriterLock(settings.lock_path).holder()
        if holder.get("pid") == victim.pid:
            break
        time.sleep(0.05)
    assert victim.poll() is None, "the refresh finished before it could be killed"
    time.sleep(0.3)  # into the stages
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)

    assert _counts(settings.published_db) == before  # readers still see the last good copy

    from flows.refresh import run_refresh

    summary = run_refresh(settings, as_of=dt.date(2025, 4, 1), lock_timeout_s=5)
    assert summary["status"] == "success"
    con = duckdb.connect(str(settings.published_db), read_only=True)
    statuses = [row[0] for row in con.execute("select status from meta.flow_runs order by started_at").fetchall()]
    con.close()
    assert statuses[-1] == "success"
    assert set(statuses[:-1]) <= {"crashed"}  # the killed run, if it got as far as logging itself


def test_a_second_writer_waits_then_names_the_holder(tmp_path):
    settings = Settings.from_env(tmp_path / "home")
    settings.ensure()
    with WriterLock(settings.lock_path):
        holder = json.loads(settings.lock_path.read_text())
        assert holder["pid"] == os.getpid()
        started = time.monotonic()
        with pytest.raises(LockTimeout) as caught:
            WriterLock(settings.lock_path, timeout_s=1.0).acquire()
        assert time.monotonic() - started >= 1.0
    message = str(caught.value)
    assert f"pid {os.getpid()}" in message and holder["started_at"] in message


def test_refresh_publishes_while_another_process_holds_the_copy_open(tmp_path):
    settings = Settings.from_env(tmp_path / "home")
    _build_and_publish(settings)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb\n"
            f"con = duckdb.connect({str(settings.published_db)!r}, read_only=True)\n"
            "print(con.execute('select count(*) from marts.price_index').fetchall()[0][0], flush=True)\n"
            "sys.stdin.readline()\n"
            "print(con.execute('select count(*) from marts.price_index').fetchall()[0][0], flush=True)\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        before = int(holder.stdout.readline())
        con = open_work(settings)
        stages.ingest_feed(con, settings, "epoch_chips")
        stages.build_marts(con, dt.date(2025, 12, 31))
        con.close()
        publish(settings)  # the analyst's open session must not make this fail
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert int(holder.stdout.readline()) == before  # the analyst keeps a consistent snapshot
    finally:
        holder.kill()
        holder.wait()
    fresh = _counts(settings.published_db)
    assert fresh["staging.chip_shipments"] > 0
