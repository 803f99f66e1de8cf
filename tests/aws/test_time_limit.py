"""A question's time limit on its AWS calls: calls made after it (in the question's thread or its
fan-out's) raise TooSlow, a polite AwsError, so a hung AWS cannot hold a worker without end."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot import errors
from bot.aws.client import Abandoned, AggregatorClient, Tally, time_limit
from bot.aws.session import config_client
from simulator.faults import FAULTS
from simulator.orggen import SeededOrg
from tests.support.aws import settings_for


@pytest.fixture
def aws(org: SeededOrg) -> AggregatorClient:
    return AggregatorClient(config_client(settings_for(org)), concurrency=4)


def sources(aws: AggregatorClient, org: SeededOrg, tally: Tally) -> object:
    return aws.call(
        tally, "DescribeConfigurationAggregatorSourcesStatus", ConfigurationAggregatorName=org.aggregator_name
    )


def test_calls_within_the_limit_go_and_later_ones_raise_too_slow(
    aws: AggregatorClient, org: SeededOrg
) -> None:
    tally = Tally()
    with time_limit(0.5):
        sources(aws, org, tally)
        time.sleep(0.6)
        with pytest.raises(errors.TooSlow) as slow:
            sources(aws, org, tally)
    assert tally.total == 1 and "more than 0 s" not in slow.value.message
    sources(aws, org, tally)  # outside the limit: no limit
    assert tally.total == 2


def test_the_limit_holds_in_the_fan_out_threads(aws: AggregatorClient, org: SeededOrg) -> None:
    tally = Tally()
    with time_limit(0.01):
        time.sleep(0.05)
        outcomes = aws.fan_out([lambda: _try(aws, org, tally) for _ in range(6)])
    assert outcomes == ["TooSlow"] * 6 and tally.total == 0


def _try(aws: AggregatorClient, org: SeededOrg, tally: Tally) -> str:
    try:
        sources(aws, org, tally)
        return "called"
    except errors.TooSlow:
        return "TooSlow"


def test_a_call_waiting_for_its_questions_slot_is_checked_when_it_would_start(
    org: SeededOrg, slow_source_status: None
) -> None:
    # One slot, three reads of 0.2 s each, a limit of 0.3 s: the third would start at 0.4 s.
    aws = AggregatorClient(config_client(settings_for(org)), concurrency=1)
    tally = Tally()

    def read() -> str:
        try:
            sources(aws, org, tally)
            return "read"
        except errors.TooSlow:
            return "too slow"

    with time_limit(0.3), aws.shared_slots():
        feed = aws.feed()
        for _ in range(3):
            feed.submit(read)
        outcomes = feed.results()
    assert outcomes.count("too slow") >= 1 and tally.total == outcomes.count("read")


def test_reads_of_an_abandoned_question_make_no_more_calls(org: SeededOrg, slow_source_status: None) -> None:
    aws = AggregatorClient(config_client(settings_for(org)), concurrency=1)
    tally = Tally()
    in_flight, release = threading.Event(), threading.Event()

    def hold(**_: object) -> None:  # the first call waits, in flight, until the question is abandoned
        in_flight.set()
        release.wait(10)

    aws.client.meta.events.register("before-call.config.*", hold)
    with aws.shared_slots(), aws.abandonable() as abandon:
        feed = aws.feed()
        for _ in range(4):
            feed.submit(lambda: sources(aws, org, tally))
        assert in_flight.wait(10)
        abandon()
        release.set()
        with pytest.raises(Abandoned):
            feed.results()
    assert tally.total == 1  # the one in flight; the three waiting for the slot never called AWS


@pytest.fixture
def slow_source_status() -> Iterator[None]:
    FAULTS.latency_seconds = 0.2
    yield
    FAULTS.clear()
