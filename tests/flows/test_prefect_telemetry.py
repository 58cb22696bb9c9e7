"""Prefect's client telemetry: no notice on a terminal, no usage events (the machine is offline)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "CI_NAME", "DO_NOT_TRACK")
NOTICE = "anonymous usage data"


def _import_prefect_on_a_terminal(home: Path, configure: bool) -> str:
    """Import Prefect in a child whose stdout and stderr are a pseudo-terminal; returns what it printed."""
    setup = (
        f"from flows.prefect_env import configure_prefect; from warehouse.settings import Settings; "
        f"configure_prefect(Settings.from_env({str(home)!r})); "
        if configure
        else f"import os; os.environ['PREFECT_HOME'] = {str(home / 'prefect')!r}; "
    )
    env = {k: v for k, v in os.environ.items() if k not in CI_VARIABLES and not k.startswith("PREFECT_")}
    leader, follower = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", setup + "import prefect"],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
            env=env,
            cwd=Path(__file__).parents[2],
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        child.wait(timeout=120)
    finally:
        os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_prefect_prints_no_telemetry_notice_on_a_first_run_on_a_terminal(tmp_path):
    control = _import_prefect_on_a_terminal(tmp_path / "plain", configure=False)
    if NOTICE not in control:
        pytest.skip("this Prefect prints no telemetry notice on a terminal; nothing to suppress")
    assert NOTICE not in _import_prefect_on_a_terminal(tmp_path / "home", configure=True)
