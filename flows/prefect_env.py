"""Prefect configuration for running offline under the infercast home.

Must run before `prefect` is imported: Prefect reads its settings at import time.
"""

from __future__ import annotations

import os

from flows.watchdog import start_orphan_watchdog
from warehouse.settings import Settings


def configure_prefect(settings: Settings) -> None:
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    # Prefect's temporary server is our child: it must not outlive a SIGKILLed refresh.
    start_orphan_watchdog()
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    # Without this Prefect's server tries to reach its analytics endpoint.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # ...and without this its client prints a telemetry notice into the first run on a terminal
    # and then tries to send usage events (the server setting above does not reach the client).
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The temporary server needs more than the default 20 s to start on a 2-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    # On 2 cores, BLAS threads fight the flow's own worker threads (measured: forecast fits
    # 7.0 s vs 3.6 s with one BLAS thread on a loaded machine).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
