"""AWS validates names and ids on the server: a malformed value is a ValidationException, never an
empty answer."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.simulator.helpers import (
    AGGREGATOR_ACCOUNT,
    MEMBER_A,
    REGION,
    account_world,
    client,
    error_code,
    evaluate,
    put_rule,
)

pytestmark = pytest.mark.usefixtures("moto")
AGG = "accounts"


@pytest.fixture
def world() -> None:
    account_world()
    put_rule(client("config", MEMBER_A), "s3-encryption")
    evaluate(client("config", MEMBER_A), "s3-encryption", {"b": "NON_COMPLIANT"})


def agg() -> Any:
    return client("config", AGGREGATOR_ACCOUNT)


def identifier(account: str) -> dict[str, str]:
    return {
        "SourceAccountId": account,
        "SourceRegion": REGION,
        "ResourceId": "b",
        "ResourceType": "AWS::S3::Bucket",
    }


# (operation, request with the account id in it, where AWS says the bad value is)
WITH_ACCOUNT: list[tuple[str, Any, str]] = [
    (
        "describe_aggregate_compliance_by_config_rules",
        lambda a: {"Filters": {"AccountId": a}},
        "filters.accountId",
    ),
    (
        "get_aggregate_compliance_details_by_config_rule",
        lambda a: {"ConfigRuleName": "s3-encryption", "AccountId": a, "AwsRegion": REGION},
        "accountId",
    ),
    (
        "get_aggregate_config_rule_compliance_summary",
        lambda a: {"Filters": {"AccountId": a}},
        "filters.accountId",
    ),
    (
        "describe_aggregate_compliance_by_conformance_packs",
        lambda a: {"Filters": {"AccountId": a}},
        "filters.accountId",
    ),
    (
        "get_aggregate_conformance_pack_compliance_summary",
        lambda a: {"Filters": {"AccountId": a}},
        "filters.accountId",
    ),
    (
        "get_aggregate_discovered_resource_counts",
        lambda a: {"Filters": {"AccountId": a}},
        "filters.accountId",
    ),
    (
        "list_aggregate_discovered_resources",
        lambda a: {"ResourceType": "AWS::S3::Bucket", "Filters": {"AccountId": a}},
        "filters.accountId",
    ),
    (
        "get_aggregate_resource_config",
        lambda a: {"ResourceIdentifier": identifier(a)},
        "resourceIdentifier.sourceAccountId",
    ),
    (
        "batch_get_aggregate_resource_config",
        lambda a: {"ResourceIdentifiers": [identifier(MEMBER_A), identifier(a)]},
        "resourceIdentifiers.2.member.sourceAccountId",
    ),
]


@pytest.mark.parametrize(
    ("operation", "request_of", "member"), WITH_ACCOUNT, ids=[w[0] for w in WITH_ACCOUNT]
)
def test_account_ids_are_twelve_digits(world: None, operation: str, request_of: Any, member: str) -> None:
    for account in ("12345", "2222222222222", "22222222222a", " 222222222222"):
        with pytest.raises(ClientError) as raised:
            getattr(agg(), operation)(ConfigurationAggregatorName=AGG, **request_of(account))
        assert error_code(raised.value) == "ValidationException"
        message = raised.value.response["Error"]["Message"]
        assert f"at '{member}'" in message and "\\d{12}" in message


@pytest.mark.parametrize(
    ("operation", "request_of", "member"), WITH_ACCOUNT, ids=[w[0] for w in WITH_ACCOUNT]
)
def test_a_well_formed_account_that_is_no_source_is_no_error(
    world: None, operation: str, request_of: Any, member: str
) -> None:
    try:
        getattr(agg(), operation)(ConfigurationAggregatorName=AGG, **request_of("999999999999"))
    except ClientError as error:  # GetAggregateResourceConfig: not discovered
        assert error_code(error) == "ResourceNotDiscoveredException"


@pytest.mark.parametrize("name", ["bad name", "org/aggregator", "x" * 257, "agrégateur"])
def test_aggregator_names_are_word_characters_and_dashes(world: None, name: str) -> None:
    for call in (
        lambda: agg().describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName=name),
        lambda: agg().select_aggregate_resource_config(
            ConfigurationAggregatorName=name, Expression="SELECT resourceId"
        ),
        lambda: agg().describe_configuration_aggregators(ConfigurationAggregatorNames=[name]),
        lambda: agg().put_configuration_aggregator(
            ConfigurationAggregatorName=name,
            AccountAggregationSources=[{"AccountIds": [MEMBER_A], "AwsRegions": [REGION]}],
        ),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert error_code(raised.value) == "ValidationException", name


def test_a_well_formed_unknown_aggregator_is_no_such_aggregator(world: None) -> None:
    with pytest.raises(ClientError) as raised:
        agg().describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName="Other_Aggregator-2")
    assert error_code(raised.value) == "NoSuchConfigurationAggregatorException"


def test_expressions_are_at_most_4096_characters(world: None) -> None:
    longest = "SELECT resourceId WHERE resourceId = '" + "x" * (4096 - 39) + "'"
    assert len(longest) == 4096
    agg().select_aggregate_resource_config(ConfigurationAggregatorName=AGG, Expression=longest)
    with pytest.raises(ClientError) as raised:
        agg().select_aggregate_resource_config(ConfigurationAggregatorName=AGG, Expression=longest + " ")
    assert error_code(raised.value) == "ValidationException"
    assert "length less than or equal to 4096" in raised.value.response["Error"]["Message"]


def _organization() -> None:
    organizations = client("organizations", AGGREGATOR_ACCOUNT)
    organizations.create_organization(FeatureSet="ALL")


@pytest.mark.parametrize("name", ["has space", "dots.are.out", "x" * 65, "ünïcode"])
def test_organization_rule_names(name: str) -> None:
    _organization()
    with pytest.raises(ClientError) as raised:
        client("config", AGGREGATOR_ACCOUNT).put_organization_config_rule(
            OrganizationConfigRuleName=name,
            OrganizationManagedRuleMetadata={"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
        )
    assert error_code(raised.value) == "ValidationException"


def test_organization_rule_names_may_hold_dashes_and_underscores() -> None:
    _organization()
    client("config", AGGREGATOR_ACCOUNT).put_organization_config_rule(
        OrganizationConfigRuleName="Org_rule-1",
        OrganizationManagedRuleMetadata={"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
    )
