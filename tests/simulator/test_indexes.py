"""The aggregator view's indexes (simulator/views.py) against what a walk over every document gives,
after changes too, and the seeded rules moto makes only when read (simulator/tracking.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from simulator.orggen import OrgSpec, SeededOrg, generate
from tests.simulator.helpers import client

SPEC = OrgSpec(
    seed=5, accounts=6, regions=("us-east-1", "eu-west-1"), resources_per_region=5, empty_page_rate=0
)
COMPLIANCE = "resourceType = 'AWS::Config::ResourceCompliance'"
ITEMS = "'AWS::Config::ResourceCompliance', 'AWS::Config::ConformancePackCompliance'"


@pytest.fixture
def org(moto: None) -> SeededOrg:
    return generate(SPEC)


@pytest.fixture
def config(org: SeededOrg) -> Any:
    return client("config", org.management_account, org.spec.aggregator_region)


def selected(config: Any, org: SeededOrg, expression: str, limit: int) -> list[str]:
    rows, token = [], None
    while True:
        extra = {"NextToken": token} if token else {}
        response = config.select_aggregate_resource_config(
            ConfigurationAggregatorName=org.aggregator_name, Expression=expression, Limit=limit, **extra
        )
        rows += response["Results"]
        token = response.get("NextToken")
        if not token:
            return rows


def walked(org: SeededOrg, expression: str) -> list[str]:
    """The rows every document gives, without indexes: the oracle."""
    from simulator.api.advanced_query import _stream
    from simulator.sources import get_aggregator
    from simulator.sql import evaluator, parser
    from simulator.views import view

    aggregator = get_aggregator(org.management_account, org.spec.aggregator_region, org.aggregator_name)
    documents = [d for d, _ in _stream(view(aggregator), None)]
    rows = evaluator.run(parser.parse(expression), documents)
    return [json.dumps(r, separators=(",", ":"), default=str) for r in rows]


def expressions(org: SeededOrg) -> list[str]:
    resource = next(r for r in org.resources if r.resource_type == "AWS::EC2::SecurityGroup")
    rule = org.org_rule_names["restricted-ssh"]
    names = "configuration.configRuleList.configRuleName"
    return [
        f"SELECT accountId, awsRegion, configuration.targetResourceId WHERE {COMPLIANCE} "
        "AND configuration.complianceType = 'NON_COMPLIANT'",
        f"SELECT resourceId, configuration.configRuleList WHERE {COMPLIANCE} AND "
        f"configuration.configRuleList.complianceType = 'NON_COMPLIANT' AND ({names} = '{rule}' "
        f"OR {names} LIKE 'restricted-ssh-conformance-pack-%')",
        f"SELECT resourceId, resourceType WHERE resourceId = '{resource.resource_id}' OR resourceName = "
        f"'{resource.resource_name}' OR configuration.targetResourceId = '{resource.resource_id}'",
        f"SELECT resourceId WHERE resourceId = 'AWS::EC2::SecurityGroup/{resource.resource_id}'",
        # Prefixes that end where names branch, and one every rule name of a kind begins with.
        f"SELECT resourceId WHERE {names} LIKE 'restricted-ssh%' OR {names} LIKE 'OrgConfigRule-%'",
        f"SELECT resourceId, configuration.configRuleList WHERE {names} LIKE 's3-bucket-%' AND {COMPLIANCE}",
        f"SELECT accountId, awsRegion, COUNT(*) WHERE {COMPLIANCE} GROUP BY accountId, awsRegion",
        # Counts of compliance and pack items come from the view's counts of them.
        f"SELECT accountId, awsRegion, COUNT(*) WHERE {COMPLIANCE} AND awsRegion = 'eu-west-1' "
        "GROUP BY accountId, awsRegion",
        f"SELECT awsRegion, COUNT(*) WHERE resourceType IN ({ITEMS}) AND accountId = "
        f"'{resource.account_id}' GROUP BY awsRegion",
        f"SELECT resourceType, COUNT(*) WHERE resourceType IN ({ITEMS}) GROUP BY resourceType "
        "ORDER BY COUNT(*) DESC",
        "SELECT COUNT(*) WHERE resourceType = 'AWS::Config::ConformancePackCompliance'",
        f"SELECT accountId, COUNT(*) WHERE {COMPLIANCE} AND configuration.complianceType = 'COMPLIANT' "
        "GROUP BY accountId ORDER BY COUNT(*) DESC",
        "SELECT resourceType, COUNT(*) WHERE awsRegion IN ('global', 'eu-west-1') GROUP BY resourceType",
        # Counted from the plan's candidates alone: an AND's must be exact.
        f"SELECT resourceType, COUNT(*) WHERE accountId = '{resource.account_id}' AND awsRegion = "
        "'eu-west-1' GROUP BY resourceType",
        "SELECT accountId, COUNT(*) WHERE resourceType = 'AWS::S3::Bucket' AND awsRegion = 'us-east-1' "
        "GROUP BY accountId",
        # By verdict too, in either order of fields, with the count anywhere in the select.
        f"SELECT accountId, COUNT(*) WHERE {COMPLIANCE} AND configuration.complianceType = 'COMPLIANT' "
        "GROUP BY accountId",
        f"SELECT COUNT(*), awsRegion, accountId WHERE resourceType IN ({ITEMS}) AND configuration."
        "complianceType IN ('NON_COMPLIANT', 'INSUFFICIENT_DATA') GROUP BY awsRegion, accountId",
        "SELECT accountId, awsRegion, COUNT(*) WHERE resourceType = 'AWS::Config::ConformancePackCompliance' "
        "AND configuration.complianceType = 'NON_COMPLIANT' GROUP BY accountId, awsRegion",
        f"SELECT resourceType, accountId, awsRegion, COUNT(*) WHERE resourceType IN ({ITEMS}) "
        "GROUP BY resourceType, accountId, awsRegion",
        "SELECT resourceId WHERE resourceType = 'AWS::IAM::Role'",  # moto's own roles too
        # Which of moto's own resources a query reads follows the types its WHERE pins, if any.
        f"SELECT resourceId WHERE resourceType IN ('AWS::IAM::Role', 'AWS::SNS::Topic') OR {COMPLIANCE}",
        f"SELECT resourceId WHERE {COMPLIANCE} OR resourceType LIKE 'AWS::IAM::%'",
        f"SELECT resourceId WHERE {COMPLIANCE} AND resourceType = 'AWS::IAM::Role'",
        "SELECT resourceId WHERE tags.key = 'team' AND resourceType = 'AWS::S3::Bucket'",  # no index
    ]


@pytest.mark.parametrize(("limit", "ratio"), [(3, 8), (100, 8), (100, 0), (100, 10**9)])
def test_indexed_pages_give_the_rows_of_a_walk_over_every_document(
    org: SeededOrg, config: Any, limit: int, ratio: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever way an AND is planned (the larger side's postings asked about each candidate
    of the smaller: ratio 0; both sides looked up: a ratio never passed), the rows are a walk's."""
    from simulator import select_plan

    monkeypatch.setattr(select_plan, "MEMBERSHIP_RATIO", ratio)
    for expression in expressions(org):
        assert selected(config, org, expression, limit) == walked(org, expression), expression


