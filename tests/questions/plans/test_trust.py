"""Answers a security team can trust, against the simulator as strict as AWS: one count per logical
rule everywhere it is shown, no all-clear about nothing, and every answer saying what it could not
see. The oracle is the seed (`SeededOrg.evaluations`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.core.base_backend import BackendDict

from bot import errors
from bot.answers.models import Answer, Count
from bot.aws.session import config_client
from bot.digest.snapshot_plan import take_snapshot
from bot.presenters.export import table
from bot.presenters.message import message
from bot.presenters.rule import RULE
from bot.presenters.text import render
from bot.questions import plans
from bot.questions.plans import PlanContext
from bot.questions.question import Question
from simulator import install, server
from simulator.faults import FAULTS
from simulator.orggen import OrgSpec, SeededOrg, generate
from tests.support.answers import presenter
from tests.support.aws import settings_for
from tests.support.cache import REDIS_URL

Key = tuple[str, str, str, str]


def oracle(org: SeededOrg, logical: str, account: str | None = None) -> set[Key]:
    return {
        (e.account_id, e.region, e.resource_type, e.resource_id)
        for e in org.evaluations
        if e.logical_rule == logical
        and e.compliance_type == "NON_COMPLIANT"
        and account in (None, e.account_id)
    }


def blind_sources(org: SeededOrg, logical: str) -> set[tuple[str, str, str]]:
    """The (physical rule, account, region) sources of the rule's failures in the accounts that
    record no compliance items."""
    blind = set(org.accounts_without_compliance_items)
    return {
        (e.rule_name, e.account_id, e.region)
        for e in org.evaluations
        if e.logical_rule == logical and e.compliance_type == "NON_COMPLIANT" and e.account_id in blind
    }


def shown_text(answer: Answer[Any], question: Question | None = None) -> str:
    """Everything a person reads of an answer: the Slack message and the terminal's text."""
    from datetime import UTC, datetime

    shown = presenter(answer.data)
    return json.dumps(message(answer, shown, datetime.now(UTC), question)) + "\n" + render(answer, shown)


def check_one_count_everywhere(org: SeededOrg, service: PlanContext) -> None:
    """For every logical rule: the rule answer's rows are the distinct resources, and its headline,
    per-account table, CSV, `rules`, every `account` and the digest's snapshot show that figure."""
    rules = {r.rule: r for r in plans.rules_overview(service).data.rows}
    snapshot = take_snapshot(service).data
    per_rule_in_snapshot = Counter(f[2] for f in snapshot.findings)
    accounts = {a: plans.account(service, a).data for a in org.accounts}
    for logical in sorted({e.logical_rule for e in org.evaluations}):
        truth = oracle(org, logical)
        answer = plans.rule_compliance(service, logical)
        keys = [r.key for r in answer.data.resources]
        assert len(keys) == len(set(keys)), f"{logical}: a resource listed twice"
        assert set(keys) == truth, logical
        assert answer.data.non_compliant_resources == Count(value=len(truth)), logical
        assert sum(s.non_compliant.value for s in answer.data.sources) == len(truth)
        assert len(table(answer, RULE)[1]) == len(truth)
        if truth:
            text = shown_text(answer, Question("rule", {"rule": logical}))
            assert f"of {len(truth)}*" in text and f"Non-compliant resources*\\n{len(truth)}" in text
        assert (rules[logical].resources.value if logical in rules else 0) == len(truth), logical
        assert per_rule_in_snapshot[logical] == len(truth), logical
        for account, drill in accounts.items():
            row = next((r for r in drill.rules if r.rule == logical), None)
            assert (row.resources.value if row else 0) == len(oracle(org, logical, account))
    for drill in accounts.values():
        rows = [(r.rule, *r.key) for r in drill.resources]
        assert len(rows) == len(set(rows))
        assert sum(r.resources.value for r in drill.rules) == len(rows)
    everything = {
        (e.account_id, e.region, e.resource_type, e.resource_id)
        for e in org.evaluations
        if e.compliance_type == "NON_COMPLIANT"
    }
    assert snapshot.non_compliant_resources == len(everything)


