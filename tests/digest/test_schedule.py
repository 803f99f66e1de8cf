"""Digest scheduling across time zones, DST, weekdays and downtime, with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.digest.schedule import DigestSubscription, occurrence, scheduled_at

GRACE = timedelta(hours=6)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_due_from_its_time_until_the_grace_runs_out() -> None:
    sub = DigestSubscription(channel="C1", time="09:00", timezone="Europe/Paris")
    assert occurrence(sub, at("2026-11-26T07:59:59+00:00"), GRACE) is None  # 08:59:59 in Paris
    due = occurrence(sub, at("2026-11-26T08:00:00+00:00"), GRACE)
    assert due is not None and due.run_id == "C1:2026-11-26" and not due.is_late
    late = occurrence(sub, at("2026-11-26T13:30:00+00:00"), GRACE)
    assert late is not None and late.run_id == "C1:2026-11-26" and late.is_late
    assert occurrence(sub, at("2026-11-26T14:00:01+00:00"), GRACE) is None


@pytest.mark.parametrize(
    ("zone", "utc"),
    [
        ("America/New_York", "2026-11-26T14:00:00+00:00"),
        ("Asia/Tokyo", "2026-11-26T00:00:00+00:00"),
        ("Asia/Kolkata", "2026-11-26T03:30:00+00:00"),
        ("Pacific/Auckland", "2026-11-25T20:00:00+00:00"),
    ],
)
def test_time_zones(zone: str, utc: str) -> None:
    sub = DigestSubscription(channel="C1", time="09:00", timezone=zone)
    assert scheduled_at(sub, datetime(2026, 11, 26).date()) == at(utc)


def test_daylight_saving_changes_move_the_utc_time_not_the_local_one() -> None:
    sub = DigestSubscription(channel="C1", time="09:00", timezone="Europe/London")
    before = scheduled_at(sub, datetime(2026, 3, 28).date())
    after = scheduled_at(sub, datetime(2026, 3, 29).date())  # clocks go forward that night
    assert before == at("2026-03-28T09:00:00+00:00") and after == at("2026-03-29T08:00:00+00:00")
    autumn = scheduled_at(sub, datetime(2026, 10, 25).date())  # clocks go back
    assert autumn == at("2026-10-25T09:00:00+00:00")


def test_a_time_skipped_by_dst_still_runs_once() -> None:
    sub = DigestSubscription(channel="C1", time="02:30", timezone="America/New_York")
    runs = {
        occurrence(sub, at("2026-03-08T00:00:00+00:00") + timedelta(minutes=m), GRACE)
        for m in range(0, 24 * 60, 10)
    }
    assert {r.run_id for r in runs if r} == {"C1:2026-03-08"}


def test_weekdays() -> None:
    sub = DigestSubscription(channel="C1", time="09:00", timezone="UTC", weekdays="weekdays")
    assert occurrence(sub, at("2026-11-28T09:05:00+00:00"), GRACE) is None  # a Saturday
    assert occurrence(sub, at("2026-11-27T09:05:00+00:00"), GRACE) is not None  # a Friday
    assert DigestSubscription(channel="C", weekdays=["Monday", "fri"]).weekdays == ("mon", "fri")


def test_after_downtime_yesterdays_run_is_still_due_within_grace() -> None:
    sub = DigestSubscription(channel="C1", time="23:00", timezone="UTC")
    due = occurrence(sub, at("2026-11-27T01:00:00+00:00"), GRACE)
    assert due is not None and due.run_id == "C1:2026-11-26" and due.is_late


@pytest.mark.parametrize(
    "bad", [{"time": "25:00"}, {"time": "9am"}, {"timezone": "Mars/Olympus"}, {"weekdays": ["someday"]}]
)
def test_invalid_subscriptions_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DigestSubscription(channel="C1", **bad)  # type: ignore[arg-type]
