"""AWS's errors become the bot's in one place (bot/aws/client.py), naming what was asked for."""

from __future__ import annotations

import pytest

from bot import errors
from bot.aws.client import AggregatorClient, Tally
from bot.aws.session import config_client
from simulator.orggen import SeededOrg
from tests.support.aws import settings_for


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("DescribeConfigurationAggregators", {"ConfigurationAggregatorNames": ["NoSuchAggregator"]}),
        ("DescribeConfigurationAggregatorSourcesStatus", {"ConfigurationAggregatorName": "NoSuchAggregator"}),
    ],
)
def test_a_missing_aggregator_is_named_whichever_call_found_it_missing(
    org: SeededOrg, operation: str, params: dict[str, object]
) -> None:
    aws = AggregatorClient(config_client(settings_for(org)))
    with pytest.raises(errors.AggregatorNotFound) as missing:
        aws.call(Tally(), operation, **params)
    assert missing.value.name == "NoSuchAggregator" and "`NoSuchAggregator`" in missing.value.message


def test_no_credentials_is_a_set_up_mistake_not_an_outage(
    org: SeededOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_for(org, role_arn=None)
    aws = AggregatorClient(config_client(settings))
    with pytest.raises(errors.NoCredentials) as missing:
        aws.call(Tally(), "DescribeConfigurationAggregators")
    assert "no AWS credentials" in missing.value.message and "Try again" not in missing.value.message
