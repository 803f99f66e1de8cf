"""A question's time limit on its AWS calls: calls made after it (in the question's thread or its
fan-out's) raise TooSlow, a polite AwsError, so a hung AWS cannot hold a worker without end."""

from __future__ import annotations

import time

import pytest

from bot import errors
from bot.aws.client import AggregatorClient, Tally, time_limit
from bot.aws.session import config_client
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