def test_indexes_follow_a_changed_evaluation(org: SeededOrg, config: Any) -> None:
    """A verdict that changes after the indexes were built shows in every read, at once."""
    bad = next(e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT")
    expression = (
        f"SELECT configuration.targetResourceId WHERE {COMPLIANCE} AND "
        f"configuration.targetResourceId = '{bad.resource_id}' "
        "AND configuration.complianceType = 'NON_COMPLIANT'"
    )
    assert selected(config, org, expression, 100)
    member = client("config", bad.account_id, bad.region)
    member.put_evaluations(
        ResultToken=bad.rule_name,
        Evaluations=[
            {
                "ComplianceResourceType": bad.resource_type,
                "ComplianceResourceId": bad.resource_id,
                "ComplianceType": "COMPLIANT",
                "OrderingTimestamp": datetime.now(UTC) + timedelta(days=1),
            }
        ],
    )
    others = [
        e
        for e in org.evaluations
        if (e.account_id, e.region, e.resource_id) == (bad.account_id, bad.region, bad.resource_id)
        and e.rule_name != bad.rule_name
        and e.compliance_type == "NON_COMPLIANT"
    ]
    assert bool(selected(config, org, expression, 100)) == bool(others)
    assert selected(config, org, expression, 100) == walked(org, expression)
    rows = config.describe_aggregate_compliance_by_config_rules(
        ConfigurationAggregatorName=org.aggregator_name,
        Filters={"ConfigRuleName": bad.rule_name, "AccountId": bad.account_id, "AwsRegion": bad.region},
    )["AggregateComplianceByConfigRules"]
    still_bad = any(
        e.compliance_type == "NON_COMPLIANT"
        for e in org.evaluations
        if (e.account_id, e.region, e.rule_name) == (bad.account_id, bad.region, bad.rule_name)
        and e.resource_id != bad.resource_id
    )
    assert [r["Compliance"]["ComplianceType"] for r in rows] == [
        "NON_COMPLIANT" if still_bad else "COMPLIANT"
    ]


def test_a_rule_put_or_deleted_through_moto_changes_the_answers(org: SeededOrg, config: Any) -> None:
    member = org.accounts[2]
    rule = org.org_rule_names["restricted-ssh"]

    def listed() -> set[str]:
        rows = config.describe_aggregate_compliance_by_config_rules(
            ConfigurationAggregatorName=org.aggregator_name,
            Filters={"AccountId": member, "AwsRegion": "eu-west-1"},
        )["AggregateComplianceByConfigRules"]
        return {r["ConfigRuleName"] for r in rows}

    assert rule in listed()
    client("config", member, "eu-west-1").delete_config_rule(ConfigRuleName=rule)
    assert rule not in listed()


def test_seeded_rules_are_made_when_read_with_the_ids_already_reported(org: SeededOrg, config: Any) -> None:
    bad = next(e for e in org.evaluations if "conformance-pack" in e.rule_name)
    expression = (
        f"SELECT configuration.configRuleList WHERE {COMPLIANCE} AND accountId = '{bad.account_id}' "
        f"AND awsRegion = '{bad.region}' AND configuration.targetResourceId = '{bad.resource_id}'"
    )
    [row] = selected(config, org, expression, 100)
    reported = {
        r["configRuleName"]: (r["configRuleArn"], r["configRuleId"])
        for r in json.loads(row)["configuration"]["configRuleList"]
    }
    [described] = client("config", bad.account_id, bad.region).describe_config_rules(
        ConfigRuleNames=[bad.rule_name]
    )["ConfigRules"]
    assert reported[bad.rule_name] == (described["ConfigRuleArn"], described["ConfigRuleId"])
    assert described["Source"]["Owner"] == "AWS"
