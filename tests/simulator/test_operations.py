"""Every simulated operation through real boto3 clients, in-process (moto's mock)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from simulator.orggen import set_source_status
from tests.simulator.helpers import (
    AGGREGATOR_ACCOUNT,
    MEMBER_A,
    MEMBER_B,
    REGION,
    UNAUTHORIZED,
    account_world,
    client,
    error_code,
    evaluate,
    put_rule,
    then,
)

pytestmark = pytest.mark.usefixtures("moto")
AGG = "accounts"


@pytest.fixture
def world() -> dict[str, Any]:
    world = account_world()
    for account in (MEMBER_A, MEMBER_B, UNAUTHORIZED):
        config = client("config", account)
        put_rule(config, "s3-encryption")
        put_rule(config, "never-evaluated")
    evaluate(
        client("config", MEMBER_A),
        "s3-encryption",
        {"bucket-a1": "NON_COMPLIANT", "bucket-a2": "COMPLIANT", "bucket-a3": "NON_COMPLIANT"},
        annotation="No default encryption.",
    )
    evaluate(client("config", MEMBER_B), "s3-encryption", {"bucket-b1": "COMPLIANT"})
    evaluate(client("config", UNAUTHORIZED), "s3-encryption", {"secret-bucket": "NON_COMPLIANT"})
    return world


def agg() -> Any:
    return client("config", AGGREGATOR_ACCOUNT)


# --- DescribeAggregateComplianceByConfigRules -------------------------------------------------


def test_compliance_by_rule_reads_each_authorized_source(world: dict[str, Any]) -> None:
    rows = agg().describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName=AGG)[
        "AggregateComplianceByConfigRules"
    ]
    by_key = {(r["AccountId"], r["AwsRegion"], r["ConfigRuleName"]): r["Compliance"] for r in rows}
    assert by_key == {
        (MEMBER_A, REGION, "s3-encryption"): {
            "ComplianceType": "NON_COMPLIANT",
            "ComplianceContributorCount": {"CappedCount": 2, "CapExceeded": False},
        },
        (MEMBER_B, REGION, "s3-encryption"): {"ComplianceType": "COMPLIANT"},
    }  # UNAUTHORIZED never authorized the aggregator: nothing of it is visible; and a rule
    # without compliance results (never-evaluated) is not listed, as AWS documents


def test_compliance_by_rule_filters(world: dict[str, Any]) -> None:
    rows = agg().describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=AGG,
        Filters={"ComplianceType": "NON_COMPLIANT", "ConfigRuleName": "s3-encryption"},
    )["AggregateComplianceByConfigRules"]
    assert [(r["AccountId"], r["ConfigRuleName"]) for r in rows] == [(MEMBER_A, "s3-encryption")]
    rows = agg().describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=AGG, Filters={"AccountId": MEMBER_B, "AwsRegion": REGION}
    )["AggregateComplianceByConfigRules"]
    assert {r["AccountId"] for r in rows} == {MEMBER_B}


def test_compliance_by_rule_leaves_out_rules_without_compliance_results(world: dict[str, Any]) -> None:
    """AWS: "Does not display rules that do not have compliance results": never evaluated, or
    evaluated NOT_APPLICABLE only; other reads still know the rule."""
    config = client("config", MEMBER_A)
    put_rule(config, "not-applicable")
    evaluate(config, "not-applicable", {"bucket-a1": "NOT_APPLICABLE"})
    for name in ("never-evaluated", "not-applicable"):
        rows = agg().describe_aggregate_compliance_by_config_rules(
            ConfigurationAggregatorName=AGG, Filters={"ConfigRuleName": name}
        )["AggregateComplianceByConfigRules"]
        assert rows == [], name
    details = agg().get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=AGG,
        ConfigRuleName="never-evaluated",
        AccountId=MEMBER_A,
        AwsRegion=REGION,
    )["AggregateEvaluationResults"]
    assert details == []


@pytest.mark.parametrize("value", ["NOT_APPLICABLE", "INSUFFICIENT_DATA", "BROKEN"])
def test_compliance_by_rule_rejects_unsupported_compliance_filter(world: dict[str, Any], value: str) -> None:
    with pytest.raises(ClientError) as raised:
        agg().describe_aggregate_compliance_by_config_rules(
            ConfigurationAggregatorName=AGG, Filters={"ComplianceType": value}
        )
    assert error_code(raised.value) == "ValidationException"


def test_contributor_count_is_capped_at_100(world: dict[str, Any]) -> None:
    evaluate(
        client("config", MEMBER_B),
        "s3-encryption",
        {f"bulk-{i:03d}": "NON_COMPLIANT" for i in range(101)},
    )
    rows = agg().describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=AGG,
        Filters={"AccountId": MEMBER_B, "ConfigRuleName": "s3-encryption"},
    )["AggregateComplianceByConfigRules"]
    assert rows[0]["Compliance"]["ComplianceContributorCount"] == {
        "CappedCount": 100,
        "CapExceeded": True,
    }


# --- GetAggregateComplianceDetailsByConfigRule ------------------------------------------------


def test_details_need_account_and_region_as_the_article_forgot(world: dict[str, Any]) -> None:
    with pytest.raises(ParamValidationError) as raised:
        agg().get_aggregate_compliance_details_by_config_rule(
            ConfigurationAggregatorName=AGG, ConfigRuleName="s3-encryption"
        )
    assert "AccountId" in str(raised.value) and "AwsRegion" in str(raised.value)


def test_details_list_the_evaluations_of_one_source(world: dict[str, Any]) -> None:
    results = agg().get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=AGG,
        ConfigRuleName="s3-encryption",
        AccountId=MEMBER_A,
        AwsRegion=REGION,
        ComplianceType="NON_COMPLIANT",
    )["AggregateEvaluationResults"]
    assert [r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for r in results] == [
        "bucket-a1",
        "bucket-a3",
    ]
    first = results[0]
    assert first["Annotation"] == "No default encryption."
    assert first["AccountId"] == MEMBER_A and first["AwsRegion"] == REGION
    assert (
        first["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceType"] == "AWS::S3::Bucket"
    )
    assert first["ResultRecordedTime"].year >= 2024


def test_details_of_an_unauthorized_source_are_empty(world: dict[str, Any]) -> None:
    results = agg().get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=AGG,
        ConfigRuleName="s3-encryption",
        AccountId=UNAUTHORIZED,
        AwsRegion=REGION,
    )["AggregateEvaluationResults"]
    assert results == []


def test_details_page_50_by_default_and_100_at_most(world: dict[str, Any]) -> None:
    evaluate(
        client("config", MEMBER_B),
        "s3-encryption",
        {f"b-{i:03d}": "NON_COMPLIANT" for i in range(130)},
    )
    kwargs = {
        "ConfigurationAggregatorName": AGG,
        "ConfigRuleName": "s3-encryption",
        "AccountId": MEMBER_B,
        "AwsRegion": REGION,
    }
    first = agg().get_aggregate_compliance_details_by_config_rule(**kwargs)
    assert len(first["AggregateEvaluationResults"]) == 50 and "NextToken" in first
    full = agg().get_aggregate_compliance_details_by_config_rule(**kwargs, Limit=100)
    assert len(full["AggregateEvaluationResults"]) == 100
    with pytest.raises(ClientError) as raised:
        agg().get_aggregate_compliance_details_by_config_rule(**kwargs, Limit=101)
    assert error_code(raised.value) == "InvalidLimitException"


# --- GetAggregateConfigRuleComplianceSummary --------------------------------------------------


def test_rule_summary_counts_rules_per_group(world: dict[str, Any]) -> None:
    response = agg().get_aggregate_config_rule_compliance_summary(
        ConfigurationAggregatorName=AGG, GroupByKey="ACCOUNT_ID"
    )
    assert response["GroupByKey"] == "ACCOUNT_ID"
    counts = {
        g["GroupName"]: (
            g["ComplianceSummary"]["CompliantResourceCount"]["CappedCount"],
            g["ComplianceSummary"]["NonCompliantResourceCount"]["CappedCount"],
        )
        for g in response["AggregateComplianceCounts"]
    }
    assert counts == {MEMBER_A: (0, 1), MEMBER_B: (1, 0)}
    total = agg().get_aggregate_config_rule_compliance_summary(ConfigurationAggregatorName=AGG)
    assert "GroupByKey" not in total
    assert [
        g["ComplianceSummary"]["NonCompliantResourceCount"]["CappedCount"]
        for g in total["AggregateComplianceCounts"]
    ] == [1]


def test_rule_summary_rejects_an_unknown_group_key(world: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        agg().get_aggregate_config_rule_compliance_summary(
            ConfigurationAggregatorName=AGG, GroupByKey="RESOURCE_TYPE"
        )
    assert error_code(raised.value) == "ValidationException"


# --- resources --------------------------------------------------------------------------------


@pytest.fixture
def buckets(world: dict[str, Any]) -> dict[str, str]:
    """Real moto S3 buckets in the source accounts, which moto's config discovers."""
    made = {
        "alpha-logs-1": MEMBER_A,
        "alpha-logs-2": MEMBER_A,
        "beta-data": MEMBER_B,
        "hidden-bucket": UNAUTHORIZED,
    }
    for name, account in made.items():
        client("s3", account).create_bucket(Bucket=name)
    client("s3", MEMBER_A, "eu-west-1").create_bucket(
        Bucket="alpha-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    return made


def test_list_discovered_resources_across_source_accounts(buckets: dict[str, str]) -> None:
    found = agg().list_aggregate_discovered_resources(
        ConfigurationAggregatorName=AGG, ResourceType="AWS::S3::Bucket"
    )["ResourceIdentifiers"]
    assert {(r["SourceAccountId"], r["SourceRegion"], r["ResourceId"]) for r in found} == {
        (MEMBER_A, REGION, "alpha-logs-1"),
        (MEMBER_A, REGION, "alpha-logs-2"),
        (MEMBER_A, "eu-west-1", "alpha-eu"),
        (MEMBER_B, REGION, "beta-data"),
    }
    filtered = agg().list_aggregate_discovered_resources(
        ConfigurationAggregatorName=AGG,
        ResourceType="AWS::S3::Bucket",
        Filters={"AccountId": MEMBER_A, "Region": "eu-west-1"},
    )["ResourceIdentifiers"]
    assert [r["ResourceName"] for r in filtered] == ["alpha-eu"]


def test_list_discovered_resources_validates_the_type(world: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        agg().list_aggregate_discovered_resources(
            ConfigurationAggregatorName=AGG, ResourceType="AWS::No::Such"
        )
    assert error_code(raised.value) == "ValidationException"


def test_resource_counts_group_and_filter(buckets: dict[str, str]) -> None:
    by_account = agg().get_aggregate_discovered_resource_counts(
        ConfigurationAggregatorName=AGG,
        GroupByKey="ACCOUNT_ID",
        Filters={"ResourceType": "AWS::S3::Bucket"},
    )
    assert by_account["TotalDiscoveredResources"] == 4
    assert {g["GroupName"]: g["ResourceCount"] for g in by_account["GroupedResourceCounts"]} == {
        MEMBER_A: 3,
        MEMBER_B: 1,
    }
    by_region = agg().get_aggregate_discovered_resource_counts(
        ConfigurationAggregatorName=AGG,
        GroupByKey="AWS_REGION",
        Filters={"ResourceType": "AWS::S3::Bucket"},
    )
    assert {g["GroupName"]: g["ResourceCount"] for g in by_region["GroupedResourceCounts"]} == {
        REGION: 3,
        "eu-west-1": 1,
    }
    total = agg().get_aggregate_discovered_resource_counts(
        ConfigurationAggregatorName=AGG,
        Filters={"AccountId": MEMBER_B, "ResourceType": "AWS::S3::Bucket"},
    )
    assert total["TotalDiscoveredResources"] == 1 and total["GroupedResourceCounts"] == []


def test_batch_get_reads_source_accounts_and_reports_the_rest(buckets: dict[str, str]) -> None:
    identifiers = [
        {
            "SourceAccountId": MEMBER_A,
            "SourceRegion": REGION,
            "ResourceId": "alpha-logs-1",
            "ResourceType": "AWS::S3::Bucket",
        },
        {
            "SourceAccountId": MEMBER_B,
            "SourceRegion": REGION,
            "ResourceId": "beta-data",
            "ResourceType": "AWS::S3::Bucket",
        },
        {
            "SourceAccountId": UNAUTHORIZED,
            "SourceRegion": REGION,
            "ResourceId": "hidden-bucket",
            "ResourceType": "AWS::S3::Bucket",
        },
        {
            "SourceAccountId": MEMBER_A,
            "SourceRegion": REGION,
            "ResourceId": "missing",
            "ResourceType": "AWS::S3::Bucket",
        },
    ]
    response = agg().batch_get_aggregate_resource_config(
        ConfigurationAggregatorName=AGG, ResourceIdentifiers=identifiers
    )
    assert [(i["accountId"], i["resourceId"]) for i in response["BaseConfigurationItems"]] == [
        (MEMBER_A, "alpha-logs-1"),
        (MEMBER_B, "beta-data"),
    ]
    assert [i["ResourceId"] for i in response["UnprocessedResourceIdentifiers"]] == [
        "hidden-bucket",
        "missing",
    ]


def test_batch_get_takes_at_most_100(world: dict[str, Any]) -> None:
    identifier = {
        "SourceAccountId": MEMBER_A,
        "SourceRegion": REGION,
        "ResourceId": "x",
        "ResourceType": "AWS::S3::Bucket",
    }
    with pytest.raises(ClientError) as raised:
        agg().batch_get_aggregate_resource_config(
            ConfigurationAggregatorName=AGG, ResourceIdentifiers=[identifier] * 101
        )
    assert error_code(raised.value) == "ValidationException"


def test_get_resource_config_and_not_discovered(buckets: dict[str, str]) -> None:
    item = agg().get_aggregate_resource_config(
        ConfigurationAggregatorName=AGG,
        ResourceIdentifier={
            "SourceAccountId": MEMBER_B,
            "SourceRegion": REGION,
            "ResourceId": "beta-data",
            "ResourceType": "AWS::S3::Bucket",
        },
    )["ConfigurationItem"]
    assert item["accountId"] == MEMBER_B and item["arn"] == "arn:aws:s3:::beta-data"
    assert '"name": "beta-data"' in item["configuration"] or '"name":"beta-data"' in item["configuration"]
    with pytest.raises(ClientError) as raised:
        agg().get_aggregate_resource_config(
            ConfigurationAggregatorName=AGG,
            ResourceIdentifier={
                "SourceAccountId": UNAUTHORIZED,
                "SourceRegion": REGION,
                "ResourceId": "hidden-bucket",
                "ResourceType": "AWS::S3::Bucket",
            },
        )
    assert error_code(raised.value) == "ResourceNotDiscoveredException"


# --- DescribeConfigurationAggregatorSourcesStatus ---------------------------------------------


def test_sources_status_reports_unauthorized_and_forced_states(world: dict[str, Any]) -> None:
    set_source_status(AGGREGATOR_ACCOUNT, REGION, AGG, MEMBER_B, "eu-west-1", "OUTDATED")
    set_source_status(
        AGGREGATOR_ACCOUNT,
        REGION,
        AGG,
        MEMBER_A,
        REGION,
        "FAILED",
        "AccessDeniedException",
        "role gone",
    )
    rows = agg().describe_configuration_aggregator_sources_status(ConfigurationAggregatorName=AGG)[
        "AggregatedSourceStatusList"
    ]
    status = {(r["SourceId"], r["AwsRegion"]): (r["LastUpdateStatus"], r.get("LastErrorCode")) for r in rows}
    assert status[(UNAUTHORIZED, REGION)] == ("FAILED", "AccessDeniedException")
    assert status[(MEMBER_A, REGION)] == ("FAILED", "AccessDeniedException")
    assert status[(MEMBER_B, "eu-west-1")] == ("OUTDATED", None)
    assert status[(MEMBER_B, REGION)] == ("SUCCEEDED", None)
    assert len(rows) == 4 * 2 and {r["SourceType"] for r in rows} == {"ACCOUNT"}
    only_failed = agg().describe_configuration_aggregator_sources_status(
        ConfigurationAggregatorName=AGG, UpdateStatus=["FAILED"]
    )["AggregatedSourceStatusList"]
    assert {(r["SourceId"], r["AwsRegion"]) for r in only_failed} == {
        (UNAUTHORIZED, REGION),
        (UNAUTHORIZED, "eu-west-1"),
        (MEMBER_A, REGION),
    }


def test_a_failed_source_keeps_its_aggregated_data(world: dict[str, Any]) -> None:
    set_source_status(AGGREGATOR_ACCOUNT, REGION, AGG, MEMBER_A, REGION, "FAILED", "AccessDeniedException")
    rows = agg().describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=AGG,
        Filters={"AccountId": MEMBER_A, "ComplianceType": "NON_COMPLIANT"},
    )["AggregateComplianceByConfigRules"]
    assert len(rows) == 1


def test_sources_status_rejects_unknown_status(world: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        agg().describe_configuration_aggregator_sources_status(
            ConfigurationAggregatorName=AGG, UpdateStatus=["BROKEN"]
        )
    assert error_code(raised.value) == "InvalidParameterValueException"


# --- SelectAggregateResourceConfig ------------------------------------------------------------


def test_select_over_resources_and_compliance(buckets: dict[str, str]) -> None:
    response = agg().select_aggregate_resource_config(
        ConfigurationAggregatorName=AGG,
        Expression="SELECT resourceId, accountId WHERE resourceType = 'AWS::S3::Bucket' "
        "AND accountId = '222222222222' ORDER BY resourceId DESC",
    )
    import json

    assert [json.loads(r) for r in response["Results"]] == [
        {"resourceId": "alpha-logs-2", "accountId": MEMBER_A},
        {"resourceId": "alpha-logs-1", "accountId": MEMBER_A},
        {"resourceId": "alpha-eu", "accountId": MEMBER_A},
    ]
    assert response["QueryInfo"]["SelectFields"] == [{"Name": "resourceId"}, {"Name": "accountId"}]
    compliance = agg().select_aggregate_resource_config(
        ConfigurationAggregatorName=AGG,
        Expression="SELECT configuration.targetResourceId WHERE resourceType = "
        "'AWS::Config::ResourceCompliance' AND configuration.complianceType = 'NON_COMPLIANT'",
    )
    assert sorted(json.loads(r)["configuration"]["targetResourceId"] for r in compliance["Results"]) == [
        "bucket-a1",
        "bucket-a3",
    ]


@pytest.mark.parametrize(
    "expression",
    [
        "SELECT resourceId FROM resources",
        "SELECT DISTINCT resourceId",
        "SELECT resourceId AS id",
        "SELECT resourceType, COUNT(*) GROUP BY resourceType HAVING COUNT(*) > 1",
        "SELECT a WHERE b = 'x' UNION SELECT c",
        "SELECT a WHERE resourceName LIKE '%suffix'",
        "SELECT a WHERE resourceName = 'unbalanced",
    ],
)
def test_select_rejects_what_aws_does_not_support(world: dict[str, Any], expression: str) -> None:
    with pytest.raises(ClientError) as raised:
        agg().select_aggregate_resource_config(ConfigurationAggregatorName=AGG, Expression=expression)
    assert error_code(raised.value) == "InvalidExpressionException"


# --- conformance packs ------------------------------------------------------------------------


def test_conformance_pack_compliance_and_summary(moto: None) -> None:
    from simulator.orggen import OrgSpec, generate

    org = generate(OrgSpec(accounts=3, regions=(REGION,), resources_per_region=5))
    config = client("config", org.management_account)
    rows = config.describe_aggregate_compliance_by_conformance_packs(
        ConfigurationAggregatorName=org.aggregator_name
    )["AggregateComplianceByConformancePacks"]
    assert {r["AccountId"] for r in rows} == set(org.accounts)
    for row in rows:
        compliance = row["Compliance"]
        assert (
            compliance["CompliantRuleCount"] + compliance["NonCompliantRuleCount"]
            <= compliance["TotalRuleCount"]
        )
        expected = (
            "NON_COMPLIANT"
            if compliance["NonCompliantRuleCount"]
            else ("COMPLIANT" if compliance["CompliantRuleCount"] else "INSUFFICIENT_DATA")
        )
        assert compliance["ComplianceType"] == expected
    summary = config.get_aggregate_conformance_pack_compliance_summary(
        ConfigurationAggregatorName=org.aggregator_name, GroupByKey="ACCOUNT_ID"
    )
    assert summary["GroupByKey"] == "ACCOUNT_ID"
    for group in summary["AggregateConformancePackComplianceSummaries"]:
        mine = [r for r in rows if r["AccountId"] == group["GroupName"]]
        assert group["ComplianceSummary"] == {
            "CompliantConformancePackCount": sum(
                r["Compliance"]["ComplianceType"] == "COMPLIANT" for r in mine
            ),
            "NonCompliantConformancePackCount": sum(
                r["Compliance"]["ComplianceType"] == "NON_COMPLIANT" for r in mine
            ),
        }
    with pytest.raises(ClientError) as raised:
        config.describe_aggregate_compliance_by_conformance_packs(
            ConfigurationAggregatorName=org.aggregator_name,
            Filters={"ComplianceType": "NOT_APPLICABLE"},
        )
    assert error_code(raised.value) == "ValidationException"


# --- organization rules -----------------------------------------------------------------------


def _organization() -> tuple[str, list[str]]:
    management = client("organizations", AGGREGATOR_ACCOUNT)
    management.create_organization(FeatureSet="ALL")
    members = [
        management.create_account(AccountName=f"member-{i}", Email=f"m{i}@example.com")[
            "CreateAccountStatus"
        ]["AccountId"]
        for i in range(3)
    ]
    return AGGREGATOR_ACCOUNT, members


def test_organization_rule_appears_in_every_member_under_aws_naming() -> None:
    management, members = _organization()
    config = client("config", management)
    arn = config.put_organization_config_rule(
        OrganizationConfigRuleName="org-s3-encryption",
        OrganizationManagedRuleMetadata={
            "RuleIdentifier": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
            "ResourceTypesScope": ["AWS::S3::Bucket"],
        },
        ExcludedAccounts=[members[2]],
    )["OrganizationConfigRuleArn"]
    assert arn.startswith(f"arn:aws:config:{REGION}:{management}:organization-config-rule/org-s3-encryption-")
    names = {}
    for member in members:
        rules = client("config", member).describe_config_rules()["ConfigRules"]
        names[member] = [r["ConfigRuleName"] for r in rules]
    suffix = arn.rsplit("-", 1)[1]
    assert names[members[0]] == names[members[1]] == [f"OrgConfigRule-org-s3-encryption-{suffix}"]
    assert len(suffix) == 8 and names[members[2]] == []
    described = config.describe_organization_config_rules()["OrganizationConfigRules"]
    assert [(r["OrganizationConfigRuleName"], r["ExcludedAccounts"]) for r in described] == [
        ("org-s3-encryption", [members[2]])
    ]


def test_a_custom_organization_rule_runs_the_management_accounts_function() -> None:
    """moto would look the Lambda function up in each member; AWS invokes the management's."""
    management, members = _organization()
    function = f"arn:aws:lambda:{REGION}:{management}:function:ssh-review"
    client("config", management).put_organization_config_rule(
        OrganizationConfigRuleName="ssh-review",
        OrganizationCustomRuleMetadata={
            "LambdaFunctionArn": function,
            "OrganizationConfigRuleTriggerTypes": ["ScheduledNotification"],
            "MaximumExecutionFrequency": "Six_Hours",
            "ResourceTypesScope": ["AWS::EC2::SecurityGroup"],
            "InputParameters": '{"days": "90"}',
        },
    )
    [rule] = client("config", members[0]).describe_config_rules()["ConfigRules"]
    assert rule["ConfigRuleName"].startswith("OrgConfigRule-ssh-review-")
    assert rule["Source"]["Owner"] == "CUSTOM_LAMBDA" and rule["Source"]["SourceIdentifier"] == function
    assert rule["Source"]["SourceDetails"][0]["MessageType"] == "ScheduledNotification"
    assert rule["InputParameters"] == '{"days": "90"}'


def test_organization_rules_errors() -> None:
    with pytest.raises(ClientError) as raised:
        client("config", "555555555555").put_organization_config_rule(
            OrganizationConfigRuleName="x", OrganizationManagedRuleMetadata={"RuleIdentifier": "X"}
        )
    assert error_code(raised.value) == "NoAvailableOrganizationException"
    management, members = _organization()
    with pytest.raises(ClientError) as raised:
        client("config", members[0]).put_organization_config_rule(
            OrganizationConfigRuleName="x", OrganizationManagedRuleMetadata={"RuleIdentifier": "X"}
        )
    assert error_code(raised.value) == "OrganizationAccessDeniedException"
    with pytest.raises(ClientError) as raised:
        client("config", management).describe_organization_config_rules(OrganizationConfigRuleNames=["nope"])
    assert error_code(raised.value) == "NoSuchOrganizationConfigRuleException"
    with pytest.raises(ClientError) as raised:
        client("config", management).put_organization_config_rule(OrganizationConfigRuleName="neither")
    assert error_code(raised.value) == "InvalidParameterValueException"


def org_aggregator(management: str) -> Any:
    """The management account's config client, with an organization aggregator "org" in REGION."""
    config = client("config", management)
    config.put_configuration_aggregator(
        ConfigurationAggregatorName="org",
        OrganizationAggregationSource={
            "RoleArn": f"arn:aws:iam::{management}:role/agg",
            "AwsRegions": [REGION],
        },
    )
    return config


def test_organization_aggregator_reads_every_active_member() -> None:
    management, members = _organization()
    config = org_aggregator(management)
    for member in members:
        put_rule(client("config", member), "local")
        evaluate(client("config", member), "local", {f"b-{member}": "NON_COMPLIANT"})
    rows = config.describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName="org")[
        "AggregateComplianceByConfigRules"
    ]
    assert {r["AccountId"] for r in rows} == set(members)
    statuses = config.describe_configuration_aggregator_sources_status(ConfigurationAggregatorName="org")[
        "AggregatedSourceStatusList"
    ]
    assert [s["SourceType"] for s in statuses].count("ORGANIZATION") == 1
    assert {s["SourceId"] for s in statuses if s["SourceType"] == "ACCOUNT"} == {
        management,
        *members,
    }


def test_an_organization_aggregator_follows_its_members_after_it_was_read() -> None:
    """Members are listed once per change (not on every read): a change must still show."""
    management, members = _organization()
    config = org_aggregator(management)

    def accounts_read() -> set[str]:
        statuses = config.describe_configuration_aggregator_sources_status(ConfigurationAggregatorName="org")
        return {s["SourceId"] for s in statuses["AggregatedSourceStatusList"] if s["SourceType"] == "ACCOUNT"}

    def details_of(member: str) -> list[Any]:
        return config.get_aggregate_compliance_details_by_config_rule(
            ConfigurationAggregatorName="org", ConfigRuleName="local", AccountId=member, AwsRegion=REGION
        )["AggregateEvaluationResults"]

    for member in members:
        put_rule(client("config", member), "local")
        evaluate(client("config", member), "local", {f"b-{member}": "NON_COMPLIANT"})
    assert accounts_read() == {management, *members} and details_of(members[0])
    organizations = client("organizations", management)
    organizations.close_account(AccountId=members[0])
    organizations.remove_account_from_organization(AccountId=members[1])
    joined = organizations.create_account(AccountName="late", Email="late@example.com")
    late = joined["CreateAccountStatus"]["AccountId"]
    assert accounts_read() == {management, members[2], late}
    assert details_of(members[0]) == [] and details_of(members[2])


def test_organization_aggregator_outside_an_organization_fails_its_source() -> None:
    config = client("config", "666666666666")
    config.put_configuration_aggregator(
        ConfigurationAggregatorName="org",
        OrganizationAggregationSource={
            "RoleArn": "arn:aws:iam::666666666666:role/agg",
            "AwsRegions": [REGION],
        },
    )
    statuses = config.describe_configuration_aggregator_sources_status(ConfigurationAggregatorName="org")[
        "AggregatedSourceStatusList"
    ]
    assert [(s["SourceType"], s["LastUpdateStatus"], s["LastErrorCode"]) for s in statuses] == [
        ("ORGANIZATION", "FAILED", "OrganizationAccessDeniedException")
    ]


# --- PutEvaluations ---------------------------------------------------------------------------


def test_put_evaluations_by_name_or_arn_keeps_the_newest(world: dict[str, Any]) -> None:
    config = client("config", MEMBER_B)
    arn = config.describe_config_rules(ConfigRuleNames=["never-evaluated"])["ConfigRules"][0]["ConfigRuleArn"]
    evaluate(config, arn, {"bucket-x": "NON_COMPLIANT"}, when=then(10))
    evaluate(config, "never-evaluated", {"bucket-x": "COMPLIANT"}, when=then(60))  # older: ignored
    results = agg().get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=AGG,
        ConfigRuleName="never-evaluated",
        AccountId=MEMBER_B,
        AwsRegion=REGION,
    )["AggregateEvaluationResults"]
    assert [r["ComplianceType"] for r in results] == ["NON_COMPLIANT"]
    evaluate(config, "never-evaluated", {"bucket-x": "COMPLIANT"}, when=then(1))  # newer: wins
    results = agg().get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=AGG,
        ConfigRuleName="never-evaluated",
        AccountId=MEMBER_B,
        AwsRegion=REGION,
    )["AggregateEvaluationResults"]
    assert [r["ComplianceType"] for r in results] == ["COMPLIANT"]


