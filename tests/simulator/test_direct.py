"""The simulator's operations served straight from moto's in-process stubber (simulator/direct.py)
answer exactly as through moto's dispatch: the same parsed responses, the same errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.config.responses import ConfigResponse

from bot.aws.session import config_client
from simulator import direct
from simulator.orggen import SeededOrg
from tests.support.aws import settings_for


@pytest.fixture
def client(org: SeededOrg) -> Any:
    return config_client(settings_for(org))


@pytest.fixture
def moto_path() -> Iterator[Callable[[bool], None]]:
    def use(enabled: bool) -> None:
        direct.enabled = not enabled

    yield use
    direct.enabled = True


def calls(org: SeededOrg) -> list[tuple[str, dict[str, Any]]]:
    name = org.aggregator_name
    failing = next(e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT")
    bucket = next(r for r in org.resources if r.resource_type == "AWS::S3::Bucket")
    return [
        ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": name, "Limit": 5}),
        (
            "get_aggregate_compliance_details_by_config_rule",
            {
                "ConfigurationAggregatorName": name,
                "ConfigRuleName": failing.rule_name,
                "AccountId": failing.account_id,
                "AwsRegion": failing.region,
                "ComplianceType": "NON_COMPLIANT",
            },
        ),
        (
            "get_aggregate_config_rule_compliance_summary",
            {"ConfigurationAggregatorName": name, "GroupByKey": "ACCOUNT_ID"},
        ),
        ("describe_configuration_aggregator_sources_status", {"ConfigurationAggregatorName": name}),
        (
            "select_aggregate_resource_config",
            {
                "ConfigurationAggregatorName": name,
                "Expression": "SELECT accountId, resourceId, configurationItemCaptureTime "
                "WHERE resourceType = 'AWS::S3::Bucket'",
                "Limit": 3,
            },
        ),
        ("get_aggregate_discovered_resource_counts", {"ConfigurationAggregatorName": name}),
        (
            "list_aggregate_discovered_resources",
            {"ConfigurationAggregatorName": name, "ResourceType": "AWS::S3::Bucket", "Limit": 4},
        ),
        ("describe_organization_config_rules", {}),
        (
            "get_aggregate_resource_config",
            {
                "ConfigurationAggregatorName": name,
                "ResourceIdentifier": {
                    "SourceAccountId": bucket.account_id,
                    "SourceRegion": bucket.region,
                    "ResourceId": bucket.resource_id,
                    "ResourceType": bucket.resource_type,
                },
            },
        ),
        # Errors: AWS's codes and messages, whichever path serves them.
        ("describe_aggregate_compliance_by_config_rules", {"ConfigurationAggregatorName": "nope"}),
        ("select_aggregate_resource_config", {"ConfigurationAggregatorName": name, "Expression": "SELEC"}),
        (
            "describe_aggregate_compliance_by_config_rules",
            {"ConfigurationAggregatorName": name, "Limit": 5000},
        ),
        (
            "describe_aggregate_compliance_by_config_rules",
            {"ConfigurationAggregatorName": name, "NextToken": "not-a-token"},
        ),
    ]


def outcome(client: Any, operation: str, params: dict[str, Any]) -> Any:
    try:
        response = getattr(client, operation)(**params)
    except ClientError as error:
        return ("error", error.response["Error"], error.response["ResponseMetadata"]["HTTPStatusCode"])
    response.pop("ResponseMetadata")
    # A page token names a snapshot of its own: only whether there is one compares.
    return {k: (bool(v) if k == "NextToken" else v) for k, v in response.items()}


def alike(one: Any, other: Any) -> bool:
    """Equal, but for times derived from "now" (a summary's timestamp, a source's last update):
    the two calls are not at the same instant. Times keep AWS's millisecond precision."""
    if isinstance(one, dict) and isinstance(other, dict):
        return one.keys() == other.keys() and all(alike(one[k], other[k]) for k in one)
    if isinstance(one, list | tuple) and isinstance(other, list | tuple):
        return len(one) == len(other) and all(alike(a, b) for a, b in zip(one, other, strict=True))
    if isinstance(one, datetime) and isinstance(other, datetime):
        if abs((datetime.now(UTC) - one).total_seconds()) > 60:
            return one == other  # a stored time: to the millisecond
        same_precision = one.microsecond % 1000 == other.microsecond % 1000 == 0
        return same_precision and abs((one - other).total_seconds()) < 5
    return bool(one == other)


def test_both_paths_answer_alike(org: SeededOrg, client: Any, moto_path: Callable[[bool], None]) -> None:
    for operation, params in calls(org):
        moto_path(True)
        through_moto = outcome(client, operation, params)
        moto_path(False)
        served = outcome(client, operation, params)
        assert alike(served, through_moto), (operation, served, through_moto)


def test_the_direct_path_serves_without_moto_dispatch(
    org: SeededOrg, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: ConfigResponse) -> Any:
        raise AssertionError("served through moto's dispatch")

    monkeypatch.setattr(ConfigResponse, "get_aggregate_compliance_details_by_config_rule", refuse)
    failing = next(e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT")
    response = client.get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=org.aggregator_name,
        ConfigRuleName=failing.rule_name,
        AccountId=failing.account_id,
        AwsRegion=failing.region,
        ComplianceType="NON_COMPLIANT",
    )
    assert response["AggregateEvaluationResults"]
