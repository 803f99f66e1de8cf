"""What the aggregator sees of a source follows the source's configuration recorder, as in AWS:
no recorder records nothing; compliance items and global types are recorded only when the
recording group says so; the compliance APIs read the evaluations whatever is recorded."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.simulator.helpers import (
    AGGREGATOR_ACCOUNT,
    MEMBER_A,
    MEMBER_B,
    REGION,
    account_world,
    client,
    error_code,
    evaluate,
    put_rule,
    record,
)

pytestmark = pytest.mark.usefixtures("moto")
AGG = "accounts"
ROLE_ID = re.compile(r"AROA[A-Z0-9]{17}")


@pytest.fixture
def world() -> None:
    account_world()
    for account in (MEMBER_A, MEMBER_B):
        client("s3", account).create_bucket(Bucket=f"bucket-{account}")
        put_rule(client("config", account), "s3-encryption")
        evaluate(client("config", account), "s3-encryption", {f"bucket-{account}": "NON_COMPLIANT"})


def agg() -> Any:
    return client("config", AGGREGATOR_ACCOUNT)


def select(expression: str) -> list[dict[str, Any]]:
    results = agg().select_aggregate_resource_config(ConfigurationAggregatorName=AGG, Expression=expression)
    return [json.loads(r) for r in results["Results"]]


def bucket_owners() -> dict[str, set[str]]:
    """The accounts whose bucket each resource read sees."""
    listed = agg().list_aggregate_discovered_resources(
        ConfigurationAggregatorName=AGG, ResourceType="AWS::S3::Bucket"
    )["ResourceIdentifiers"]
    counted = agg().get_aggregate_discovered_resource_counts(
        ConfigurationAggregatorName=AGG,
        GroupByKey="ACCOUNT_ID",
        Filters={"ResourceType": "AWS::S3::Bucket"},
    )["GroupedResourceCounts"]
    queried = select("SELECT accountId WHERE resourceType = 'AWS::S3::Bucket'")
    found = set()
    for account in (MEMBER_A, MEMBER_B):
        identifier = {
            "SourceAccountId": account,
            "SourceRegion": REGION,
            "ResourceId": f"bucket-{account}",
            "ResourceType": "AWS::S3::Bucket",
        }
        try:
            agg().get_aggregate_resource_config(
                ConfigurationAggregatorName=AGG, ResourceIdentifier=identifier
            )
            found.add(account)
        except ClientError as error:
            assert error_code(error) == "ResourceNotDiscoveredException"
    batch = agg().batch_get_aggregate_resource_config(
        ConfigurationAggregatorName=AGG,
        ResourceIdentifiers=[
            {
                "SourceAccountId": account,
                "SourceRegion": REGION,
                "ResourceId": f"bucket-{account}",
                "ResourceType": "AWS::S3::Bucket",
            }
            for account in (MEMBER_A, MEMBER_B)
        ],
    )["BaseConfigurationItems"]
    return {
        "listed": {r["SourceAccountId"] for r in listed},
        "counted": {g["GroupName"] for g in counted},
        "queried": {r["accountId"] for r in queried},
        "get": found,
        "batch": {i["accountId"] for i in batch},
    }


def compliance_item_accounts() -> set[str]:
    rows = select("SELECT accountId WHERE resourceType = 'AWS::Config::ResourceCompliance'")
    return {r["accountId"] for r in rows}


def evaluated_accounts() -> dict[str, set[str]]:
    """The accounts whose evaluations the compliance APIs show."""
    by_rule = agg().describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName=AGG)[
        "AggregateComplianceByConfigRules"
    ]
    details = set()
    for account in (MEMBER_A, MEMBER_B):
        if agg().get_aggregate_compliance_details_by_config_rule(
            ConfigurationAggregatorName=AGG,
            ConfigRuleName="s3-encryption",
            AccountId=account,
            AwsRegion=REGION,
        )["AggregateEvaluationResults"]:
            details.add(account)
    summary = agg().get_aggregate_config_rule_compliance_summary(
        ConfigurationAggregatorName=AGG, GroupByKey="ACCOUNT_ID"
    )["AggregateComplianceCounts"]
    return {
        "by_rule": {r["AccountId"] for r in by_rule},
        "details": details,
        "summary": {g["GroupName"] for g in summary},
    }


def test_every_read_sees_what_the_recorders_record(world: None) -> None:
    both = {MEMBER_A, MEMBER_B}
    assert bucket_owners() == dict.fromkeys(("listed", "counted", "queried", "get", "batch"), both)
    assert compliance_item_accounts() == both
    assert evaluated_accounts() == dict.fromkeys(("by_rule", "details", "summary"), both)


def test_an_account_region_without_a_recorder_records_nothing(world: None) -> None:
    client("config", MEMBER_B).delete_configuration_recorder(ConfigurationRecorderName="default")
    only_a = {MEMBER_A}
    assert bucket_owners() == dict.fromkeys(("listed", "counted", "queried", "get", "batch"), only_a)
    assert compliance_item_accounts() == only_a
    # The rule's evaluations are not configuration items: the compliance APIs still show them.
    assert evaluated_accounts() == dict.fromkeys(("by_rule", "details", "summary"), {MEMBER_A, MEMBER_B})


def test_a_recorder_that_excludes_compliance_items(world: None) -> None:
    record(
        MEMBER_A,
        REGION,
        allSupported=False,
        exclusionByResourceTypes={"resourceTypes": ["AWS::Config::ResourceCompliance"]},
        recordingStrategy={"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
    )
    assert compliance_item_accounts() == {MEMBER_B}
    assert bucket_owners()["queried"] == {MEMBER_A, MEMBER_B}  # the rest is still recorded
    assert evaluated_accounts() == dict.fromkeys(("by_rule", "details", "summary"), {MEMBER_A, MEMBER_B})


def test_an_inclusion_records_only_its_types_and_reads_follow_a_new_recorder(world: None) -> None:
    record(MEMBER_A, REGION, allSupported=False, resourceTypes=["AWS::S3::Bucket"])
    assert compliance_item_accounts() == {MEMBER_B}
    assert bucket_owners()["listed"] == {MEMBER_A, MEMBER_B}
    record(MEMBER_A, REGION, allSupported=False, resourceTypes=["AWS::Config::ResourceCompliance"])
    assert compliance_item_accounts() == {MEMBER_A, MEMBER_B}
    assert bucket_owners()["listed"] == {MEMBER_B}


def roles_of(account: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = agg().list_aggregate_discovered_resources(
        ConfigurationAggregatorName=AGG,
        ResourceType="AWS::IAM::Role",
        Filters={"AccountId": account},
    )["ResourceIdentifiers"]
    return found


def test_global_types_are_recorded_only_where_the_recorder_says(world: None) -> None:
    client("iam", MEMBER_A).create_role(RoleName="deployer", AssumeRolePolicyDocument="{}")
    assert [r["ResourceName"] for r in roles_of(MEMBER_A)] == ["deployer"]  # includeGlobalResourceTypes
    record(MEMBER_A, REGION, allSupported=True, includeGlobalResourceTypes=False)
    assert roles_of(MEMBER_A) == []
    record(MEMBER_A, REGION, allSupported=False, resourceTypes=["AWS::IAM::Role"])
    assert [r["ResourceName"] for r in roles_of(MEMBER_A)] == ["deployer"]
    record(
        MEMBER_A,
        REGION,
        allSupported=False,
        exclusionByResourceTypes={"resourceTypes": ["AWS::Config::ResourceCompliance"]},
        recordingStrategy={"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
    )
    assert [r["ResourceName"] for r in roles_of(MEMBER_A)] == ["deployer"]  # not excluded: recorded


def test_iam_roles_are_named_by_their_aroa_id(world: None) -> None:
    made = client("iam", MEMBER_A).create_role(RoleName="deployer", AssumeRolePolicyDocument="{}")["Role"]
    [listed] = roles_of(MEMBER_A)
    assert ROLE_ID.fullmatch(listed["ResourceId"]) and listed["ResourceId"] == made["RoleId"]
    assert listed["ResourceName"] == "deployer" and listed["SourceRegion"] == "global"
    identifier = {
        "SourceAccountId": MEMBER_A,
        "SourceRegion": "global",
        "ResourceId": made["RoleId"],
        "ResourceType": "AWS::IAM::Role",
    }
    item = agg().get_aggregate_resource_config(
        ConfigurationAggregatorName=AGG, ResourceIdentifier=identifier
    )["ConfigurationItem"]
    assert (item["resourceId"], item["resourceName"], item["awsRegion"]) == (
        made["RoleId"],
        "deployer",
        "global",
    )
    rows = select(
        "SELECT resourceId, resourceName, awsRegion "
        f"WHERE resourceType = 'AWS::IAM::Role' AND accountId = '{MEMBER_A}'"
    )
    assert rows == [{"resourceId": made["RoleId"], "resourceName": "deployer", "awsRegion": "global"}]
    with pytest.raises(ClientError) as raised:  # the name is not the id
        agg().get_aggregate_resource_config(
            ConfigurationAggregatorName=AGG, ResourceIdentifier={**identifier, "ResourceId": "deployer"}
        )
    assert error_code(raised.value) == "ResourceNotDiscoveredException"


@pytest.mark.parametrize("live", [True, False], ids=["small world", "large world"])
def test_moto_resources_made_or_deleted_after_a_query_show_in_the_next(
    world: None, live: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small worlds list moto's own resources at every query; large ones keep the list until one
    of moto's collections of them changes (`tracking.Natives`): either way the next query sees it."""
    from simulator import views

    monkeypatch.setattr(views, "LIVE_NATIVE_SOURCES", 10**9 if live else 0)

    def buckets() -> set[str]:
        return {r["resourceId"] for r in select("SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket'")}

    assert buckets() == {f"bucket-{MEMBER_A}", f"bucket-{MEMBER_B}"}
    client("s3", MEMBER_A).create_bucket(Bucket="late-bucket")
    assert buckets() == {f"bucket-{MEMBER_A}", f"bucket-{MEMBER_B}", "late-bucket"}
    client("s3", MEMBER_B).delete_bucket(Bucket=f"bucket-{MEMBER_B}")
    assert buckets() == {f"bucket-{MEMBER_A}", "late-bucket"}
    roles = client("iam", MEMBER_A)
    roles.create_role(RoleName="late-role", AssumeRolePolicyDocument="{}")
    assert "late-role" in {
        r["resourceName"] for r in select("SELECT resourceName WHERE resourceType = 'AWS::IAM::Role'")
    }
    blocks = "SELECT accountId WHERE resourceType = 'AWS::S3::AccountPublicAccessBlock'"
    assert MEMBER_B not in {r["accountId"] for r in select(blocks)}
    client("s3control", MEMBER_B).put_public_access_block(
        AccountId=MEMBER_B, PublicAccessBlockConfiguration={"BlockPublicAcls": True}
    )
    assert MEMBER_B in {r["accountId"] for r in select(blocks)}
    # A bucket in a region where its account held nothing of moto's before.
    client("s3", MEMBER_A, "eu-west-1").create_bucket(
        Bucket="late-bucket-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    regions = "SELECT awsRegion WHERE resourceType = 'AWS::S3::Bucket' AND resourceId = 'late-bucket-eu'"
    assert [r["awsRegion"] for r in select(regions)] == ["eu-west-1"]


def test_a_large_world_lists_again_only_the_accounts_whose_moto_resources_moved(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator import views
    from simulator.sources import get_aggregator

    monkeypatch.setattr(views, "LIVE_NATIVE_SOURCES", 0)
    select("SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket'")
    built = views.view(get_aggregator(AGGREGATOR_ACCOUNT, REGION, AGG))
    before = {built.readable[p].account_id: found for p, found in views.natives(built).items()}
    client("s3", MEMBER_A).create_bucket(Bucket="late-bucket")
    after = {built.readable[p].account_id: found for p, found in views.natives(built).items()}
    assert after[MEMBER_B] is before[MEMBER_B]  # not listed again
    assert "late-bucket" in {r.resource_id for r in after[MEMBER_A]}
    assert "late-bucket" not in {r.resource_id for r in before[MEMBER_A]}