SHAPES = st.builds(
    OrgSpec,
    seed=st.integers(0, 10_000),
    accounts=st.integers(2, 6),
    regions=st.sampled_from(
        [("us-east-1",), ("us-east-1", "eu-west-1"), ("eu-west-1", "us-east-1", "ap-southeast-2")]
    ),
    resources_per_region=st.integers(1, 6),
    non_compliance=st.sampled_from([0.0, 0.3, 0.8]),
    empty_page_rate=st.sampled_from([0.0, 0.3]),
)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=SHAPES, small_pages=st.booleans())
def test_one_logical_rule_one_count_in_every_answer(spec: OrgSpec, small_pages: bool) -> None:
    install()
    FAULTS.clear()
    with mock_aws():
        org = generate(spec)
        configured = settings_for(org)
        from bot.aws.client import PAGE_MAX

        pages = dict.fromkeys(PAGE_MAX, 2) if small_pages else None
        check_one_count_everywhere(org, PlanContext(config_client(configured), configured, page_sizes=pages))
    BackendDict.reset()


@pytest.mark.server
def test_one_logical_rule_one_count_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    BackendDict.reset()
    running = server.start(port=0, spec=OrgSpec(seed=5, accounts=5, regions=("us-east-1", "eu-west-1")))
    try:
        assert running.org is not None
        monkeypatch.setenv("AWS_ENDPOINT_URL", running.endpoint)
        configured = settings_for(running.org)
        check_one_count_everywhere(running.org, PlanContext(config_client(configured), configured))
    finally:
        running.stop()
        BackendDict.reset()


# --- the defects a new user found -----------------------------------------------------------------


def test_a_resource_flagged_by_two_copies_of_a_rule_is_one_row_naming_both(
    org: SeededOrg, service: PlanContext
) -> None:
    copies: dict[Key, set[str]] = {}
    for e in org.evaluations:
        if e.compliance_type == "NON_COMPLIANT":
            copies.setdefault((e.logical_rule, e.account_id, e.region, e.resource_id), set()).add(e.rule_name)
    doubled = [(k, names) for k, names in copies.items() if len(names) > 1]
    assert doubled, "the generated organization deploys copies of a rule"
    (logical, account, region, resource_id), names = doubled[0]
    answer = plans.rule_compliance(service, logical)
    rows = [
        r
        for r in answer.data.resources
        if (r.account_id, r.region, r.resource_id) == (account, region, resource_id)
    ]
    assert len(rows) == 1 and set(rows[0].rule_names) == names


@pytest.mark.parametrize(
    ("region", "suggestion"), [("mars-1", None), ("eu-west1", "eu-west-1"), ("us-east-1x", "us-east-1")]
)
def test_a_region_the_aggregator_does_not_read_is_not_an_all_clear(
    service: PlanContext, region: str, suggestion: str | None
) -> None:
    with pytest.raises(errors.RegionNotCovered) as raised:
        plans.rule_compliance(service, "s3-encryption", region=region)
    assert f"`{region}`" in raised.value.message
    if suggestion:
        assert suggestion in raised.value.suggestions
    with pytest.raises(errors.RegionNotCovered):
        plans.packs(service, region=region)


def test_an_account_that_is_not_a_source_is_not_an_all_clear(service: PlanContext) -> None:
    with pytest.raises(errors.AccountNotFound) as raised:
        plans.rule_compliance(service, "s3-encryption", account="999999999999")
    assert "not a source" in raised.value.message
    with pytest.raises(errors.AccountNotFound) as raised:
        plans.rule_compliance(service, "s3-encryption", account="12345")
    assert "12 digits" in raised.value.message


