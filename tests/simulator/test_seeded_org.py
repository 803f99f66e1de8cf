"""Answers on a generated organization against a brute-force oracle of what was seeded, and
every page boundary of every paginated operation."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.orggen import CUSTOM_ORG_RULE, IAM_RULE, ORG_RULES, OrgSpec, SeededOrg, generate
from tests.simulator.helpers import client, error_code, record

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
    # Besides each account's seeded role, moto's IAM: the seeded read role and aggregator role,
    # and one access role per member.
    expected["AWS::IAM::Role"] += 2 + len(org.accounts) - 1
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
    for logical in (*ORG_RULES, CUSTOM_ORG_RULE):
        assert org.org_rule_names[logical].startswith(f"OrgConfigRule-{logical}-")
    assert any("-conformance-pack-" in name for name in rule_names)
    described = config.describe_organization_config_rules()["OrganizationConfigRules"]
    assert sorted(r["OrganizationConfigRuleName"] for r in described) == sorted((*ORG_RULES, CUSTOM_ORG_RULE))


def test_advanced_query_compliance_rows_match_the_seed(org: SeededOrg, config: Any) -> None:
    rule = org.org_rule_names["s3-bucket-server-side-encryption-enabled"]
    every = {
        (e.account_id, e.region, e.resource_id)
        for e in org.evaluations
        if e.rule_name == rule and e.compliance_type == "NON_COMPLIANT"
    }
    # An account whose recorder excludes compliance items has none to query.
    expected = {key for key in every if key[0] not in org.accounts_without_compliance_items}
    assert every - expected, "the account without compliance items has such evaluations"
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
    assert second.accounts_without_compliance_items == first.accounts_without_compliance_items


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
        filled = [chunk for chunk in chunks if chunk]  # AWS may answer empty pages in between
        assert all(len(chunk) == size for chunk in filled[:-1])
        assert len(filled) == -(-len(whole) // size)


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
    assert names == sorted((*ORG_RULES, CUSTOM_ORG_RULE))


def test_queries_that_pin_accounts_regions_or_types_read_only_what_can_match(
    org: SeededOrg, config: Any
) -> None:
    """The simulator skips sources and document kinds a query's WHERE excludes; the rows are the
    ones every document would give, global resources (recorded in us-east-1) included."""
    from simulator import operations
    from simulator.sources import get_aggregator
    from simulator.sql import evaluator, parser

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
        expected = [
            json.dumps(r, separators=(",", ":")) for r in evaluator.run(parser.parse(expression), every)
        ]
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


# --- what makes a generated organization as untidy as a real one ------------------------------

ROLE_ID = re.compile(r"AROA[A-Z0-9]{17}")


def test_copies_of_a_rule_repeat_its_verdicts(org: SeededOrg, config: Any) -> None:
    """Pack copies of organization rules and Security Hub's rules conclude what the organization
    rule does, so one resource is NON_COMPLIANT under several physical rules of one logical rule."""
    verdicts: dict[tuple[str, str, str, str], dict[str, str]] = defaultdict(dict)
    for e in org.evaluations:
        verdicts[(e.account_id, e.region, e.logical_rule, e.resource_id)][e.rule_name] = e.compliance_type
    assert all(len(set(by_rule.values())) == 1 for by_rule in verdicts.values())
    names = {e.rule_name: e.logical_rule for e in org.evaluations}
    copies = {
        n
        for n in names
        if re.fullmatch(
            r"(s3-bucket-server-side-encryption-enabled|restricted-ssh)"
            r"-conformance-pack-[0-9a-f]{8}",
            n,
        )
    }
    hub = {n for n in names if n.startswith("securityhub-")}
    assert copies and hub
    for name in hub:
        assert re.fullmatch(
            r"securityhub-(s3-bucket-server-side-encryption-enabled|restricted-ssh)-[0-9a-f]{8}", name
        )
        assert name == f"securityhub-{names[name]}-{name[-8:]}"
    for name in copies:
        assert name.startswith(names[name] + "-conformance-pack-")
    flagged_twice = [
        key
        for key, by_rule in verdicts.items()
        if len(by_rule) > 1 and set(by_rule.values()) == {"NON_COMPLIANT"}
    ]
    assert flagged_twice
    # Security Hub's rules are service-linked, as AWS marks them.
    hub_rule = next(e for e in org.evaluations if e.rule_name.startswith("securityhub-"))
    [described] = client("config", hub_rule.account_id, hub_rule.region).describe_config_rules(
        ConfigRuleNames=[hub_rule.rule_name]
    )["ConfigRules"]
    assert described["CreatedBy"] == "securityhub.amazonaws.com"
    # The pack holds its copies: its compliance item lists them.
    copy = next(e for e in org.evaluations if e.rule_name in copies)
    packs = everything(
        config,
        "select_aggregate_resource_config",
        "Results",
        100,
        ConfigurationAggregatorName=org.aggregator_name,
        Expression="SELECT configuration.configRuleList WHERE resourceType = "
        f"'AWS::Config::ConformancePackCompliance' AND accountId = '{copy.account_id}' "
        f"AND awsRegion = '{copy.region}'",
    )
    if copy.account_id not in org.accounts_without_compliance_items:
        [pack] = packs
        assert copy.rule_name in {
            r["configRuleName"] for r in json.loads(pack)["configuration"]["configRuleList"]
        }


def test_a_rule_whose_name_extends_another_is_another_rule(org: SeededOrg, config: Any) -> None:
    periodic = org.org_rule_names[CUSTOM_ORG_RULE]
    assert re.fullmatch(r"OrgConfigRule-restricted-ssh-periodic-[0-9a-f]{8}", periodic)
    assert periodic.startswith("OrgConfigRule-restricted-ssh-")  # what a prefix match claims wrongly
    mine = {(e.account_id, e.region, e.resource_id): e for e in org.evaluations if e.rule_name == periodic}
    assert mine and {e.logical_rule for e in mine.values()} == {CUSTOM_ORG_RULE}
    assert {e.resource_type for e in mine.values()} == {"AWS::EC2::SecurityGroup"}
    ssh = {
        (e.account_id, e.region, e.resource_id): e.compliance_type
        for e in org.evaluations
        if e.rule_name == org.org_rule_names["restricted-ssh"]
    }
    assert set(ssh) == set(mine)
    assert any(ssh[key] != e.compliance_type for key, e in mine.items())  # its own verdicts
    member = next(a for a in org.accounts if a != org.management_account)
    [rule] = client("config", member).describe_config_rules(ConfigRuleNames=[periodic])["ConfigRules"]
    assert rule["Source"]["Owner"] == "CUSTOM_LAMBDA"
    assert rule["Source"]["SourceIdentifier"].endswith(f":function:{CUSTOM_ORG_RULE}")
    assert rule["CreatedBy"] == "config-multiaccountsetup.amazonaws.com"
    [described] = config.describe_organization_config_rules(OrganizationConfigRuleNames=[CUSTOM_ORG_RULE])[
        "OrganizationConfigRules"
    ]
    assert "OrganizationManagedRuleMetadata" not in described
    assert described["OrganizationCustomRuleMetadata"]["ResourceTypesScope"] == ["AWS::EC2::SecurityGroup"]


def test_each_account_has_a_role_evaluated_in_its_home_region(org: SeededOrg, config: Any) -> None:
    roles = {r.account_id: r for r in org.resources if r.resource_type == "AWS::IAM::Role"}
    assert sorted(roles) == sorted(org.accounts)
    for role in roles.values():
        assert role.region == "global" and ROLE_ID.fullmatch(role.resource_id)
        assert role.resource_name and role.resource_name.endswith("-deployer")
    evaluations = [e for e in org.evaluations if e.resource_type == "AWS::IAM::Role"]
    assert {e.region for e in evaluations} == {"us-east-1"}  # regional, where the rule runs
    assert {e.logical_rule for e in evaluations} == {IAM_RULE}
    assert {e.resource_id for e in evaluations} == {r.resource_id for r in roles.values()}
    bad = next(e for e in evaluations if e.compliance_type == "NON_COMPLIANT")
    # Over the API: discovered as global, by its id; its compliance in the home region.
    listed = everything(
        config,
        "list_aggregate_discovered_resources",
        "ResourceIdentifiers",
        100,
        ConfigurationAggregatorName=org.aggregator_name,
        ResourceType="AWS::IAM::Role",
    )
    seeded = [r for r in listed if r["ResourceId"] == roles[bad.account_id].resource_id]
    assert [(r["SourceRegion"], r["ResourceName"]) for r in seeded] == [
        ("global", roles[bad.account_id].resource_name)
    ]
    item = config.get_aggregate_resource_config(
        ConfigurationAggregatorName=org.aggregator_name, ResourceIdentifier=seeded[0]
    )["ConfigurationItem"]
    assert item["awsRegion"] == "global" and item["resourceId"] == bad.resource_id
    details = config.get_aggregate_compliance_details_by_config_rule(
        ConfigurationAggregatorName=org.aggregator_name,
        ConfigRuleName=bad.rule_name,
        AccountId=bad.account_id,
        AwsRegion="us-east-1",
        ComplianceType="NON_COMPLIANT",
    )["AggregateEvaluationResults"]
    assert bad.resource_id in {
        d["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for d in details
    }
    items = everything(
        config,
        "select_aggregate_resource_config",
        "Results",
        100,
        ConfigurationAggregatorName=org.aggregator_name,
        Expression="SELECT accountId, awsRegion WHERE resourceType = 'AWS::Config::ResourceCompliance' "
        "AND configuration.targetResourceType = 'AWS::IAM::Role'",
    )
    recording = set(org.accounts) - set(org.accounts_without_compliance_items)
    assert sorted(json.loads(i)["accountId"] for i in items) == sorted(recording)
    assert {json.loads(i)["awsRegion"] for i in items} == {"us-east-1"}


def test_every_source_records_and_some_accounts_not_their_compliance_items(
    org: SeededOrg, config: Any
) -> None:
    [quiet] = org.accounts_without_compliance_items
    assert quiet != org.management_account
    for region in org.spec.regions:
        [recorder] = client("config", quiet, region).describe_configuration_recorders()[
            "ConfigurationRecorders"
        ]
        group = recorder["recordingGroup"]
        assert group["recordingStrategy"] == {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}
        assert "AWS::Config::ResourceCompliance" in group["exclusionByResourceTypes"]["resourceTypes"]
    [recorder] = client("config", org.management_account, "eu-west-1").describe_configuration_recorders()[
        "ConfigurationRecorders"
    ]
    assert (
        recorder["recordingGroup"]["allSupported"]
        and not recorder["recordingGroup"]["includeGlobalResourceTypes"]
    )

    def accounts(expression: str) -> set[str]:
        rows = everything(
            config,
            "select_aggregate_resource_config",
            "Results",
            100,
            ConfigurationAggregatorName=org.aggregator_name,
            Expression=expression,
        )
        return {json.loads(r)["accountId"] for r in rows}

    everyone = set(org.accounts)
    assert accounts("SELECT accountId WHERE resourceType = 'AWS::Config::ResourceCompliance'") == everyone - {
        quiet
    }
    assert accounts("SELECT accountId WHERE resourceType = 'AWS::EC2::Volume'") == everyone
    assert (
        accounts("SELECT accountId WHERE resourceType = 'AWS::Config::ConformancePackCompliance'") == everyone
    )
    # Its evaluations are there for the compliance APIs all the same.
    by_rule = everything(
        config,
        "describe_aggregate_compliance_by_config_rules",
        "AggregateComplianceByConfigRules",
        1000,
        ConfigurationAggregatorName=org.aggregator_name,
        Filters={"AccountId": quiet},
    )
    assert {r["ConfigRuleName"] for r in by_rule} == {
        e.rule_name
        for e in org.evaluations
        if e.account_id == quiet and e.compliance_type != "NOT_APPLICABLE"
    }


def test_a_recorder_that_excludes_pack_compliance_hides_only_pack_items(org: SeededOrg, config: Any) -> None:
    member = next(
        a for a in org.accounts if a not in (org.management_account, *org.accounts_without_compliance_items)
    )
    record(
        member,
        "eu-west-1",
        allSupported=False,
        exclusionByResourceTypes={"resourceTypes": ["AWS::Config::ConformancePackCompliance"]},
        recordingStrategy={"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
    )

    def kinds(resource_type: str) -> set[str]:
        rows = everything(
            config,
            "select_aggregate_resource_config",
            "Results",
            100,
            ConfigurationAggregatorName=org.aggregator_name,
            Expression=f"SELECT awsRegion WHERE resourceType = '{resource_type}' AND accountId = '{member}'",
        )
        return {json.loads(r)["awsRegion"] for r in rows}

    assert kinds("AWS::Config::ConformancePackCompliance") == {"us-east-1"}
    assert kinds("AWS::Config::ResourceCompliance") == {"us-east-1", "eu-west-1"}
    packs = config.describe_aggregate_compliance_by_conformance_packs(
        ConfigurationAggregatorName=org.aggregator_name, Filters={"AccountId": member}
    )["AggregateComplianceByConformancePacks"]
    assert {p["AwsRegion"] for p in packs} == {"us-east-1", "eu-west-1"}


def test_an_organization_without_us_east_1_records_global_resources_in_its_first_region(moto: None) -> None:
    from simulator import operations
    from simulator.sources import get_aggregator
    from simulator.sql import evaluator, parser

    org = generate(
        OrgSpec(seed=2, accounts=3, regions=("eu-west-1", "ap-southeast-2"), aggregator_region="eu-west-1")
    )
    config = client("config", org.management_account, "eu-west-1")
    roles = [r for r in org.resources if r.resource_type == "AWS::IAM::Role"]
    assert len(roles) == 3
    assert {e.region for e in org.evaluations if e.resource_type == "AWS::IAM::Role"} == {"eu-west-1"}
    identifier = {
        "SourceAccountId": roles[0].account_id,
        "SourceRegion": "global",
        "ResourceId": roles[0].resource_id,
        "ResourceType": "AWS::IAM::Role",
    }
    item = config.get_aggregate_resource_config(
        ConfigurationAggregatorName=org.aggregator_name, ResourceIdentifier=identifier
    )["ConfigurationItem"]
    assert item["resourceName"] == roles[0].resource_name
    aggregator = get_aggregator(org.management_account, "eu-west-1", org.aggregator_name)
    expression = "SELECT accountId, resourceId WHERE awsRegion = 'global'"
    every = evaluator.run(parser.parse(expression), operations.query_documents(aggregator))
    found = config.select_aggregate_resource_config(
        ConfigurationAggregatorName=org.aggregator_name, Expression=expression
    )["Results"]
    assert [json.loads(r) for r in found] == every
    assert sorted(r["resourceId"] for r in every) == sorted(r.resource_id for r in roles)
