"""When a digest is due. Pure: the time comes in as an argument.

A subscription posts at HH:MM in its IANA time zone (DST handled by the zone), on the given
weekdays (default: every day). A run is identified by channel and local date, so it is posted at
most once per day; a run missed while no replica was up is still due within the grace period,
and then says it is late.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
LATE_AFTER = timedelta(minutes=2)


def parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"`{text}` is not a time of day like 09:00")
    return time(int(match.group(1)), int(match.group(2)))


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"`{name}` is not an IANA time zone like Europe/Paris") from error


class DigestSubscription(BaseModel):
    model_config = ConfigDict(frozen=True)

    channel: str
    time: str = "09:00"
    timezone: str = "UTC"
    aggregator: str | None = None
    weekdays: tuple[str, ...] | None = None  # mon..sun; None: every day
    source: str = "config"  # config | slack

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        parsed = parse_time(value)
        return f"{parsed.hour:02d}:{parsed.minute:02d}"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        parse_zone(value)
        return value

    @field_validator("weekdays", mode="before")
    @classmethod
    def _weekdays(cls, value: object) -> tuple[str, ...] | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = {"weekdays": DAYS[:5], "weekends": DAYS[5:], "daily": DAYS}.get(value.lower(), [value])
        if not isinstance(value, list | tuple):
            raise ValueError("weekdays is a list of days (mon..sun), or weekdays/weekends/daily")
        days = tuple(str(d).lower()[:3] for d in value)
        unknown = [d for d in days if d not in DAYS]
        if unknown:
            raise ValueError(f"unknown weekday(s) {unknown}; use mon..sun")
        return days


@dataclass(frozen=True)
class Occurrence:
    run_id: str
    local_date: date
    scheduled: datetime  # UTC
    late: timedelta

    @property
    def is_late(self) -> bool:
        return self.late > LATE_AFTER


def scheduled_at(subscription: DigestSubscription, day: date) -> datetime:
    """The UTC instant of the subscription's HH:MM on that local day (a time skipped by a DST
    change is taken at the same wall-clock offset as before the change, as zoneinfo does)."""
    zone = parse_zone(subscription.timezone)
    local = datetime.combine(day, parse_time(subscription.time), tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC"))


def occurrence(subscription: DigestSubscription, now: datetime, grace: timedelta) -> Occurrence | None:
    """The run that is due now, if any: the latest scheduled time not after `now`, if it is
    within `grace` and on one of the subscription's weekdays."""
    zone = parse_zone(subscription.timezone)
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        at = scheduled_at(subscription, day)
        if at > now:
            continue
        if subscription.weekdays is not None and DAYS[day.weekday()] not in subscription.weekdays:
            return None
        late = now - at
        if late > grace:
            return None
        return Occurrence(f"{subscription.channel}:{day.isoformat()}", day, at, late)
    return None
