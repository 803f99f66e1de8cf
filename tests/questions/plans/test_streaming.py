"""The advanced-query plan reads details while it still finds sources, within one concurrency
budget per question, and reads the same sources under a binding cap whatever the timing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.aws.client import Tally
from bot.questions import plans
from bot.questions.plans import PlanContext
from bot.questions.plans import context as plan_context
from simulator.faults import FAULTS
from simulator.orggen import OrgSpec, SeededOrg, generate
from tests.questions.plans.test_plans import found, oracle_non_compliant
from tests.support.aws import small_pages

LOGICAL = "s3-bucket-server-side-encryption-enabled"


class Calls:
    """Every AWS call a client makes (operation, start, end) and the most in flight at once, seen
    through botocore's own events: the client is not touched."""

    def __init__(self, service: PlanContext) -> None:
        self.log: list[tuple[str, float, float]] = []
        self.most = 0
        self._now = 0
        self._lock = threading.Lock()
        self._started = threading.local()
        events = service.aws.client.meta.events
        events.register("before-call.config.*", self._before)
        events.register("after-call.config.*", self._after)

    def _before(self, model: Any, **_: Any) -> None:
        self._started.at = time.perf_counter()
        with self._lock:
            self._now += 1
            self.most = max(self.most, self._now)

    def _after(self, model: Any, **_: Any) -> None:
        with self._lock:
            self._now -= 1
            self.log.append((model.name, self._started.at, time.perf_counter()))


@pytest.fixture
def slow_aws() -> Iterator[None]:
    FAULTS.latency_seconds = 0.02  # pages take time, as AWS's do: the order of calls shows
    yield
    FAULTS.clear()


def two_regions(seed: int, accounts: int, resources: int, blind: int) -> SeededOrg:
    """An organization in two regions, half its resources failing, `blind` accounts recording no
    compliance items."""
    spec = OrgSpec(
        seed=seed,
        accounts=accounts,
        regions=("us-east-1", "eu-west-1"),
        resources_per_region=resources,
        non_compliance=0.5,
        accounts_without_compliance_items=blind,
    )
    return generate(spec)


def test_details_are_read_while_the_query_still_finds_sources(moto: None, slow_aws: None) -> None:
    # Many resources per source, every account recording compliance items: the query's chains
    # are long, the census short (few sources) and no blind source's rows to read. The rule's
    # sources pass the cap: the advanced-query plan, which reads details as its pages find them.
    org = two_regions(seed=3, accounts=3, resources=30, blind=0)
    service = small_pages(org, detail_call_cap=3)
    calls = Calls(service)
    answer = plans.rule_compliance(service, "s3-encryption")
    assert answer.data.plan == "advanced-query" and counts(org)[2] > 3
    assert found(answer) == oracle_non_compliant(org, LOGICAL)
    assert answer.calls_by_operation["GetAggregateComplianceDetailsByConfigRule"] >= 3
    first_detail = min(s for op, s, _ in calls.log if op == "GetAggregateComplianceDetailsByConfigRule")
    last_query = max(e for op, _, e in calls.log if op == "SelectAggregateResourceConfig")
    assert first_detail < last_query  # before: every detail waited for the query's last page


def counts(org: SeededOrg) -> tuple[int, int, int]:
    """(resources the query counts, blind sources, sources the query finds) of the rule."""
    blind = blind_accounts(org)
    failing = [
        e for e in org.evaluations if e.logical_rule == LOGICAL and e.compliance_type == "NON_COMPLIANT"
    ]
    rows = len({(e.account_id, e.region, e.resource_id) for e in failing if e.account_id not in blind})
    blind_sources = len({(e.rule_name, e.account_id, e.region) for e in failing if e.account_id in blind})
    sources = len({(e.rule_name, e.account_id, e.region) for e in failing if e.account_id not in blind})
    return rows, blind_sources, sources


def test_one_question_never_has_more_calls_in_flight_than_its_budget(org: SeededOrg, slow_aws: None) -> None:
    # The query's chains, the census's (nested fan-outs), the blind sources' and the detail feed
    # run side by side: together they stay within aws_concurrency.
    service = small_pages(org, detail_call_cap=10_000, aws_concurrency=3)
    calls = Calls(service)
    plans.rule_compliance(service, "s3-encryption")
    assert calls.most == 3


def test_under_a_binding_cap_the_same_sources_are_read_every_time(org: SeededOrg) -> None:
    service = small_pages(org, detail_call_cap=3)
    read = []
    for _ in range(3):
        service.forget()
        answer = plans.rule_compliance(service, "s3-encryption")
        assert not answer.data.complete and answer.coverage.truncated
        assert answer.calls_by_operation["GetAggregateComplianceDetailsByConfigRule"] <= 3 * 2
        read.append({r.key for r in answer.data.resources if r.annotation})
    assert read[0] == read[1] == read[2] and read[0]
    # Every resource the query found is listed, annotated or not: the cap limits details only.
    assert found(answer) >= {k for k in oracle_non_compliant(org, LOGICAL) if k[0] not in blind_accounts(org)}


def blind_accounts(org: SeededOrg) -> set[str]:
    return set(org.accounts_without_compliance_items)


def test_the_census_read_region_by_region_finds_the_same_sources(
    org: SeededOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = small_pages(org)
    expected = whole.without_compliance_items(Tally(), org.aggregator_name)
    assert expected, "the seeded organization has sources without compliance items"
    monkeypatch.setattr(plan_context, "SPLIT_PAGES", 0)  # any census is long enough to split
    split = small_pages(org)
    calls = Calls(split)
    assert split.without_compliance_items(Tally(), org.aggregator_name) == expected
    queries = [op for op, _, _ in calls.log if op == "SelectAggregateResourceConfig"]
    assert len(queries) >= len(org.spec.regions) > 1


def test_a_streamed_answer_under_a_binding_cap_reads_the_blind_sources_first_and_the_same_every_time(
    moto: None, slow_aws: None
) -> None:
    # Resources flagged by several physical rules: more sources than the query's count says, so
    # a cap can bind although the count fits under it.
    org = two_regions(seed=5, accounts=14, resources=3, blind=5)
    blind = blind_accounts(org)
    rows, blind_sources, sources = counts(org)
    assert sources > rows and blind_sources  # the case this test is about
    blind_resources = {k for k in oracle_non_compliant(org, LOGICAL) if k[0] in blind}
    for cap in (rows + blind_sources, rows + blind_sources + (sources - rows) // 2):
        service = small_pages(org, detail_call_cap=cap)
        read = []
        for _ in range(3):
            service.forget()
            answer = plans.rule_compliance(service, "s3-encryption")
            assert answer.calls_by_operation["GetAggregateComplianceDetailsByConfigRule"] <= cap * 2
            assert not answer.data.complete
            assert found(answer) >= blind_resources  # listed only through their details: read first
            read.append({(r.key, tuple(r.rule_names)) for r in answer.data.resources if r.annotation})
        assert read[0] == read[1] == read[2], cap
