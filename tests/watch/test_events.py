"""The events path: the simulator puts AWS Config's compliance-change events into an SQS queue
(moto's) when an evaluation changes compliance; the bot reads the queue and alerts the watches
concerned at once, without waiting for the poll (which is not running here)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.aws.queue import EventQueue
from bot.watch.events import EventsListener, change_of
from simulator.events import TARGET
from tests.simulator.helpers import client
from tests.support.slack import Bot, text_of
from tests.support.watches import CHANNEL, compliant, posts, report, scheduler, watch

pytestmark = pytest.mark.server


@pytest.fixture
def listening(bot: Bot) -> Iterator[EventsListener]:
    account, region = bot.org.management_account, "us-east-1"
    sqs = client("sqs", account, region, endpoint=os.environ["AWS_ENDPOINT_URL"])
    url = sqs.create_queue(QueueName="config-compliance-events")["QueueUrl"]
    TARGET.configure(account, region, "config-compliance-events")
    listener = EventsListener(bot.running.deps, scheduler(bot), EventQueue(url, sqs))
    listener.start()
    yield listener
    listener.stop()
    TARGET.clear()


def test_an_event_alerts_its_watch_within_seconds_without_the_poll(
    bot: Bot, fresh: None, listening: EventsListener
) -> None:
    (target,) = compliant(bot)
    watch(bot, f"watch {target.logical_rule} account {target.account_id}")
    report(bot, [target], "NON_COMPLIANT")
    calls = bot.slack.wait_for(
        lambda cs: any(c.method == "chat.postMessage" and c.params.get("channel") == CHANNEL for c in cs), 30
    )
    assert calls
    (alert,) = posts(bot)
    assert target.resource_id in text_of(alert.params)
    report(bot, [target], "COMPLIANT")  # the fix comes the same way, in the alert's thread
    bot.slack.wait_for(lambda cs: sum(c.method == "chat.postMessage" for c in cs) >= 2, 30)
    (fix,) = [c for c in posts(bot) if c.params.get("thread_ts")]
    assert "Compliant again" in text_of(fix.params)


def test_events_outside_every_watch_tick_nothing() -> None:
    assert change_of("not json") is None
    assert change_of('{"detail-type": "EC2 Instance State-change Notification", "detail": {}}') is None
