"""Pages and counts as AWS gives them: five operations may answer an empty page that still carries
a NextToken (always under a fault mode, at a seeded rate in generated organizations), and counts
are capped where the organization says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core.base_backend import BackendDict

from simulator.faults import FAULTS
from simulator.orggen import OrgSpec, SeededOrg, configure_aggregator_owner, generate
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

# Page shapes are asserted exactly here, so this organization meets empty pages only when a test
# asks for them.
SPEC = OrgSpec(
    seed=4,
    accounts=5,
    regions=("us-east-1", "eu-west-1"),
    resources_per_region=10,
    non_compliance=0.3,
    empty_page_rate=0.0,
)


@pytest.fixture
def org(moto: None) -> Iterator[SeededOrg]:
    yield generate(SPEC)
    FAULTS.clear()


def reader(org: SeededOrg) -> Any:
    return client("config", org.management_account, org.spec.aggregator_region)


def five(org: SeededOrg) -> list[tuple[str, str, dict[str, Any]]]:
    """The operations that may answer empty pages, each with a request that has several rows."""
    per_rule = Counter((e.account_id, e.region, e.rule_name) for e in org.evaluations)
    account, region, rule = per_rule.most_common(1)[0][0]
    return [
        ("describe_aggregate_compliance_by_config_rules", "AggregateComplianceByConfigRules", {}),
        (
            "get_aggregate_compliance_details_by_config_rule",
            "AggregateEvaluationResults",
            {"ConfigRuleName": rule, "AccountId": account, "AwsRegion": region},
        ),
        (
            "get_aggregate_config_rule_compliance_summary",
            "AggregateComplianceCounts",
            {"GroupByKey": "ACCOUNT_ID"},
        ),
        ("describe_aggregate_compliance_by_conformance_packs", "AggregateComplianceByConformancePacks", {}),
        (
            "get_aggregate_conformance_pack_compliance_summary",
            "AggregateConformancePackComplianceSummaries",
            {"GroupByKey": "AWS_REGION"},
        ),
    ]


FIVE = [
    "describe_aggregate_compliance_by_config_rules",
    "get_aggregate_compliance_details_by_config_rule",
    "get_aggregate_config_rule_compliance_summary",
    "describe_aggregate_compliance_by_conformance_packs",
    "get_aggregate_conformance_pack_compliance_summary",
]


def walk(config: Any, operation: str, key: str, limit: int, **kwargs: Any) -> list[tuple[list[Any], bool]]:
    """Every page, following NextToken (past empty pages too): (rows, whether it had a token)."""
    pages, token = [], None
    while True:
        extra = {"NextToken": token} if token else {}
        response = getattr(config, operation)(Limit=limit, **kwargs, **extra)
        token = response.get("NextToken")
        pages.append((response[key], bool(token)))
        assert len(pages) < 1000, "the pages never end"
        if not token:
            return pages


def untimed(rows: list[Any]) -> list[Any]:
    return [
        {k: v for k, v in r.items() if k != "ComplianceSummary"}
        | (
            {"ComplianceSummary": {k: v for k, v in r["ComplianceSummary"].items() if "Timestamp" not in k}}
            if "ComplianceSummary" in r
            else {}
        )
        for r in rows
    ]


def rows_of(pages: list[tuple[list[Any], bool]]) -> list[Any]:
    return untimed([row for rows, _ in pages for row in rows])


@pytest.mark.parametrize("index", range(5), ids=FIVE)
def test_the_fault_mode_puts_an_empty_page_before_every_page(org: SeededOrg, index: int) -> None:
    operation, key, kwargs = five(org)[index]
    config = reader(org)
    name = {"ConfigurationAggregatorName": org.aggregator_name}
    plain = walk(config, operation, key, 1, **name, **kwargs)
    assert all(rows for rows, _ in plain) and len(plain) > 1
    FAULTS.empty_pages = "always"
    faulty = walk(config, operation, key, 1, **name, **kwargs)
    assert rows_of(faulty) == rows_of(plain)
    # empty (token), rows (token), ... empty (token), last rows (token), empty (no token)
    assert len(faulty) == 2 * len(plain) + 1
    assert faulty[0] == ([], True) and faulty[-1] == ([], False)
    assert all(rows == [] and token for rows, token in faulty[:-1:2])
    assert all(rows and token for rows, token in faulty[1::2])
    FAULTS.clear()
    assert walk(config, operation, key, 1, **name, **kwargs)[0][0]


def test_the_fault_mode_leaves_the_other_operations_alone(org: SeededOrg) -> None:
    FAULTS.empty_pages = "always"
    config = reader(org)
    first = config.list_aggregate_discovered_resources(
        ConfigurationAggregatorName=org.aggregator_name, ResourceType="AWS::EC2::Volume", Limit=2
    )
    assert first["ResourceIdentifiers"] and first["NextToken"]
    status = config.describe_configuration_aggregator_sources_status(
        ConfigurationAggregatorName=org.aggregator_name
    )
    assert status["AggregatedSourceStatusList"]


def test_an_empty_pages_token_is_bound_to_its_query(org: SeededOrg) -> None:
    FAULTS.empty_pages = "always"
    config = reader(org)
    first = config.describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=org.aggregator_name
    )
    assert first["AggregateComplianceByConfigRules"] == [] and first["NextToken"]
    with pytest.raises(ClientError) as raised:
        config.get_aggregate_config_rule_compliance_summary(
            ConfigurationAggregatorName=org.aggregator_name, NextToken=first["NextToken"]
        )
    assert error_code(raised.value) == "InvalidNextTokenException"


def shapes(org: SeededOrg, limit: int) -> dict[str, list[tuple[int, bool]]]:
    config = reader(org)
    return {
        operation: [
            (len(rows), token)
            for rows, token in walk(
                config, operation, key, limit, ConfigurationAggregatorName=org.aggregator_name, **kw
            )
        ]
        for operation, key, kw in five(org)
    }


def test_a_generated_organization_meets_empty_pages_at_its_seeded_rate(moto: None) -> None:
    org = generate(OrgSpec(**{**SPEC.__dict__, "empty_page_rate": 0.4}))
    config = reader(org)
    empties = finals = 0
    for operation, key, kwargs in five(org):
        name = {"ConfigurationAggregatorName": org.aggregator_name}
        whole = rows_of(walk(config, operation, key, 100, **name, **kwargs))
        assert whole
        for limit in (1, 2, 3):
            pages = walk(config, operation, key, limit, **name, **kwargs)
            assert rows_of(pages) == whole, (operation, limit)
            full = [rows for rows, _ in pages if rows][:-1]  # all but the last rows are whole pages
            assert all(len(rows) == limit for rows in full)
            empties += sum(not rows and token for rows, token in pages)
            finals += not pages[-1][0] and len(pages) > 1 and bool(pages[-2][0])
    assert empties and finals  # empty pages in the middle, and after the last rows
    again = shapes(org, 2)
    assert shapes(org, 2) == again  # the same query meets the same empty pages
    BackendDict.reset()
    assert shapes(generate(OrgSpec(**{**SPEC.__dict__, "empty_page_rate": 0.4})), 2) == again  # by seed


def test_an_organization_at_rate_zero_has_no_empty_pages(org: SeededOrg) -> None:
    for pages in shapes(org, 1).values():
        assert all(count == 1 for count, _ in pages)


def test_generated_organizations_meet_empty_pages_unless_told_otherwise(moto: None) -> None:
    spec = OrgSpec(**{**SPEC.__dict__, "empty_page_rate": OrgSpec().empty_page_rate})
    assert spec.empty_page_rate > 0
    pages = shapes(generate(spec), 1).values()
    assert any(count == 0 and token for shape in pages for count, token in shape)


# --- caps -------------------------------------------------------------------------------------


def test_the_contributor_cap_is_set_per_organization(moto: None) -> None:
    org = generate(
        OrgSpec(**{**SPEC.__dict__, "resources_per_region": 10, "non_compliance": 0.5, "contributor_cap": 1})
    )
    truth: Counter[tuple[str, str, str]] = Counter(
        (e.account_id, e.region, e.rule_name) for e in org.evaluations if e.compliance_type == "NON_COMPLIANT"
    )
    rows = reader(org).describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=org.aggregator_name, Filters={"ComplianceType": "NON_COMPLIANT"}
    )["AggregateComplianceByConfigRules"]
    counts = {
        (r["AccountId"], r["AwsRegion"], r["ConfigRuleName"]): r["Compliance"]["ComplianceContributorCount"]
        for r in rows
    }
    assert any(n > 1 for n in truth.values())
    assert set(counts) == set(truth)
    for key, count in counts.items():
        assert count == {"CappedCount": 1, "CapExceeded": truth[key] > 1}, key


def summary_counts(org: SeededOrg) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    groups = reader(org).get_aggregate_config_rule_compliance_summary(
        ConfigurationAggregatorName=org.aggregator_name, GroupByKey="ACCOUNT_ID"
    )["AggregateComplianceCounts"]
    return {
        g["GroupName"]: (
            g["ComplianceSummary"]["CompliantResourceCount"],
            g["ComplianceSummary"]["NonCompliantResourceCount"],
        )
        for g in groups
    }


def test_the_rule_summary_is_uncapped_unless_the_organization_caps_it(moto: None) -> None:
    uncapped = summary_counts(generate(SPEC))
    assert all(not c["CapExceeded"] and not n["CapExceeded"] for c, n in uncapped.values())
    assert any(n["CappedCount"] > 3 for _, n in uncapped.values())
    BackendDict.reset()
    capped = summary_counts(generate(OrgSpec(**{**SPEC.__dict__, "rule_summary_cap": 3})))
    for account, (compliant, non_compliant) in uncapped.items():
        for before, after in ((compliant, capped[account][0]), (non_compliant, capped[account][1])):
            exact = before["CappedCount"]
            assert after == {"CappedCount": min(exact, 3), "CapExceeded": exact > 3}


def test_a_hand_made_world_sets_its_caps_too(moto: None) -> None:
    account_world()
    put_rule(client("config", MEMBER_A), "s3-encryption")
    evaluate(client("config", MEMBER_A), "s3-encryption", {"a": "NON_COMPLIANT", "b": "NON_COMPLIANT"})
    configure_aggregator_owner(AGGREGATOR_ACCOUNT, REGION, contributor_cap=1)
    rows = client("config", AGGREGATOR_ACCOUNT).describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName="accounts"
    )["AggregateComplianceByConfigRules"]
    assert [r["Compliance"]["ComplianceContributorCount"] for r in rows] == [
        {"CappedCount": 1, "CapExceeded": True}
    ]


def test_a_hand_made_world_meets_empty_pages_at_its_rate(moto: None) -> None:
    account_world()
    for index in range(6):
        put_rule(client("config", MEMBER_A), f"rule-{index}")
        evaluate(client("config", MEMBER_A), f"rule-{index}", {"a": "NON_COMPLIANT"})
    configure_aggregator_owner(AGGREGATOR_ACCOUNT, REGION, empty_page_rate=0.5, empty_page_seed=3)
    pages = walk(
        client("config", AGGREGATOR_ACCOUNT),
        "describe_aggregate_compliance_by_config_rules",
        "AggregateComplianceByConfigRules",
        1,
        ConfigurationAggregatorName="accounts",
    )
    assert sorted(r["ConfigRuleName"] for r in rows_of(pages)) == [f"rule-{i}" for i in range(6)]
    assert any(not rows and token for rows, token in pages)
