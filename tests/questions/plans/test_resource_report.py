"""The resource report for incidents on a seeded organization, against an oracle from the seed:
every rule that evaluates a resource (with the annotation and time of those it breaks), its
configuration in short, tags, relationships, console link and last change; a resource known only
by its evaluations; the matches to pick from when several share a name, within a channel's scope;
and the AWS calls it makes."""

from __future__ import annotations

from typing import Any

import pytest

from bot import errors
from bot.access.scopes import NotAvailable, Scope
from bot.access.scoping import restrict
from bot.answers.models import Answer, RelatedResource, ResourceReport
from bot.aws.console import console_url
from bot.aws.session import config_client
from bot.questions import plans
from bot.questions.plans import PlanContext
from simulator.orggen import SeededOrg
from simulator.state import Resource, backend, sim
from tests.support.answers import NOW, ref
from tests.support.aws import settings_for, small_pages

SELECT = "SelectAggregateResourceConfig"
DETAILS = "GetAggregateComplianceDetailsByConfigRule"


def evaluations(org: SeededOrg, account: str, resource_type: str, resource_id: str) -> list[Any]:
    return [
        e
        for e in org.evaluations
        if (e.account_id, e.resource_type, e.resource_id) == (account, resource_type, resource_id)
    ]


def reporting(org: SeededOrg) -> list[str]:
    """Accounts that record compliance items and whose every source reports."""
    troubled = {a for a, _ in org.statuses}
    return [a for a in org.accounts if a not in org.accounts_without_compliance_items and a not in troubled]


def most_broken(org: SeededOrg, resource_type: str | None = None) -> Resource:
    """The seeded resource that breaks the most rules, in an account that records compliance
    items and reports (so its compliance is wholly known)."""
    candidates = [
        r
        for r in org.resources
        if r.account_id in reporting(org) and (resource_type is None or r.resource_type == resource_type)
    ]

    def broken(r: Resource) -> int:
        found = evaluations(org, r.account_id, r.resource_type, r.resource_id)
        return sum(e.compliance_type == "NON_COMPLIANT" for e in found)

    return max(candidates, key=lambda r: (broken(r), r.resource_id))


def assert_compliance_is_the_seeds(report: ResourceReport, expected: list[Any]) -> None:
    assert sorted((c.rule_name, c.region, c.compliance_type) for c in report.compliance) == sorted(
        (e.rule_name, e.region, e.compliance_type) for e in expected
    )
    annotations = {(e.rule_name, e.region): e.annotation for e in expected}
    for c in report.compliance:
        if c.compliance_type == "NON_COMPLIANT":
            assert c.annotation == annotations[(c.rule_name, c.region)] and c.evaluated_at is not None
            assert not c.details_unread
        else:
            assert c.annotation is None and c.evaluated_at is None  # compliant: no details read
    kinds = [c.compliance_type == "NON_COMPLIANT" for c in report.compliance]
    assert kinds == sorted(kinds, reverse=True)  # what it breaks first


