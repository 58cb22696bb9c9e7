"""A real Prefect server on 127.0.0.1: serve the deployments, trigger refresh-weekly, check the run log."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(predicate, timeout_s: float, what: str, processes=()):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"{process.args[0]} exited early while waiting for {what}")
        result = predicate()
        if result:
            return result
        time.sleep(1.0)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_served_refresh_weekly_runs_and_is_logged(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "INFERCAST_HOME": str(home),
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
        env=env,
        stdout=open(logs / "server.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = None
    try:
        client = httpx.Client(base_url=api, timeout=10)

        def healthy() -> bool:
            try:
                return client.get("/health").status_code == 200
            except httpx.HTTPError:
                return False

        _wait(healthy, 90, "the Prefect server", [server])
        served = subprocess.Popen(
            [str(BIN / "infercast"), "serve", "--home", str(home)],
            env=env,
            stdout=open(logs / "serve.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def deployment_id() -> str | None:
            response = client.get("/deployments/name/refresh/refresh-weekly")
            return response.json()["id"] if response.status_code == 200 else None

        deployment = _wait(deployment_id, 90, "the refresh-weekly deployment", [server, served])
        details = client.get(f"/deployments/{deployment}").json()
        assert details["schedules"][0]["schedule"]["cron"] == "0 6 * * 1"
        assert details["paused"] is False

        def created() -> dict | None:
            response = client.post(f"/deployments/{deployment}/create_flow_run", json={})
            return response.json() if response.status_code < 300 else None

        run = _wait(created, 60, "the flow run to be created", [server, served])

        def finished() -> dict | None:
            state = client.get(f"/flow_runs/{run['id']}").json()["state"]
            return state if state and state["type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

        state = _wait(finished, 240, "the triggered refresh to finish", [server, served])
        assert state["type"] == "COMPLETED", (state, (logs / "serve.log").read_text()[-3000:])

        con = duckdb.connect(str(home / "published" / "infercast.duckdb"), read_only=True)
        rows = con.execute("select flow, status, prefect_flow_run_id from meta.flow_runs").fetchall()
        priced = con.execute("select count(*) from marts.price_index").fetchall()[0][0]
        con.close()
        assert ("refresh", "success", run["id"]) in rows
        assert priced > 0
    finally:
        if served is not None:
            _stop(served)
        _stop(server)