def test_a_rule_no_source_has_is_not_an_all_clear(service: PlanContext) -> None:
    with pytest.raises(errors.RuleNotDeployed) as raised:
        plans.rule_compliance(service, "guardduty")
    assert (
        "guardduty-enabled-centralized" in raised.value.message and "not an all-clear" in raised.value.message
    )


def test_the_all_clear_needs_every_source_in_scope_to_have_reported(moto: None) -> None:
    org = generate(OrgSpec(seed=3, accounts=3, regions=("us-east-1",), non_compliance=0.0))
    configured = settings_for(org)
    service = PlanContext(config_client(configured), configured)
    answer = plans.rule_compliance(service, "encrypted-volumes")
    assert not answer.data.resources and answer.coverage.failed
    text = shown_text(answer)
    assert "white_check_mark" not in text and "not an all-clear" in text


def test_a_global_resources_compliance_is_found_in_the_region_that_evaluated_it(
    org: SeededOrg, service: PlanContext
) -> None:
    role = next(
        e
        for e in org.evaluations
        if e.resource_type == "AWS::IAM::Role" and e.compliance_type == "NON_COMPLIANT"
    )
    assert role.resource_id.startswith("AROA")
    report = plans.resource(service, role.resource_id).data
    assert report.resource is not None and report.resource.region == "global"
    assert report.compliance_type == "NON_COMPLIANT"
    assert {(c.rule_name, c.region) for c in report.compliance} >= {(role.rule_name, role.region)}


def test_empty_pages_with_a_token_change_no_answer(org: SeededOrg, service: PlanContext) -> None:
    def answers() -> list[Any]:
        fresh = PlanContext(config_client(settings_for(org)), settings_for(org))
        account = org.accounts[1]
        return [
            plans.rule_compliance(fresh, "s3-encryption").data,
            plans.rule_compliance(fresh, "restricted-ssh", account=account).data,
            plans.rules_overview(fresh).data,
            plans.account(fresh, account).data,
            plans.summary(fresh).data,
            plans.packs(fresh).data,
            plans.doctor(fresh).data,
        ]

    plain = answers()
    FAULTS.empty_pages = "always"
    try:
        assert answers() == plain
        with pytest.raises(errors.RuleNotDeployed):
            plans.rule_compliance(
                PlanContext(config_client(settings_for(org)), settings_for(org)), "guardduty"
            )
    finally:
        FAULTS.clear()


def test_capped_counts_read_as_lower_bounds_or_are_made_exact(moto: None) -> None:
    org = generate(
        OrgSpec(
            seed=4,
            accounts=2,
            regions=("us-east-1",),
            resources_per_region=10,
            non_compliance=0.9,
            contributor_cap=2,
        )
    )
    configured = settings_for(org)
    service = PlanContext(config_client(configured), configured)
    rules = {r.rule: r.resources for r in plans.rules_overview(service).data.rows}
    for logical, count in rules.items():
        assert count == Count(value=len(oracle(org, logical))), logical  # details read: exact
    capped = PlanContext(
        config_client(settings_for(org, detail_call_cap=1)), settings_for(org, detail_call_cap=1)
    )
    answer = plans.rules_overview(capped)
    assert answer.coverage.truncated
    assert any(r.resources.capped for r in answer.data.rows)
    assert "at least" in shown_text(answer) or "+" in shown_text(answer)


# --- what an answer could not see ---------------------------------------------------------------------


@pytest.fixture
def gaps(org: SeededOrg) -> Iterator[tuple[str, str, str]]:
    """(the account of the FAILED source, of the OUTDATED one, one that records no compliance items)."""
    failed = next(a for (a, _), s in org.statuses.items() if s.status == "FAILED")
    outdated = next(a for (a, _), s in org.statuses.items() if s.status == "OUTDATED")
    yield failed, outdated, org.accounts_without_compliance_items[0]