@pytest.mark.parametrize("by", ["id", "name", "arn"])
def test_the_report_is_the_seeds_resource_with_every_rule_annotation_tags_and_relationships(
    org: SeededOrg, service: PlanContext, by: str
) -> None:
    resource = most_broken(org, "AWS::EC2::SecurityGroup")
    if by == "name":  # a security group's or an instance's name repeats in each region: a role's does not
        resource = most_broken(org, "AWS::IAM::Role")
    identifier = {"id": resource.resource_id, "name": resource.resource_name, "arn": resource.arn}[by]
    assert identifier
    answer = plans.resource(service, identifier)
    report = answer.data
    assert report.resource is not None and report.matches == []
    assert (report.resource.account_id, report.resource.region, report.resource.resource_id) == (
        resource.account_id,
        resource.region,
        resource.resource_id,
    )
    assert report.configuration_item  # and the item's capture time, to the second, is its last change
    assert report.captured_at == resource.captured.replace(microsecond=0)
    expected = evaluations(org, resource.account_id, resource.resource_type, resource.resource_id)
    assert_compliance_is_the_seeds(report, expected)
    # A short configuration: its top-level scalars, as seeded, never a nested value.
    assert report.configuration and all(
        str(resource.configuration[k]).lower() == v.lower() for k, v in report.configuration.items()
    )
    assert report.tags == resource.tags
    assert report.relationships == sorted(
        (
            RelatedResource(
                resource_type=r["resourceType"],
                resource_id=r["resourceId"],
                resource_name=r.get("resourceName"),
                relationship=r["relationshipName"],
            )
            for r in resource.relationships
        ),
        key=lambda r: (r.relationship, r.resource_type, r.resource_id or ""),
    )
    assert report.relationships or resource.resource_type == "AWS::IAM::Role"
    # IAM's console pages a role by its name (AWS Config's id of it is its AROA id).
    assert report.console_url == console_url(
        resource.resource_type, resource.resource_id, resource.region, resource.resource_name
    )
    if resource.resource_type == "AWS::IAM::Role":
        assert report.console_url.endswith(f"/roles/details/{resource.resource_name}")
    # By id, the first query reads its compliance items too; by name or ARN a second one does.
    assert answer.calls_by_operation[SELECT] == (1 if by == "id" else 2)
    broken = sum(e.compliance_type == "NON_COMPLIANT" for e in expected)
    assert broken <= answer.calls_by_operation.get(DETAILS, 0) <= 2 * broken  # one page each, or an empty one
    assert answer.coverage.complete


def test_a_resource_known_only_by_its_evaluations_is_reported_without_a_configuration_section(
    org: SeededOrg, service: PlanContext
) -> None:
    account = reporting(org)[0]
    expected = evaluations(org, account, "AWS::::Account", account)
    assert expected  # account-level rules evaluate the account; AWS Config records no item of it
    answer = plans.resource(service, account)
    report = answer.data
    assert report.resource is not None and report.resource.resource_type == "AWS::::Account"
    assert not report.configuration_item and report.captured_at is None
    assert report.configuration == {} and report.tags == {} and report.relationships == []
    assert_compliance_is_the_seeds(report, expected)
    assert answer.calls_by_operation[SELECT] == 1


def test_in_an_account_without_compliance_items_the_rules_it_breaks_come_from_the_details(
    org: SeededOrg, service: PlanContext
) -> None:
    blind = org.accounts_without_compliance_items[0]
    candidates = [r for r in org.resources if r.account_id == blind and r.resource_type == "AWS::S3::Bucket"]
    resource = max(
        candidates,
        key=lambda r: sum(
            e.compliance_type == "NON_COMPLIANT"
            for e in evaluations(org, r.account_id, r.resource_type, r.resource_id)
        ),
    )
    answer = plans.resource(service, resource.resource_id)
    expected = [
        e
        for e in evaluations(org, blind, resource.resource_type, resource.resource_id)
        if e.compliance_type == "NON_COMPLIANT"
    ]
    assert expected
    assert_compliance_is_the_seeds(answer.data, expected)  # which rules it passes is not known
    assert answer.coverage.without_compliance_items == [blind]


def test_past_the_detail_cap_the_report_says_which_annotations_were_not_read(org: SeededOrg) -> None:
    settings = settings_for(org, detail_call_cap=1)
    service = PlanContext(config_client(settings), settings)
    resource = most_broken(org)
    broken = [
        e
        for e in evaluations(org, resource.account_id, resource.resource_type, resource.resource_id)
        if e.compliance_type == "NON_COMPLIANT"
    ]
    assert len(broken) >= 2
    answer = plans.resource(service, resource.resource_id)
    failing = [c for c in answer.data.compliance if c.compliance_type == "NON_COMPLIANT"]
    assert len(failing) == len(broken)  # every rule it breaks is listed...
    assert sum(c.details_unread for c in failing) >= len(broken) - 1  # ...not every annotation read
    assert answer.calls_by_operation[DETAILS] == 1
    assert answer.coverage.truncated and not answer.coverage.complete


