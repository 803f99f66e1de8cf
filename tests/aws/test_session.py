"""Credentials: the SDK's default chain, or a role in the aggregator account, refreshed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import errors
from bot.aws.session import _session, config_client, utc_timestamp
from bot.questions import plans
from bot.questions.plans import PlanContext
from bot.settings import Settings
from simulator.orggen import SeededOrg
from tests.support.aws import settings_for


def test_without_a_role_the_default_credentials_are_used(org: SeededOrg) -> None:
    settings = Settings(aggregator=org.aggregator_name, aggregator_region="us-east-1")
    service = PlanContext(config_client(settings), settings)
    # moto puts plain credentials in its default account, which has no aggregator.
    with pytest.raises(errors.AggregatorNotFound):
        plans.health(service)


def test_the_role_is_assumed_and_refreshed_before_it_expires(org: SeededOrg) -> None:
    credentials = _session(settings_for(org)).get_credentials()
    assert credentials is not None and credentials.method == "compliance-bot-assume-role"
    assert credentials.get_frozen_credentials().account_id == org.management_account
    assert not credentials.refresh_needed()
    # Pretend the session is about to expire: botocore refreshes it on next use.
    credentials._expiry_time = credentials._expiry_time - timedelta(hours=2)
    assert credentials.refresh_needed()
    credentials.get_frozen_credentials()
    assert not credentials.refresh_needed()


def test_the_client_uses_adaptive_retries_and_the_configured_region(org: SeededOrg) -> None:
    client = config_client(settings_for(org, aws_max_attempts=5, aggregator_region="eu-west-1"))
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 5}


def test_times_are_read_in_utc_to_the_millisecond(org: SeededOrg) -> None:
    client = config_client(settings_for(org))
    rule = next(e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT")
    (first, *_) = client.get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=org.aggregator_name,
        ConfigRuleName=rule.rule_name,
        AccountId=rule.account_id,
        AwsRegion=rule.region,
        ComplianceType="NON_COMPLIANT",
    )["AggregateEvaluationResults"]
    recorded = first["ResultRecordedTime"]
    assert recorded.tzinfo is UTC and recorded.microsecond % 1000 == 0
    assert utc_timestamp(recorded.timestamp()) == recorded
    assert utc_timestamp("2026-11-26T09:41:00.123+01:00") == datetime(
        2026, 11, 26, 8, 41, 0, 123000, tzinfo=UTC
    )
    assert utc_timestamp("2026-11-26T09:41:00") == datetime(2026, 11, 26, 9, 41, tzinfo=UTC)  # no zone: UTC