def test_put_evaluations_test_mode_stores_nothing(world: dict[str, Any]) -> None:
    config = client("config", MEMBER_B)
    response = config.put_evaluations(
        ResultToken="never-evaluated",
        TestMode=True,
        Evaluations=[
            {
                "ComplianceResourceType": "AWS::S3::Bucket",
                "ComplianceResourceId": "b",
                "ComplianceType": "NON_COMPLIANT",
                "OrderingTimestamp": then(0),
            }
        ],
    )
    assert response["FailedEvaluations"] == []
    results = agg().get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=AGG,
        ConfigRuleName="never-evaluated",
        AccountId=MEMBER_B,
        AwsRegion=REGION,
    )["AggregateEvaluationResults"]
    assert results == []


@pytest.mark.parametrize(
    ("token", "evaluations", "code"),
    [
        (
            "no-such-rule",
            [
                {
                    "ComplianceResourceType": "AWS::S3::Bucket",
                    "ComplianceResourceId": "b",
                    "ComplianceType": "COMPLIANT",
                    "OrderingTimestamp": then(0),
                }
            ],
            "InvalidResultTokenException",
        ),
        ("s3-encryption", [], "InvalidParameterValueException"),
        (
            "s3-encryption",
            [
                {
                    "ComplianceResourceType": "AWS::S3::Bucket",
                    "ComplianceResourceId": "b",
                    "ComplianceType": "INSUFFICIENT_DATA",
                    "OrderingTimestamp": then(0),
                }
            ],
            "InvalidParameterValueException",
        ),
    ],
)
def test_put_evaluations_errors(world: dict[str, Any], token: str, evaluations: list[Any], code: str) -> None:
    with pytest.raises(ClientError) as raised:
        client("config", MEMBER_A).put_evaluations(ResultToken=token, Evaluations=evaluations)
    assert error_code(raised.value) == code


