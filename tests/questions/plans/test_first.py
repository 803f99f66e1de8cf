"""The first answer of `rule` (plans.rule_first): a few AWS calls at any organization size, the
first page of resources with their annotations, and totals that are the whole answer's where
they say so, lower bounds ("at least") where more rows follow or a count is ambiguous."""

from __future__ import annotations

from typing import Any

from moto.core.base_backend import BackendDict

from bot.answers.models import Answer, RuleCompliance
from bot.aws.session import config_client
from bot.questions import plans
from bot.questions.plans import PlanContext
from simulator.orggen import OrgSpec, SeededOrg, generate
from tests.support.aws import settings_for, small_pages

RULE = "s3-encryption"
BUSY = OrgSpec(
    seed=5, accounts=10, regions=("us-east-1", "eu-west-1"), non_compliance=0.6, empty_page_rate=0.0
)


def totals(answer: Answer[RuleCompliance]) -> tuple[Any, ...]:
    data = answer.data
    return data.non_compliant_resources, len(data.accounts), len(data.regions)


def check_is_a_part_of_the_whole(first: Answer[RuleCompliance], whole: Answer[RuleCompliance]) -> None:
    assert first.data.loading and not whole.data.loading
    count, accounts, regions = totals(whole)
    first_count, first_accounts, first_regions = totals(first)
    assert first_count.value <= count.value and first_accounts <= accounts and first_regions <= regions
    if not first_count.capped:  # said exactly: exactly the whole answer's
        assert first_count == count
    if not first.data.more_sources:
        assert (first_accounts, first_regions) == (accounts, regions)
    # Its resources are the whole answer's (where more rows follow, a resource may show fewer of
    # the physical rules that flag it until the update).
    whole_keys = {r.key for r in whole.data.resources}
    assert {r.key for r in first.data.resources} <= whole_keys


def test_with_every_row_on_the_first_page_the_totals_are_the_whole_answers(moto: None) -> None:
    org = generate(BUSY)
    service = PlanContext(config_client(settings_for(org)), settings_for(org))
    first = plans.rule_first(service, RULE)
    whole = plans.rule_compliance(service, RULE)
    assert first is not None and not first.data.more_sources
    check_is_a_part_of_the_whole(first, whole)
    # The first page of resources is the whole answer's first page.
    assert first.data.resources[:10] == whole.data.resources[:10]


def test_with_more_rows_to_read_every_total_is_a_lower_bound(moto: None) -> None:
    org = generate(BUSY)
    service = small_pages(org)
    first = plans.rule_first(service, RULE)
    assert first is not None and first.data.more_sources
    assert first.data.non_compliant_resources.capped  # "at least N"
    check_is_a_part_of_the_whole(first, plans.rule_compliance(service, RULE))


def test_a_quick_whole_answer_has_no_first_answer(org: SeededOrg, service: PlanContext) -> None:
    """Few sources (one wave of details): the whole answer is as quick, so there is none."""
    assert plans.rule_first(service, RULE, account=org.accounts[1], region=org.spec.regions[0]) is None


def test_the_first_answer_costs_the_same_calls_at_any_size(moto: None) -> None:
    calls = []
    for accounts in (10, 40):
        BackendDict.reset()  # a new organization in the same mock
        org = generate(OrgSpec(seed=5, accounts=accounts, regions=BUSY.regions, non_compliance=0.6))
        settings = settings_for(org)
        first = plans.rule_first(PlanContext(config_client(settings), settings), RULE)
        assert first is not None
        calls.append(first.aws_calls)
    assert calls[0] == calls[1] <= 20, calls  # status, rules, rows, one page of details
