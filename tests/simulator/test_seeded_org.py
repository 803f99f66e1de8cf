"""Answers on a generated organization against a brute-force oracle of what was seeded, and
every page boundary of every paginated operation."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.orggen import ORG_RULES, OrgSpec, SeededOrg, generate
from tests.simulator.helpers import client, error_code

SPEC = OrgSpec(
    seed=11,
    accounts=7,
    regions=("us-east-1", "eu-west-1"),
    resources_per_region=5,
    non_compliance=0.3,
)


@pytest.fixture
def org(moto: None) -> SeededOrg:
    return generate(SPEC)


@pytest.fixture
def config(org: SeededOrg) -> Any:
    return client("config", org.management_account, org.spec.aggregator_region)


def pages(config: Any, operation: str, key: str, limit: int, **kwargs: Any) -> Iterator[list[Any]]:
    token = None
    while True:
        extra = {"NextToken": token} if token else {}
        response = getattr(config, operation)(Limit=limit, **kwargs, **extra)
        yield response[key]
        token = response.get("NextToken")
        if not token:
            return


def untimed(row: Any) -> Any:
    """The row without the timestamps that say when it was read."""
    if isinstance(row, dict):
        return {
            k: untimed(v) for k, v in row.items() if k not in ("LastUpdateTime", "ComplianceSummaryTimestamp")
        }
    return row


def everything(config: Any, operation: str, key: str, limit: int, **kwargs: Any) -> list[Any]:
    return [row for page in pages(config, operation, key, limit, **kwargs) for row in page]


def test_compliance_by_rule_matches_the_seed(org: SeededOrg, config: Any) -> None:
    truth: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for e in org.evaluations:
        truth[(e.account_id, e.region, e.rule_name)][e.compliance_type] += 1
    rows = everything(
        config,
        "describe_aggregate_compliance_by_config_rules",
        "AggregateComplianceByConfigRules",
        1000,
        ConfigurationAggregatorName=org.aggregator_name,
    )
    seen = {}
    for row in rows:
        key = (row["AccountId"], row["AwsRegion"], row["ConfigRuleName"])
        counts = truth[key]
        expected = (
            "NON_COMPLIANT"
            if counts["NON_COMPLIANT"]
            else "COMPLIANT"
            if counts["COMPLIANT"]
            else "INSUFFICIENT_DATA"
        )
        assert row["Compliance"]["ComplianceType"] == expected, key
        if expected == "NON_COMPLIANT":
            assert row["Compliance"]["ComplianceContributorCount"]["CappedCount"] == counts["NON_COMPLIANT"]
        seen[key] = expected
    assert {k for k, c in truth.items() if c} <= set(seen)


def test_details_match_the_seed_for_every_source_and_rule(org: SeededOrg, config: Any) -> None:
    truth: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for e in org.evaluations:
        if e.compliance_type == "NON_COMPLIANT":
            truth[(e.account_id, e.region, e.rule_name)].add(e.resource_id)
    assert truth, "the seed has non-compliant resources"
    for (account, region, rule), expected in truth.items():
        found = everything(
            config,
            "get_aggregate_compliance_details_by_config_rule",
            "AggregateEvaluationResults",
            3,
            ConfigurationAggregatorName=org.aggregator_name,
            ConfigRuleName=rule,
            AccountId=account,
            AwsRegion=region,
            ComplianceType="NON_COMPLIANT",
        )
        ids = [r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for r in found]
        assert sorted(ids) == sorted(expected), (account, region, rule)


def test_rule_summary_by_account_matches_the_seed(org: SeededOrg, config: Any) -> None:
    per_rule: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for e in org.evaluations:
        per_rule[(e.account_id, e.region, e.rule_name)].add(e.compliance_type)
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (account, _, _), kinds in per_rule.items():
        if "NON_COMPLIANT" in kinds:
            expected[account][1] += 1
        elif "COMPLIANT" in kinds:
            expected[account][0] += 1
    groups = config.get_aggregate_config_rule_compliance_summary(
        ConfigurationAggregatorName=org.aggregator_name, GroupByKey="ACCOUNT_ID"
    )["AggregateComplianceCounts"]
    assert {
        g["GroupName"]: [
            g["ComplianceSummary"]["CompliantResourceCount"]["CappedCount"],
            g["ComplianceSummary"]["NonCompliantResourceCount"]["CappedCount"],
        ]
        for g in groups
    } == dict(expected)


def test_resource_counts_match_the_seed(org: SeededOrg, config: Any) -> None:
    expected = Counter(r.resource_type for r in org.resources)
    # moto's IAM: the seeded read role and aggregator role, and one access role per member.
    expected["AWS::IAM::Role"] = 2 + len(org.accounts) - 1
    groups = everything(
        config,
        "get_aggregate_discovered_resource_counts",
        "GroupedResourceCounts",
        2,
        ConfigurationAggregatorName=org.aggregator_name,
        GroupByKey="RESOURCE_TYPE",
    )
    assert {g["GroupName"]: g["ResourceCount"] for g in groups} == dict(expected)


def test_org_rules_and_pack_rules_use_member_naming(org: SeededOrg, config: Any) -> None:
    rule_names = {e.rule_name for e in org.evaluations}
    for logical in ORG_RULES:
        assert org.org_rule_names[logical].startswith(f"OrgConfigRule-{logical}-")
    assert any("-conformance-pack-" in name for name in rule_names)
    described = config.describe_organization_config_rules()["OrganizationConfigRules"]
    assert sorted(r["OrganizationConfigRuleName"] for r in described) == sorted(ORG_RULES)


def test_advanced_query_compliance_rows_match_the_seed(org: SeededOrg, config: Any) -> None:
    rule = org.org_rule_names["s3-bucket-server-side-encryption-enabled"]
    expected = {
        (e.account_id, e.region, e.resource_id)
        for e in org.evaluations
        if e.rule_name == rule and e.compliance_type == "NON_COMPLIANT"
    }
    rows = everything(
        config,
        "select_aggregate_resource_config",
        "Results",
        7,
        ConfigurationAggregatorName=org.aggregator_name,
        Expression=(
            "SELECT accountId, awsRegion, configuration.targetResourceId, "
            "configuration.configRuleList "
            "WHERE resourceType = 'AWS::Config::ResourceCompliance' "
            f"AND configuration.configRuleList.configRuleName = '{rule}' "
            "AND configuration.configRuleList.complianceType = 'NON_COMPLIANT'"
        ),
    )
    found = set()
    for text in rows:
        row = json.loads(text)
        # Array conditions match element by element independently: re-filter on the client.
        if any(
            r["configRuleName"] == rule and r["complianceType"] == "NON_COMPLIANT"
            for r in row["configuration"]["configRuleList"]
        ):
            found.add((row["accountId"], row["awsRegion"], row["configuration"]["targetResourceId"]))
    assert found == expected and expected


def test_generator_seeds_failed_and_outdated_sources(org: SeededOrg, config: Any) -> None:
    rows = config.describe_configuration_aggregator_sources_status(
        ConfigurationAggregatorName=org.aggregator_name, UpdateStatus=["FAILED", "OUTDATED"]
    )["AggregatedSourceStatusList"]
    assert sorted(r["LastUpdateStatus"] for r in rows) == ["FAILED", "OUTDATED"]
    failed = next(r for r in rows if r["LastUpdateStatus"] == "FAILED")
    assert failed["LastErrorCode"] and (failed["SourceId"], failed["AwsRegion"]) in org.statuses


def test_generator_is_deterministic_by_seed(moto: None) -> None:
    from moto.core.base_backend import BackendDict

    first = generate(SPEC)
    snapshot = [(e.rule_name, e.resource_id, e.compliance_type) for e in first.evaluations]
    BackendDict.reset()
    second = generate(SPEC)
    assert [(e.rule_name, e.resource_id, e.compliance_type) for e in second.evaluations] == snapshot
    assert second.accounts == first.accounts


def test_non_compliance_rate_is_tunable(moto: None) -> None:
    from moto.core.base_backend import BackendDict

    def share(rate: float) -> float:
        BackendDict.reset()
        org = generate(OrgSpec(seed=3, accounts=4, regions=("us-east-1",), non_compliance=rate))
        return sum(e.compliance_type == "NON_COMPLIANT" for e in org.evaluations) / len(org.evaluations)

    assert share(0.0) < share(0.5) < share(1.0)
    assert share(1.0) > 0.9


# --- every page boundary --------------------------------------------------------------------

PAGINATED: list[tuple[str, str, dict[str, Any]]] = [
    (
        "describe_aggregate_compliance_by_config_rules",
        "AggregateComplianceByConfigRules",
        {"Filters": {"ComplianceType": "NON_COMPLIANT"}},
    ),
    (
        "get_aggregate_config_rule_compliance_summary",
        "AggregateComplianceCounts",
        {"GroupByKey": "ACCOUNT_ID"},
    ),
    (
        "get_aggregate_discovered_resource_counts",
        "GroupedResourceCounts",
        {"GroupByKey": "ACCOUNT_ID"},
    ),
    (
        "list_aggregate_discovered_resources",
        "ResourceIdentifiers",
        {"ResourceType": "AWS::EC2::Volume"},
    ),
    ("describe_configuration_aggregator_sources_status", "AggregatedSourceStatusList", {}),
    (
        "select_aggregate_resource_config",
        "Results",
        {"Expression": "SELECT resourceId, accountId WHERE resourceType = 'AWS::EC2::Instance'"},
    ),
    (
        "describe_aggregate_compliance_by_conformance_packs",
        "AggregateComplianceByConformancePacks",
        {},
    ),
    (
        "get_aggregate_conformance_pack_compliance_summary",
        "AggregateConformancePackComplianceSummaries",
        {"GroupByKey": "AWS_REGION"},
    ),
]


@pytest.mark.parametrize(("operation", "key", "kwargs"), PAGINATED, ids=[p[0] for p in PAGINATED])
def test_every_page_size_gives_the_same_rows(
    org: SeededOrg, config: Any, operation: str, key: str, kwargs: dict[str, Any]
) -> None:
    whole = [
        untimed(r)
        for r in everything(
            config, operation, key, 100, ConfigurationAggregatorName=org.aggregator_name, **kwargs
        )
    ]
    assert len(whole) > 1
    for size in sorted({1, 2, 3, len(whole) - 1, len(whole), len(whole) + 1} - {0}):
        chunks = list(
            pages(
                config,
                operation,
                key,
                size,
                ConfigurationAggregatorName=org.aggregator_name,
                **kwargs,
            )
        )
        assert [untimed(row) for chunk in chunks for row in chunk] == whole, size
        assert all(len(chunk) == size for chunk in chunks[:-1])
        assert len(chunks) == -(-len(whole) // size)


@pytest.mark.parametrize(("operation", "key", "kwargs"), PAGINATED, ids=[p[0] for p in PAGINATED])
def test_tokens_are_bound_to_their_query(
    org: SeededOrg, config: Any, operation: str, key: str, kwargs: dict[str, Any]
) -> None:
    first = getattr(config, operation)(ConfigurationAggregatorName=org.aggregator_name, Limit=1, **kwargs)
    token = first["NextToken"]
    with pytest.raises(ClientError) as raised:
        getattr(config, operation)(
            ConfigurationAggregatorName=org.aggregator_name, NextToken="garbage!", **kwargs
        )
    assert error_code(raised.value) == "InvalidNextTokenException"
    other = (
        "describe_aggregate_compliance_by_config_rules"
        if operation != ("describe_aggregate_compliance_by_config_rules")
        else "describe_aggregate_compliance_by_conformance_packs"
    )
    with pytest.raises(ClientError) as raised:
        getattr(config, other)(ConfigurationAggregatorName=org.aggregator_name, NextToken=token)
    assert error_code(raised.value) == "InvalidNextTokenException"


@pytest.mark.parametrize(
    ("operation", "key", "kwargs", "maximum"),
    [
        (*PAGINATED[0], 1000),
        (*PAGINATED[1], 1000),
        (*PAGINATED[2], 1000),
        (*PAGINATED[3], 100),
        (*PAGINATED[4], 100),
        (*PAGINATED[5], 100),
        (*PAGINATED[6], 100),
        (*PAGINATED[7], 100),
    ],
    ids=[p[0] for p in PAGINATED],
)
def test_limit_maxima(
    org: SeededOrg, config: Any, operation: str, key: str, kwargs: dict[str, Any], maximum: int
) -> None:
    getattr(config, operation)(ConfigurationAggregatorName=org.aggregator_name, Limit=maximum, **kwargs)
    with pytest.raises(ClientError) as raised:
        getattr(config, operation)(
            ConfigurationAggregatorName=org.aggregator_name, Limit=maximum + 1, **kwargs
        )
    assert error_code(raised.value) == "InvalidLimitException"


def test_organization_config_rules_page(org: SeededOrg, config: Any) -> None:
    names = [
        r["OrganizationConfigRuleName"]
        for r in everything(config, "describe_organization_config_rules", "OrganizationConfigRules", 4)
    ]
    assert names == sorted(ORG_RULES)


def test_queries_that_pin_accounts_regions_or_types_read_only_what_can_match(
    org: SeededOrg, config: Any
) -> None:
    """The simulator skips sources and document kinds a query's WHERE excludes; the rows are the
    ones every document would give, global resources (recorded in us-east-1) included."""
    from simulator import operations, sql
    from simulator.sources import get_aggregator

    aggregator = get_aggregator(org.management_account, org.spec.aggregator_region, org.aggregator_name)
    every = list(operations.query_documents(aggregator))
    member, management = org.accounts[1], org.management_account
    wheres = [
        "awsRegion = 'global'",
        f"accountId = '{member}' AND resourceType = 'AWS::Config::ResourceCompliance'",
        "resourceType IN ('AWS::S3::Bucket', 'AWS::Config::ConformancePackCompliance')",
        f"accountId = '{member}' OR awsRegion = 'eu-west-1'",
        f"awsRegion IN ('eu-west-1', 'global') AND accountId = '{management}'",
        "resourceType = 'AWS::IAM::Role' AND awsRegion = 'global'",
    ]
    for where in wheres:
        expression = f"SELECT accountId, awsRegion, resourceType, resourceId WHERE {where}"
        expected = [json.dumps(r, separators=(",", ":")) for r in sql.run(sql.parse(expression), every)]
        found = everything(
            config,
            "select_aggregate_resource_config",
            "Results",
            100,
            ConfigurationAggregatorName=org.aggregator_name,
            Expression=expression,
        )
        assert found == expected, where
        assert found, where  # each one selects something in this organization