def test_every_answer_kind_names_failed_and_outdated_sources(
    org: SeededOrg, service: PlanContext, gaps: tuple[str, str, str]
) -> None:
    failed, outdated, _ = gaps
    failed_region = next(g for (a, g), s in org.statuses.items() if s.status == "FAILED")
    bucket = next(
        r
        for r in org.resources
        if (r.account_id, r.region) == (failed, failed_region) and r.resource_type == "AWS::S3::Bucket"
    )
    organization_wide = [
        plans.rule_compliance(service, "s3-encryption"),
        plans.summary(service),
        plans.summary(service, "region"),
        plans.rules_overview(service),
        plans.resource_counts(service),
        plans.packs(service),
        plans.query(service, "SELECT accountId, resourceId WHERE resourceType = 'AWS::S3::Bucket'"),
    ]
    for answer in organization_wide:
        text = shown_text(answer)
        assert "FAILED" in text and failed in text and "AccessDeniedException" in text, answer.question
        assert "OUTDATED" in text and outdated in text, answer.question
        assert answer.coverage.failed and answer.coverage.outdated
    for answer in (plans.account(service, failed), plans.resource(service, bucket.resource_id)):
        text = shown_text(answer)
        assert "FAILED" in text and failed in text, answer.question
    assert "OUTDATED" in shown_text(plans.account(service, outdated))


def test_an_account_without_compliance_items_is_read_from_the_compliance_apis(
    org: SeededOrg, gaps: tuple[str, str, str]
) -> None:
    from tests.support.aws import small_pages

    _, _, blind = gaps
    for logical in ("restricted-ssh", "s3-bucket-server-side-encryption-enabled"):
        # A cap the rule's sources pass (the advanced-query plan, which cannot see `blind`), but
        # not the blind sources: their resources are listed only through their details.
        service = small_pages(org, detail_call_cap=max(1, len(blind_sources(org, logical))))
        answer = plans.rule_compliance(service, logical)
        assert answer.data.plan == "advanced-query"
        assert {r.key for r in answer.data.resources} == oracle(org, logical)
    snapshot = take_snapshot(service)
    assert snapshot.data.without_compliance_items == [blind]
    assert blind in {f[0] for f in snapshot.data.findings}


def test_answers_that_depend_on_compliance_items_name_the_accounts_that_do_not_record_them(
    org: SeededOrg, service: PlanContext, gaps: tuple[str, str, str]
) -> None:
    _, _, blind = gaps
    query = plans.query(
        service,
        "SELECT accountId, COUNT(*) WHERE resourceType = 'AWS::Config::ResourceCompliance' "
        "GROUP BY accountId",
    )
    assert query.coverage.without_compliance_items == [blind]
    assert blind in shown_text(query) and "do not record compliance items" in shown_text(query)
    evaluated = {e.resource_id for e in org.evaluations if e.account_id == blind}
    resource = next(r for r in org.resources if r.account_id == blind and r.resource_id in evaluated)
    answer = plans.resource(service, resource.resource_id)
    assert "do not record compliance items" in shown_text(answer)
    # A query about something else does not depend on them and does not say so.
    other = plans.query(service, "SELECT accountId, resourceId WHERE resourceType = 'AWS::S3::Bucket'")
    assert not other.coverage.without_compliance_items


def test_a_channel_scoped_to_some_accounts_sees_only_their_gaps(
    org: SeededOrg, service: PlanContext, gaps: tuple[str, str, str]
) -> None:
    from bot.answers.coverage import limited

    failed, outdated, _ = gaps
    answer = plans.rule_compliance(service, "s3-encryption")
    others = [a for a in org.accounts if a not in (failed, outdated)]
    assert limited(answer.coverage, lambda account: account in others).complete
    mine = limited(answer.coverage, lambda account: account == outdated)
    assert [p.source_id for p in mine.outdated] == [outdated]
    assert all(p.source_id == outdated for p in mine.failed)


