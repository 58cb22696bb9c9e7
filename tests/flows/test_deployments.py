import datetime as dt

import pytest

from flows.deployments import ScheduleConfigError, load_schedules
from warehouse.settings import Settings

SATURDAY_NOON_UTC = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("INFERCAST_REFRESH_WEEKLY_CRON", "INFERCAST_PRICES_DAILY_CRON", "INFERCAST_SCHEDULE_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("INFERCAST_CONFIG", raising=False)
    return Settings.from_env(tmp_path / "home")


def test_default_schedules_and_next_runs(settings):
    schedules = {s.name: s for s in load_schedules(settings)}
    weekly, daily = schedules["refresh-weekly"], schedules["prices-daily"]
    assert (weekly.cron, weekly.timezone, weekly.flow_name) == ("0 6 * * 1", "UTC", "refresh")
    assert (daily.cron, daily.flow_name) == ("0 5 * * *", "prices-daily")
    # 2026-11-28 is a Saturday: the next Mondays are the 30th, 7th and 14th.
    assert [run.strftime("%Y-%m-%d %H:%M") for run in weekly.next_runs(3, after=SATURDAY_NOON_UTC)] == [
        "2026-11-30 06:00",
        "2026-12-07 06:00",
        "2026-12-14 06:00",
    ]
    assert [run.day for run in daily.next_runs(3, after=SATURDAY_NOON_UTC)] == [29, 30, 1]
    assert weekly.parameters == {"home": str(settings.home)}


def test_config_file_then_environment_override(settings, monkeypatch):
    settings.home.mkdir(parents=True)
    (settings.home / "infercast.toml").write_text(
        '[schedules]\ntimezone = "Europe/Berlin"\nrefresh-weekly = "30 7 * * 2"\n'
    )
    schedules = {s.name: s for s in load_schedules(settings)}
    assert schedules["refresh-weekly"].cron == "30 7 * * 2"
    assert schedules["prices-daily"].timezone == "Europe/Berlin"
    first = schedules["refresh-weekly"].next_runs(1, after=SATURDAY_NOON_UTC)[0]
    assert first.isoformat() == "2026-12-01T07:30:00+01:00"
    monkeypatch.setenv("INFERCAST_PRICES_DAILY_CRON", "15 4 * * *")
    assert {s.name: s.cron for s in load_schedules(settings)}["prices-daily"] == "15 4 * * *"


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("INFERCAST_REFRESH_WEEKLY_CRON", "every monday", "invalid cron"),
        ("INFERCAST_SCHEDULE_TIMEZONE", "Mars/Olympus", "unknown timezone"),
    ],
)
def test_bad_configuration_is_a_clear_error(settings, monkeypatch, variable, value, fragment):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ScheduleConfigError, match=fragment):
        load_schedules(settings)


def test_deployments_carry_schedule_and_parameters(settings):
    from flows.deployments import build_deployments

    deployments = {d.name: d for d in build_deployments(settings)}
    assert set(deployments) == {"refresh-weekly", "prices-daily"}
    weekly = deployments["refresh-weekly"]
    assert weekly.flow_name == "refresh"
    assert weekly.parameters["home"] == str(settings.home)
    assert weekly.parameters["mode"] == "bundled"
    schedule = weekly.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 6 * * 1", "UTC")
    assert deployments["prices-daily"].flow_name == "prices-daily"
    assert deployments["prices-daily"].schedules[0].schedule.cron == "0 5 * * *"