def test_several_resources_by_one_name_are_listed_to_pick_from_at_one_call(
    org: SeededOrg, service: PlanContext
) -> None:
    # moto's OrganizationAccountAccessRole is in every member account.
    members = sorted(set(org.accounts) - {org.management_account})
    answer = plans.resource(service, "OrganizationAccountAccessRole")
    assert answer.data.resource is None
    assert [(m.account_id, m.resource_type) for m in answer.data.matches] == [
        (a, "AWS::IAM::Role") for a in members
    ]
    assert all(m.handle == m.arn and m.arn and m.arn.startswith("arn:aws:iam::") for m in answer.data.matches)
    assert answer.calls_by_operation[SELECT] == 1 and DETAILS not in answer.calls_by_operation
    # Picking one by its ARN reports it.
    picked = plans.resource(service, answer.data.matches[1].handle).data
    assert picked.resource == answer.data.matches[1] and picked.matches == []


def test_within_a_scope_only_its_accounts_resources_are_matched(org: SeededOrg, service: PlanContext) -> None:
    members = sorted(set(org.accounts) - {org.management_account})
    two = frozenset(members[-2:])
    answer = plans.resource(service, "OrganizationAccountAccessRole", accounts=two)
    assert {m.account_id for m in answer.data.matches} == two and answer.data.resource is None
    one = plans.resource(service, "OrganizationAccountAccessRole", accounts=frozenset(members[:1]))
    assert one.data.resource is not None and one.data.resource.account_id == members[0]
    assert one.data.matches == []
    with pytest.raises(errors.ResourceNotFound):
        plans.resource(service, "OrganizationAccountAccessRole", accounts=frozenset({"999999999999"}))


def test_an_exact_id_is_chosen_and_the_resources_only_named_so_are_offered(
    org: SeededOrg, service: PlanContext
) -> None:
    group = most_broken(org, "AWS::EC2::SecurityGroup")
    other = next(a for a in reporting(org) if a != group.account_id)
    region = org.spec.regions[0]
    namesake = Resource(other, region, "AWS::EC2::Instance", "i-0namesake", group.resource_id)
    state = sim(backend(other, region))
    state.resources[namesake.key] = namesake
    state.changed()
    report = plans.resource(service, group.resource_id).data
    assert report.resource is not None and report.resource.resource_id == group.resource_id
    assert [(m.account_id, m.resource_id) for m in report.matches] == [(other, "i-0namesake")]


def test_restrict_keeps_a_scoped_channel_to_its_own_matches() -> None:
    mine, theirs = ref(1), ref(2)
    report = ResourceReport(identifier="web", matches=[mine, theirs])
    answer = Answer[Any](question="q", aggregator="Org", data=report, as_of=NOW, aws_calls=1)
    scope = Scope(frozenset({mine.account_id}), query=False)
    assert restrict(answer, scope).data.matches == [mine]
    with pytest.raises(NotAvailable):
        restrict(answer, Scope(frozenset({"999999999999"}), query=False))
    chosen = ResourceReport(identifier="web", resource=theirs, matches=[mine])
    with pytest.raises(NotAvailable):
        restrict(answer.model_copy(update={"data": chosen}), scope)


def test_a_name_many_resources_share_costs_one_page_and_says_more_match(org: SeededOrg) -> None:
    service = small_pages(org)  # a page of two rows: five roles share the name
    answer = plans.resource(service, "OrganizationAccountAccessRole")
    assert answer.data.resource is None and answer.data.more_matches
    assert len(answer.data.matches) == 2 and answer.calls_by_operation[SELECT] == 1