def test_app_home_the_digest_and_ask_json_carry_the_caveats(
    org: SeededOrg, service: PlanContext, gaps: tuple[str, str, str]
) -> None:
    from datetime import UTC, datetime

    from bot.digest import message as digest
    from bot.presenters.home import home_view

    failed, outdated, blind = gaps
    now = datetime.now(UTC)
    home = json.dumps(
        home_view(plans.summary(service), plans.rules_overview(service), plans.health(service), now)
    )
    assert "FAILED" in home and failed in home and "OUTDATED" in home and outdated in home
    posted = json.dumps(digest.message(take_snapshot(service).data, None, "today", now))
    assert failed in posted and outdated in posted
    assert blind in posted and "do not record compliance items" in posted
    dumped = plans.rule_compliance(service, "s3-encryption").model_dump(mode="json")
    assert {p["source_id"] for p in dumped["coverage"]["failed"]} == {failed}
    assert {p["source_id"] for p in dumped["coverage"]["outdated"]} == {outdated}


def test_doctor_names_the_accounts_that_do_not_record_compliance_items(
    service: PlanContext, gaps: tuple[str, str, str]
) -> None:
    _, _, blind = gaps
    findings = plans.doctor(service).data.findings
    assert any(blind in f.detail and "do not record compliance items" in f.title for f in findings)


def counting_calls(service: PlanContext) -> list[str]:
    """Every AWS call the service's client makes from now on, seen through botocore's events
    (not the process-wide metric, which threads other tests left behind may move)."""
    made: list[str] = []
    service.aws.client.meta.events.register(
        "before-call.config.*", lambda model, **_: made.append(model.name)
    )
    return made


def test_rejected_input_costs_no_aws_call_twice(service: PlanContext) -> None:
    with pytest.raises(errors.RuleNotFound):
        plans.rule_compliance(service, "no-such-rule-here")
    made = counting_calls(service)
    with pytest.raises(errors.RuleNotFound):
        plans.rule_compliance(service, "no-such-rule-here")
    assert made == []  # "no such rule" is remembered for a minute
    for not_an_account in ("１２３４５６７８９０１２", "٠١٢٣٤٥٦٧٨٩٠١"):  # digits, but not ASCII ones
        with pytest.raises(errors.AccountNotFound, match="12 digits"):
            plans.account(service, not_an_account)
    with pytest.raises(errors.ResourceNotFound):
        plans.resource(service, "x" * 5000)
    assert made == []


def test_a_scoped_channel_is_capped_on_its_own_rows(org: SeededOrg) -> None:
    """Caps count the scope's rows: a channel whose account sorts last still sees all of its
    resources and query rows, however small the caps."""
    import uuid

    from bot.access.scopes import Scope
    from bot.cache.store import Cache, CachePolicy, connect
    from bot.questions.answerer import Answerer

    logical = "s3-bucket-server-side-encryption-enabled"
    last = max(a for a in org.accounts if oracle(org, logical, a))
    # Enough detail calls for this account's sources, far fewer than the organization's.
    own = {
        (e.rule_name, e.region)
        for e in org.evaluations
        if e.account_id == last and e.logical_rule == logical and e.compliance_type == "NON_COMPLIANT"
    }
    configured = settings_for(org, detail_call_cap=len(own), query_row_cap=2)
    answerer = Answerer(
        PlanContext(config_client(configured), configured),
        Cache(connect(REDIS_URL), CachePolicy(prefix=f"test-{uuid.uuid4().hex[:10]}")),
    )
    scope = Scope(frozenset({last}), query=True)
    answer = answerer.answer(Question("rule", {"rule": "s3-encryption"}), scope)
    assert {r.key for r in answer.data.resources} == oracle(org, logical, last)
    assert answer.data.complete and not answer.coverage.truncated
    query = answerer.answer(
        Question(
            "query", {"expression": "SELECT accountId, resourceId WHERE resourceType = 'AWS::S3::Bucket'"}
        ),
        scope,
    )
    assert len(query.data.rows) == 2 and {r["accountId"] for r in query.data.rows} == {last}


