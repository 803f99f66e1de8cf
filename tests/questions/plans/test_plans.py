"""Each question of the query layer on a seeded organization, against an oracle from the seed."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest

from bot import errors
from bot.aws.session import config_client
from bot.questions import plans
from bot.questions.plans import PlanContext
from bot.questions.rules import RuleCatalog
from simulator.faults import ACCESS_DENIED, FAULTS, INTERNAL, THROTTLING
from simulator.orggen import ORG_RULES, SeededOrg
from tests.support.aws import settings_for, small_pages

CATALOG = RuleCatalog.default()


def oracle_non_compliant(
    org: SeededOrg, logical: str, account: str | None = None, region: str | None = None
) -> set[tuple[str, str, str, str]]:
    return {
        (e.account_id, e.region, e.resource_type, e.resource_id)
        for e in org.evaluations
        if e.logical_rule == logical
        and e.compliance_type == "NON_COMPLIANT"
        and (account is None or e.account_id == account)
        and (region is None or e.region == region)
    }


def found(answer: Any) -> set[tuple[str, str, str, str]]:
    return {(r.account_id, r.region, r.resource_type, r.resource_id) for r in answer.data.resources}


@pytest.mark.parametrize("logical", ORG_RULES)
def test_rule_compliance_is_exactly_the_seeded_non_compliant_resources(
    org: SeededOrg, service: PlanContext, logical: str
) -> None:
    answer = plans.rule_compliance(service, logical)
    assert answer.data.rule == logical
    assert found(answer) == oracle_non_compliant(org, logical)
    assert answer.data.plan == "fan-out" and answer.data.complete
    assert answer.data.non_compliant_resources.value == len(oracle_non_compliant(org, logical))
    seeded = {
        (e.account_id, e.region, e.resource_id): e.annotation
        for e in org.evaluations
        if e.logical_rule == logical and e.compliance_type == "NON_COMPLIANT"
    }
    for resource in answer.data.resources:
        assert resource.annotation == seeded[(resource.account_id, resource.region, resource.resource_id)]
        assert any(name.startswith(f"OrgConfigRule-{logical}-") for name in resource.rule_names)
        assert resource.rule == logical
        assert resource.console_url.startswith("https://")
    assert answer.aws_calls == sum(answer.calls_by_operation.values()) > 0


def test_rule_compliance_finds_every_copy_of_a_rule(org: SeededOrg, service: PlanContext) -> None:
    # s3-bucket-versioning-enabled runs as a conformance-pack rule everywhere and, in some
    # accounts, under its plain name too.
    logical = "s3-bucket-versioning-enabled"
    answer = plans.rule_compliance(service, "S3_BUCKET_VERSIONING_ENABLED")
    assert found(answer) == oracle_non_compliant(org, logical)
    names = set(answer.data.member_rule_names)
    assert any("-conformance-pack-" in n for n in names)


def test_rule_compliance_scoped_to_an_account_and_region(org: SeededOrg, service: PlanContext) -> None:
    logical = "s3-bucket-server-side-encryption-enabled"
    some = next(
        e for e in org.evaluations if e.logical_rule == logical and e.compliance_type == "NON_COMPLIANT"
    )
    answer = plans.rule_compliance(service, "s3-encryption", account=some.account_id, region=some.region)
    assert found(answer) == oracle_non_compliant(org, logical, some.account_id, some.region)


def test_within_the_detail_cap_every_sources_details_are_read_over_many_pages_of_rows(org: SeededOrg) -> None:
    service = small_pages(org)  # pages of 2 rows: the rule's sources span many
    for logical in ("restricted-ssh", "s3-bucket-versioning-enabled"):
        answer = plans.rule_compliance(service, logical)
        assert answer.data.plan == "fan-out" and answer.data.complete
        assert found(answer) == oracle_non_compliant(org, logical)
        assert all(r.annotation for r in answer.data.resources)
        assert "SelectAggregateResourceConfig" not in answer.calls_by_operation


def test_every_row_read_region_by_region_once_or_until_the_cap_is_passed(org: SeededOrg) -> None:
    from bot.aws.client import Tally
    from bot.questions.plans.rule_rows import all_rows, leading_rows

    # One call at a time: how far the chains get before the cap stops them does not hang on
    # which thread runs first (in parallel, a chain without the rule's rows reads on meanwhile).
    service = small_pages(org, aws_concurrency=1)
    name = org.aggregator_name
    expected = sorted(
        {
            (e.rule_name, e.account_id, e.region)
            for e in org.evaluations
            if e.compliance_type == "NON_COMPLIANT"
        }
    )

    def keys(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return sorted((r["ConfigRuleName"], r["AccountId"], r["AwsRegion"]) for r in rows)

    for cap, whole in ((None, True), (10**6, True), (3, False)):
        tally = Tally()
        rows, rest, matcher, filters = leading_rows(service, tally, name, "s3-encryption", None, None, None)
        assert rest is not None
        every, past = all_rows(service, tally, name, filters, (rows, rest), matcher, None, cap)
        assert past is not whole
        if whole:  # the first page's rows come again in their region's chain: once each
            assert keys(every) == expected
        else:  # past the cap: the chains stop (a page more each at most)
            assert len(every) < len(expected)
        assert tally.by_operation["DescribeAggregateComplianceByConfigRules"] >= len(org.spec.regions)


def test_sources_past_the_detail_cap_switch_to_one_advanced_query_that_lists_every_resource(
    org: SeededOrg,
) -> None:
    rows = "DescribeAggregateComplianceByConfigRules"
    every_page = plans.rule_compliance(small_pages(org), "restricted-ssh").calls_by_operation[rows]
    for concurrency in (8, 1):
        # One call at a time, the chains stop at the same page whichever thread runs first; in
        # parallel, a chain without the rule's rows reads on until another passes the cap.
        service = small_pages(org, detail_call_cap=3, aws_concurrency=concurrency)
        for logical in ("restricted-ssh", "s3-bucket-versioning-enabled"):
            answer = plans.rule_compliance(service, logical)
            assert answer.data.plan == "advanced-query" and not answer.data.complete
            blind = set(org.accounts_without_compliance_items)
            # The query lists every resource it can see; details (annotations) only within the cap.
            assert found(answer) >= {k for k in oracle_non_compliant(org, logical) if k[0] not in blind}
            assert answer.calls_by_operation["SelectAggregateResourceConfig"] >= 1
            # The rows read to decide stop once past the cap: not every page of them.
            read = answer.calls_by_operation[rows]
            assert read < every_page if concurrency == 1 else read <= every_page


def test_detail_call_cap_gives_a_partial_answer_that_says_so(org: SeededOrg) -> None:
    settings = settings_for(org, detail_call_cap=1)
    answer = plans.rule_compliance(PlanContext(config_client(settings), settings), "s3-encryption")
    assert not answer.data.complete and answer.coverage.truncated
    assert answer.calls_by_operation["GetAggregateComplianceDetailsByConfigRule"] == 1
    # The total still counts every resource (AWS's per-source counts), the list only what was read.
    total = answer.data.non_compliant_resources.value
    assert total >= len(oracle_non_compliant(org, "s3-bucket-server-side-encryption-enabled")) or (
        answer.data.non_compliant_resources.capped
    )
    assert len(answer.data.resources) < total


def test_unknown_and_ambiguous_rules(org: SeededOrg, service: PlanContext) -> None:
    with pytest.raises(errors.RuleNotFound) as raised:
        plans.rule_compliance(service, "s3-encrypton")
    assert "s3-encryption" in raised.value.suggestions
    with pytest.raises(errors.AmbiguousRule):
        plans.rule_compliance(service, "encryption")


def test_summary_by_account_and_region(org: SeededOrg, service: PlanContext) -> None:
    per_rule: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for e in org.evaluations:
        per_rule[(e.account_id, e.region, e.rule_name)].add(e.compliance_type)
    for group_by, index in (("account", 0), ("region", 1)):
        expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for key, kinds in per_rule.items():
            if "NON_COMPLIANT" in kinds:
                expected[key[index]][1] += 1
            elif "COMPLIANT" in kinds:
                expected[key[index]][0] += 1
        answer = plans.summary(service, group_by)  # type: ignore[arg-type]
        assert {
            r.group: [r.compliant_rules.value, r.non_compliant_rules.value] for r in answer.data.rows
        } == dict(expected)
        # The summary, and the sources' status for what the answer could not see (read once).
        assert answer.calls_by_operation["GetAggregateConfigRuleComplianceSummary"] == 1


def test_rules_overview_groups_copies_and_puts_the_worst_first(org: SeededOrg, service: PlanContext) -> None:
    answer = plans.rules_overview(service)
    rows = {r.rule: r for r in answer.data.rows}
    for logical in ORG_RULES:
        truth = oracle_non_compliant(org, logical)
        if truth:
            assert rows[logical].resources.value == len(truth)
            assert rows[logical].accounts == len({t[0] for t in truth})
    values = [r.resources.value for r in answer.data.rows]
    assert values == sorted(values, reverse=True)


def test_account_drilldown(org: SeededOrg, service: PlanContext) -> None:
    account = org.accounts[1]
    answer = plans.account(service, account)
    expected = {
        (e.region, e.resource_type, e.resource_id, e.logical_rule, e.rule_name)
        for e in org.evaluations
        if e.account_id == account and e.compliance_type == "NON_COMPLIANT"
    }
    assert {
        (r.region, r.resource_type, r.resource_id, r.rule, name)
        for r in answer.data.resources
        for name in r.rule_names
    } == expected
    # One row per resource and logical rule, whatever the number of physical rules.
    rows = [(r.region, r.resource_type, r.resource_id, r.rule) for r in answer.data.resources]
    assert len(rows) == len(set(rows))
    assert {r.rule for r in answer.data.rules} == {
        e.logical_rule
        for e in org.evaluations
        if e.account_id == account and e.compliance_type == "NON_COMPLIANT"
    }
    with pytest.raises(errors.AccountNotFound):
        plans.account(service, "999999999999")
    with pytest.raises(errors.AccountNotFound):
        plans.account(service, "12")


@pytest.mark.parametrize("by", ["id", "name", "arn"])
def test_resource_lookup(org: SeededOrg, service: PlanContext, by: str) -> None:
    resource = next(r for r in org.resources if r.resource_type == "AWS::S3::Bucket")
    identifier = {"id": resource.resource_id, "name": resource.resource_name, "arn": resource.arn}[by]
    assert identifier
    answer = plans.resource(service, identifier)
    report = answer.data
    assert report.resource is not None
    assert (report.resource.account_id, report.resource.region, report.resource.resource_id) == (
        resource.account_id,
        resource.region,
        resource.resource_id,
    )
    assert report.configuration["name"] == resource.resource_name
    assert report.tags == resource.tags
    expected = {
        (e.rule_name, e.compliance_type)
        for e in org.evaluations
        if e.resource_id == resource.resource_id and e.account_id == resource.account_id
    }
    assert {(c.rule_name, c.compliance_type) for c in report.compliance} == expected
    assert (
        report.console_url
        == f"https://s3.console.aws.amazon.com/s3/buckets/{resource.resource_id}?region={resource.region}"
    )
    # A bucket's name is its id: the first query reads its compliance items too, unless by ARN.
    assert answer.calls_by_operation["SelectAggregateResourceConfig"] == (2 if by == "arn" else 1)


def test_resource_not_found(org: SeededOrg, service: PlanContext) -> None:
    with pytest.raises(errors.ResourceNotFound):
        plans.resource(service, "no-such-thing-anywhere")


def test_resource_counts(org: SeededOrg, service: PlanContext) -> None:
    by_type = plans.resource_counts(service, "type")
    seeded = Counter(r.resource_type for r in org.resources)
    counts = {r.group: r.count for r in by_type.data.rows}
    for resource_type, count in seeded.items():
        if resource_type == "AWS::IAM::Role":
            # moto's own IAM roles (OrganizationAccountAccessRole in each member, the bot's and
            # the aggregator's roles) are recorded too.
            assert counts[resource_type] == count + (len(org.accounts) - 1) + 2
        else:
            assert counts[resource_type] == count
    account = org.accounts[0]
    volumes = plans.resource_counts(service, "region", resource_type="AWS::EC2::Volume", account=account)
    expected = Counter(
        r.region for r in org.resources if r.account_id == account and r.resource_type == "AWS::EC2::Volume"
    )
    assert {r.group: r.count for r in volumes.data.rows} == dict(expected)
    assert volumes.data.total == sum(expected.values())


def test_health_reports_failed_and_outdated_sources(org: SeededOrg, service: PlanContext) -> None:
    answer = plans.health(service)
    assert {(p.source_id, p.region, p.status) for p in answer.data.problems} == {
        (a, r, s.status) for (a, r), s in org.statuses.items()
    }
    failed = answer.data.failed[0]
    assert failed.error_code == "AccessDeniedException" and failed.age_seconds and failed.age_seconds > 3600


def test_packs(org: SeededOrg, service: PlanContext) -> None:
    answer = plans.packs(service)
    assert {(r.account_id, r.region) for r in answer.data.rows} == {
        (a, g) for a in org.accounts for g in org.spec.regions
    }
    only = plans.packs(service, account=org.accounts[0], region="eu-west-1")
    assert [(r.account_id, r.region) for r in only.data.rows] == [(org.accounts[0], "eu-west-1")]


def test_advanced_query_reads_every_page_up_to_the_cap(org: SeededOrg) -> None:
    service = small_pages(org, query_row_cap=7)
    answer = plans.query(service, "SELECT resourceId, resourceType WHERE resourceType = 'AWS::EC2::Volume'")
    assert answer.data.columns == ["resourceId", "resourceType"]
    assert len(answer.data.rows) == 7 and answer.data.truncated
    everything = plans.query(small_pages(org), "SELECT resourceId WHERE resourceType = 'AWS::EC2::Volume'")
    assert len(everything.data.rows) == sum(r.resource_type == "AWS::EC2::Volume" for r in org.resources)
    assert not everything.data.truncated


def test_a_query_we_reject_makes_no_aws_call(org: SeededOrg, service: PlanContext) -> None:
    sent: list[str] = []
    service.aws.client.meta.events.register("before-send.config.*", lambda **kwargs: sent.append("x"))
    with pytest.raises(errors.InvalidQuery) as raised:
        plans.query(service, "SELECT resourceId FROM everything")
    assert not raised.value.from_aws and sent == []


def test_a_query_aws_rejects_carries_its_message(org: SeededOrg, service: PlanContext) -> None:
    with pytest.raises(errors.InvalidQuery) as raised:
        plans.query(service, "SELECT resourceId WHERE resourceName IS NULL")
    assert raised.value.from_aws and "NULL" in raised.value.message


def test_aggregators_and_doctor(org: SeededOrg, service: PlanContext) -> None:
    aggregators = plans.aggregators(service).data.rows
    assert [(a.name, a.kind, a.regions) for a in aggregators] == [
        (org.aggregator_name, "organization", sorted(org.spec.regions))
    ]
    report = plans.doctor(service, organization_accounts=lambda: [*org.accounts, "999999999999"]).data
    titles = {f.title: f for f in report.findings}
    assert titles["Organization-based aggregator"].severity == "ok"
    assert titles["Not all regions"].severity == "warning" and "all_regions = true" in (
        titles["Not all regions"].fix or ""
    )
    assert titles["1 source(s) FAILED"].severity == "critical"
    assert titles["Rules are deployed organization-wide"].severity == "ok"
    assert "999999999999" in titles["1 organization account(s) missing"].detail


def test_every_question_pages_beyond_one_page(org: SeededOrg, service: PlanContext) -> None:
    paged = small_pages(org)
    assert plans.summary(paged, "region").data == plans.summary(service, "region").data
    assert plans.rules_overview(paged).data == plans.rules_overview(service).data
    assert plans.account(paged, org.accounts[2]).data == plans.account(service, org.accounts[2]).data
    assert plans.resource_counts(paged, "account").data == plans.resource_counts(service, "account").data

    def problems(answer: Any) -> list[tuple[str, str, str]]:
        return [(p.source_id, p.region, p.status) for p in answer.data.problems]

    assert problems(plans.health(paged)) == problems(plans.health(service))
    assert plans.packs(paged).data == plans.packs(service).data
    assert {r.name for r in plans.aggregators(paged).data.rows} == {org.aggregator_name}
    assert found(plans.rule_compliance(paged, "restricted-ssh")) == found(
        plans.rule_compliance(service, "restricted-ssh")
    )


def test_missing_aggregator(org: SeededOrg, service: PlanContext) -> None:
    with pytest.raises(errors.AggregatorNotFound) as raised:
        plans.summary(service, aggregator="NoSuchAggregator")
    assert "NoSuchAggregator" in raised.value.message and "us-east-1" in raised.value.message


def test_access_denied_names_the_call_and_keeps_the_role_for_the_log(
    org: SeededOrg, service: PlanContext
) -> None:
    FAULTS.errors = [ACCESS_DENIED]
    with pytest.raises(errors.AccessDenied) as raised:
        plans.summary(service)
    assert "GetAggregateConfigRuleComplianceSummary" in raised.value.message
    assert org.role_arn not in raised.value.message and raised.value.role == org.role_arn


def test_throttling_that_outlasts_the_retries_is_typed(org: SeededOrg) -> None:
    settings = settings_for(org, aws_max_attempts=2)
    service = PlanContext(config_client(settings), settings)
    FAULTS.errors = [THROTTLING]
    with pytest.raises(errors.Throttled):
        plans.health(service)


def test_throttling_that_the_retries_absorb_is_invisible(org: SeededOrg) -> None:
    settings = settings_for(org, aws_max_attempts=8)
    service = PlanContext(config_client(settings), settings)
    FAULTS.errors = [THROTTLING.__class__(**{**THROTTLING.__dict__, "rate": 0.3})]
    assert plans.summary(service).aws_calls == 2  # the summary and the sources' status


def test_server_errors_become_unavailable(org: SeededOrg) -> None:
    settings = settings_for(org, aws_max_attempts=1)
    service = PlanContext(config_client(settings), settings)
    FAULTS.errors = [INTERNAL]
    with pytest.raises(errors.AwsUnavailable):
        plans.packs(service)


def failing_oracle(org: SeededOrg, account: str | None, region: str | None) -> set[tuple[str, ...]]:
    return {
        (e.account_id, e.region, e.resource_type, e.resource_id, e.logical_rule)
        for e in org.evaluations
        if e.compliance_type == "NON_COMPLIANT"
        and account in (None, e.account_id)
        and region in (None, e.region)
    }


@pytest.mark.parametrize("where", [("region",), ("account",), ("account", "region")])
def test_failing_is_every_non_compliant_resource_there_across_rules(
    org: SeededOrg, service: PlanContext, where: tuple[str, ...]
) -> None:
    account = org.accounts[2] if "account" in where else None
    region = "eu-west-1" if "region" in where else None
    answer = plans.failing(service, account, region)
    expected = failing_oracle(org, account, region)
    shown = {(r.account_id, r.region, r.resource_type, r.resource_id, r.rule) for r in answer.data.resources}
    assert shown == expected and len(answer.data.resources) == len(expected)  # once per logical rule
    assert {r.rule for r in answer.data.rules} == {e[4] for e in expected}
    assert sum(r.resources.value for r in answer.data.rules) == len(expected)
    assert answer.data.complete and (answer.data.account_id, answer.data.region) == (account, region)


def test_failing_in_a_scope_reads_only_its_accounts(org: SeededOrg, service: PlanContext) -> None:
    mine = frozenset(org.accounts[:2])
    answer = plans.failing(service, None, "us-east-1", accounts=mine)
    assert {r.account_id for r in answer.data.resources} <= mine
    assert {
        (r.account_id, r.region, r.resource_type, r.resource_id, r.rule) for r in answer.data.resources
    } == {f for f in failing_oracle(org, None, "us-east-1") if f[0] in mine}


def test_failing_refuses_places_it_cannot_see(org: SeededOrg, service: PlanContext) -> None:
    with pytest.raises(errors.RegionNotCovered):
        plans.failing(service, None, "ap-south-2")
    with pytest.raises(errors.AccountNotFound):
        plans.failing(service, "999999999999", None)
    with pytest.raises(errors.AccountNotFound):
        plans.failing(service, "12345", "us-east-1")
