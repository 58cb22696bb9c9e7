"""Deployments of the flows and their schedules.

Defaults: `refresh-weekly` runs the full refresh at 06:00 UTC every Monday; `prices-daily`
fetches the price and model feeds live at 05:00 UTC every day, so point-in-time price
history accumulates. Crons and the timezone are configuration, read in this order (later
wins): the defaults, the `[schedules]` table of `infercast.toml` in the home directory (or
the file named by `INFERCAST_CONFIG`), then environment variables
`INFERCAST_REFRESH_WEEKLY_CRON`, `INFERCAST_PRICES_DAILY_CRON`, `INFERCAST_SCHEDULE_TIMEZONE`.

    [schedules]
    timezone = "Europe/London"
    refresh-weekly = "0 6 * * 1"
    prices-daily = "0 5 * * *"

This module does not import Prefect unless deployments are built, so `infercast schedules`
works without a server and starts fast.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cronsim import CronSim, CronSimError

from warehouse.settings import Settings

DEFAULT_TIMEZONE = "UTC"
DEFAULT_CRONS = {"refresh-weekly": "0 6 * * 1", "prices-daily": "0 5 * * *"}
FLOW_OF = {"refresh-weekly": "refresh", "prices-daily": "prices-daily"}
DESCRIPTIONS = {
    "refresh-weekly": "Full refresh: every feed, marts, forecasts, report, publish.",
    "prices-daily": "Live price and model feeds (litellm, openrouter, epoch_models), marts, publish.",
}


class ScheduleConfigError(ValueError):
    pass


@dataclass(frozen=True)
class DeploymentSchedule:
    name: str
    flow_name: str
    cron: str
    timezone: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)

    def next_runs(self, count: int = 3, after: dt.datetime | None = None) -> list[dt.datetime]:
        zone = zoneinfo.ZoneInfo(self.timezone)
        start = (after or dt.datetime.now(dt.UTC)).astimezone(zone)
        iterator = CronSim(self.cron, start)
        return [next(iterator) for _ in range(count)]


def config_path(settings: Settings) -> Path:
    configured = os.environ.get("INFERCAST_CONFIG")
    return Path(configured) if configured else settings.home / "infercast.toml"


def load_schedules(settings: Settings) -> list[DeploymentSchedule]:
    crons = dict(DEFAULT_CRONS)
    timezone = DEFAULT_TIMEZONE
    path = config_path(settings)
    if path.exists():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("schedules", {})
        except tomllib.TOMLDecodeError as exc:
            raise ScheduleConfigError(f"{path}: not valid TOML: {exc}") from exc
        timezone = str(table.get("timezone", timezone))
        for name in crons:
            if name in table:
                crons[name] = str(table[name])
    for name in crons:
        env_name = f"INFERCAST_{name.upper().replace('-', '_')}_CRON"
        crons[name] = os.environ.get(env_name, crons[name])
    timezone = os.environ.get("INFERCAST_SCHEDULE_TIMEZONE", timezone)
    _check(crons, timezone, path)
    return [
        DeploymentSchedule(
            name=name,
            flow_name=FLOW_OF[name],
            cron=cron,
            timezone=timezone,
            description=DESCRIPTIONS[name],
            parameters={"home": str(settings.home)},
        )
        for name, cron in crons.items()
    ]


def _check(crons: dict[str, str], timezone: str, path: Path) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleConfigError(f"unknown timezone {timezone!r} (from {path} or environment)") from exc
    for name, cron in crons.items():
        try:
            CronSim(cron, dt.datetime.now(dt.UTC))
        except CronSimError as exc:
            raise ScheduleConfigError(f"schedule {name}: invalid cron {cron!r}: {exc}") from exc


def build_deployments(settings: Settings) -> list[Any]:
    """Prefect deployments for `serve` (imports Prefect)."""
    from prefect.schedules import Cron

    from flows.refresh import prices_daily_flow, refresh_flow

    flows: dict[str, Any] = {"refresh": refresh_flow, "prices-daily": prices_daily_flow}
    deployments = []
    for schedule in load_schedules(settings):
        parameters = dict(schedule.parameters)
        if schedule.flow_name == "refresh":
            parameters["mode"] = os.environ.get("INFERCAST_MODE", "bundled")
        deployments.append(
            flows[schedule.flow_name].to_deployment(
                name=schedule.name,
                schedules=[Cron(schedule.cron, timezone=schedule.timezone)],
                parameters=parameters,
                description=schedule.description,
                tags=["infercast"],
            )
        )
    return deployments