def scoped_answerer(org: SeededOrg) -> Any:
    import uuid

    from bot.cache.store import Cache, CachePolicy, connect
    from bot.questions.answerer import Answerer

    configured = settings_for(org)
    return Answerer(
        PlanContext(config_client(configured), configured),
        Cache(connect(REDIS_URL), CachePolicy(prefix=f"test-{uuid.uuid4().hex[:10]}")),
    )


def test_a_scoped_channel_picks_its_own_resource_and_learns_nothing_of_others(org: SeededOrg) -> None:
    from datetime import UTC, datetime

    from bot.access.scopes import Scope
    from bot.presenters.common import context_line

    answerer = scoped_answerer(org)
    # IAM roles named OrganizationAccountAccessRole exist in every member account.
    mine, other = org.accounts[-1], org.accounts[1]  # the last: not the one an org-wide lookup picks
    scope = Scope(frozenset({mine}), query=False)
    found = answerer.answer(Question("resource", {"id": "OrganizationAccountAccessRole"}), scope)
    assert found.data.resource.account_id == mine and found.data.matches == []
    bucket = next(r for r in org.resources if r.account_id == other and r.resource_type == "AWS::S3::Bucket")
    with pytest.raises(errors.ResourceNotFound):  # the same reply as for no resource at all
        answerer.answer(Question("resource", {"id": bucket.resource_id}), scope)
    rule = answerer.answer(Question("rule", {"rule": "s3-encryption"}), scope)
    assert rule.limited and "AWS call" not in context_line(rule, datetime.now(UTC))
    assert "AWS call" in context_line(
        answerer.answer(Question("rule", {"rule": "s3-encryption"})), datetime.now(UTC)
    )


def test_an_access_denied_reply_names_no_role_or_account(org: SeededOrg, service: PlanContext) -> None:
    from simulator.faults import ACCESS_DENIED

    FAULTS.errors = [ACCESS_DENIED]
    try:
        with pytest.raises(errors.AccessDenied) as raised:
            plans.health(service)
    finally:
        FAULTS.clear()
    assert org.role_arn not in raised.value.message and org.management_account not in raised.value.message
    assert raised.value.role == org.role_arn  # for the log line


def test_rule_suggestions_in_a_scoped_channel_come_from_its_own_accounts(org: SeededOrg) -> None:
    from datetime import UTC, datetime

    from bot.access.scopes import Scope
    from simulator.operations import record_evaluations
    from simulator.state import Evaluation, backend

    elsewhere, mine = org.accounts[1], org.accounts[2]
    config = backend(elsewhere, org.spec.regions[0])
    config.put_config_rule(
        {
            "ConfigRuleName": "acme-secret-project-check",
            "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
        }
    )
    now = datetime.now(UTC)
    record_evaluations(
        config,
        "acme-secret-project-check",
        [Evaluation("AWS::S3::Bucket", "b", "NON_COMPLIANT", now, now)],
    )
    answerer = scoped_answerer(org)
    with pytest.raises(errors.RuleNotFound) as everywhere:
        answerer.answer(Question("rule", {"rule": "acme-secret-project-chek"}))
    assert "acme-secret-project-check" in everywhere.value.suggestions
    with pytest.raises(errors.RuleNotFound) as scoped:
        answerer.answer(
            Question("rule", {"rule": "acme-secret-project-chekk"}), Scope(frozenset({mine}), query=False)
        )
    assert "acme-secret-project-check" not in scoped.value.message