def test_a_deleted_rule_takes_its_evaluations_with_it(world: dict[str, Any]) -> None:
    client("config", MEMBER_A).delete_config_rule(ConfigRuleName="s3-encryption")
    rows = agg().describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=AGG, Filters={"ConfigRuleName": "s3-encryption"}
    )["AggregateComplianceByConfigRules"]
    assert {r["AccountId"] for r in rows} == {MEMBER_B}


def _views() -> tuple[list[Any], list[Any], list[Any]]:
    """By rule, the rule summary and the compliance documents, as the aggregator sees them now."""
    by_rule = agg().describe_aggregate_compliance_by_config_rules(ConfigurationAggregatorName=AGG)[
        "AggregateComplianceByConfigRules"
    ]
    summary = [
        {**row["ComplianceSummary"], "ComplianceSummaryTimestamp": None}  # the time of the call
        for row in agg().get_aggregate_config_rule_compliance_summary(ConfigurationAggregatorName=AGG)[
            "AggregateComplianceCounts"
        ]
    ]
    documents = agg().select_aggregate_resource_config(
        ConfigurationAggregatorName=AGG,
        Expression="SELECT resourceId, configuration WHERE resourceType = 'AWS::Config::ResourceCompliance'",
    )["Results"]
    return by_rule, summary, sorted(documents)