def test_a_source_that_stops_recording_compliance_items_in_one_region_is_read_there_too(
    org: SeededOrg,
) -> None:
    """Recorders are set per region: a member recording compliance items in one region and not
    in another is read from the compliance APIs where it does not."""
    from moto.config.models import ConfigRecorder, RecordingGroup

    from simulator.state import existing_backend
    from tests.support.aws import small_pages

    member = next(a for a in org.accounts[1:] if a not in org.accounts_without_compliance_items)
    region = "eu-west-1"
    found = existing_backend(member, region)
    assert found is not None
    old = next(iter(found.recorders.values()))
    excluded = RecordingGroup(
        all_supported=False,
        include_global_resource_types=False,
        resource_types=[],
        exclusion_by_resource_types={"resourceTypes": ["AWS::Config::ResourceCompliance"]},
        recording_strategy={"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
    )
    found.recorders = {old.name: ConfigRecorder(old.role_arn, excluded, name=old.name)}
    service = small_pages(org)  # the large-organization plans, which read compliance items
    snapshot = take_snapshot(service).data
    rules = {r.rule: r.resources.value for r in plans.rules_overview(service).data.rows}
    for logical in sorted({e.logical_rule for e in org.evaluations if e.account_id == member}):
        truth = oracle(org, logical)
        if not truth:
            continue
        answer = plans.rule_compliance(service, logical)
        assert {r.key for r in answer.data.resources} == truth, logical
        assert rules[logical] == len(truth), logical
        assert sum(f[2] == logical for f in snapshot.findings) == len(truth), logical
    assert member in snapshot.without_compliance_items


def test_no_all_clear_when_no_rule_has_results_in_scope(service: PlanContext) -> None:
    with pytest.raises(errors.NothingEvaluated) as raised:
        plans.rules_overview(service, accounts=frozenset({"999999999999"}))
    assert "not an all-clear" in raised.value.message


def test_an_organization_source_that_failed_is_a_gap_in_every_scope() -> None:
    from bot.answers.coverage import caveat_line, limited
    from bot.answers.models import Coverage, SourceProblem

    organization = SourceProblem(
        source_id="o-abc123", source_type="ORGANIZATION", region="us-east-1", status="FAILED"
    )
    mine = limited(Coverage(failed=[organization]), lambda account: account == "123456789012")
    assert len(mine.failed) == 1 and mine.failed[0].source_id == "organization"
    line = caveat_line(mine)
    assert line is not None and "o-abc123" not in line


def test_a_rule_listed_by_rules_can_be_asked_about(org: SeededOrg) -> None:
    from bot.questions.rules import RuleCatalog

    # Outside the management account the organization's rules are not readable: the catalog knows
    # only AWS's names, and the custom organization rule is known by what the aggregator shows.
    from simulator.faults import Fault

    FAULTS.errors = [
        Fault("AccessDeniedException", operations=frozenset({"describe_organization_config_rules"}))
    ]
    configured = settings_for(org)
    blind_to_org_rules = PlanContext(config_client(configured), configured, RuleCatalog.default())
    try:
        listed = {r.rule for r in plans.rules_overview(blind_to_org_rules).data.rows}
        assert "restricted-ssh-periodic" in listed
        answer = plans.rule_compliance(blind_to_org_rules, "restricted-ssh-periodic")
    finally:
        FAULTS.clear()
    assert {r.key for r in answer.data.resources} == oracle(org, "restricted-ssh-periodic")


def test_remembered_unknown_rules_are_bounded_and_fresh(
    service: PlanContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.questions.plans.context

    monkeypatch.setattr(bot.questions.plans.context, "UNKNOWN_RULES_KEPT", 3)
    for word in ("zzqa", "zzqb", "zzqc", "zzqd", "zzqe"):
        with pytest.raises(errors.RuleNotFound):
            plans.rule_compliance(service, word)
    assert sum(key[0] == "unknown_rule" for key in service._memo) <= 3
    with pytest.raises(errors.RuleNotFound) as first:
        plans.rule_compliance(service, "zzqe")
    with pytest.raises(errors.RuleNotFound) as second:
        plans.rule_compliance(service, "zzqe")
    assert first.value is not second.value  # a new error each time: no traceback grows