def test_cached_views_follow_every_later_write(world: dict[str, Any]) -> None:
    """Views derived per source are cached; evaluations, new rules and deleted rules made after a
    read (through the simulator or moto alone) show in the next read."""
    before = _views()
    assert _views() == before  # read twice: the same
    evaluate(client("config", MEMBER_B), "s3-encryption", {"bucket-b1": "NON_COMPLIANT"})
    after_evaluation = _views()
    assert after_evaluation != before
    assert '"complianceType":"NON_COMPLIANT"' in next(d for d in after_evaluation[2] if "bucket-b1" in d)
    put_rule(client("config", MEMBER_B), "brand-new")
    evaluate(client("config", MEMBER_B), "brand-new", {"bucket-b1": "COMPLIANT"})
    with_rule = _views()
    assert (MEMBER_B, "brand-new") in {(r["AccountId"], r["ConfigRuleName"]) for r in with_rule[0]}
    client("config", MEMBER_B).delete_config_rule(ConfigRuleName="brand-new")
    assert _views() == after_evaluation


# --- errors common to every aggregate read ----------------------------------------------------

AGGREGATE_READS: list[tuple[str, dict[str, Any]]] = [
    ("describe_aggregate_compliance_by_config_rules", {}),
    (
        "get_aggregate_compliance_details_by_config_rule",
        {"ConfigRuleName": "s3-encryption", "AccountId": MEMBER_A, "AwsRegion": REGION},
    ),
    ("get_aggregate_config_rule_compliance_summary", {}),
    ("get_aggregate_discovered_resource_counts", {}),
    ("list_aggregate_discovered_resources", {"ResourceType": "AWS::S3::Bucket"}),
    (
        "batch_get_aggregate_resource_config",
        {
            "ResourceIdentifiers": [
                {
                    "SourceAccountId": MEMBER_A,
                    "SourceRegion": REGION,
                    "ResourceId": "b",
                    "ResourceType": "AWS::S3::Bucket",
                }
            ]
        },
    ),
    (
        "get_aggregate_resource_config",
        {
            "ResourceIdentifier": {
                "SourceAccountId": MEMBER_A,
                "SourceRegion": REGION,
                "ResourceId": "b",
                "ResourceType": "AWS::S3::Bucket",
            }
        },
    ),
    ("describe_configuration_aggregator_sources_status", {}),
    ("select_aggregate_resource_config", {"Expression": "SELECT resourceId"}),
    ("describe_aggregate_compliance_by_conformance_packs", {}),
    ("get_aggregate_conformance_pack_compliance_summary", {}),
]


@pytest.mark.parametrize(("operation", "kwargs"), AGGREGATE_READS, ids=[op for op, _ in AGGREGATE_READS])
def test_every_read_names_a_missing_aggregator(
    world: dict[str, Any], operation: str, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(agg(), operation)(ConfigurationAggregatorName="no-such-aggregator", **kwargs)
    assert error_code(raised.value) == "NoSuchConfigurationAggregatorException"


def test_aggregators_are_per_region(world: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        client("config", AGGREGATOR_ACCOUNT, "eu-west-1").describe_aggregate_compliance_by_config_rules(
            ConfigurationAggregatorName=AGG
        )
    assert error_code(raised.value) == "NoSuchConfigurationAggregatorException"
