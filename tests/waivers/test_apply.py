"""Waivers applied to answers (pure): counts made exact from what the answer lists, lower bounds
where it cannot tell, and the grammar of `waive`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from bot.answers.models import (
    AccountDrilldown,
    Count,
    NonCompliantResource,
    ResourceRef,
    ResourceReport,
    ResourceRuleCompliance,
    RuleCompliance,
    RuleOverviewRow,
    RulesOverview,
    SourceCount,
)
from bot.digest.snapshots import Snapshot
from bot.errors import UserError
from bot.presenters.common import question_value
from bot.questions.answerer import Answerer
from bot.questions.grammar import parse
from bot.questions.parsers import waive as parse_waive
from bot.questions.question import Question
from bot.waivers import apply
from bot.waivers.apply import RuleWaiving
from bot.waivers.model import Book, Waiver, expiring

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
RULE = "s3-bucket-server-side-encryption-enabled"
A, B = "111111111111", "222222222222"


def resource(account: str, region: str, rid: str, rule: str = RULE) -> NonCompliantResource:
    return NonCompliantResource(
        account_id=account,
        region=region,
        resource_type="AWS::S3::Bucket",
        resource_id=rid,
        rule=rule,
        rule_names=[rule],
        console_url="https://console.example/x",
    )


def waiver(account: str, region: str, rid: str, days: float = 30, rule: str = RULE, **more: object) -> Waiver:
    return Waiver(
        rule=rule,
        account_id=account,
        region=region,
        resource_id=rid,
        expires_at=NOW + timedelta(days=days),
        reason="accepted",
        **more,  # type: ignore[arg-type]
    )


def rule_answer(
    resources: list[NonCompliantResource], sources: dict[tuple[str, str], Count]
) -> RuleCompliance:
    return RuleCompliance(
        rule=RULE,
        member_rule_names=[RULE],
        plan="fan-out",
        resources=resources,
        sources=[SourceCount(account_id=a, region=r, non_compliant=c) for (a, r), c in sources.items()],
    )


def test_a_waived_resource_leaves_the_counts_and_is_listed_as_waived() -> None:
    data = rule_answer(
        [resource(A, "us-east-1", "b1"), resource(A, "us-east-1", "b2"), resource(B, "eu-west-1", "b3")],
        {(A, "us-east-1"): Count(value=2), (B, "eu-west-1"): Count(value=1)},
    )
    waived = apply.rule_compliance(data, Book([waiver(B, "eu-west-1", "b3")], NOW))
    assert waived.non_compliant_resources == Count(value=2)
    assert waived.accounts == [A]  # the source left with nothing is gone
    assert [w.resource.resource_id for w in waived.waived] == ["b3"]
    assert [r.resource_id for r in waived.resources] == ["b1", "b2"]


def test_an_expired_or_other_waiver_changes_nothing() -> None:
    data = rule_answer([resource(A, "us-east-1", "b1")], {(A, "us-east-1"): Count(value=1)})
    book = Book([waiver(A, "us-east-1", "b1", days=-1), waiver(A, "us-east-1", "b9")], NOW)
    assert apply.rule_compliance(data, book) == data.model_copy(update={"waived": []})
    assert apply.rule_compliance(data, Book([waiver(A, "us-east-1", "b1", rule="other")], NOW)) == data


def test_a_waiver_the_answer_cannot_place_makes_its_count_a_lower_bound() -> None:
    # Three non-compliant in the source, one listed (details not read): the waived one may be
    # among the two not listed, or compliant by now.
    data = rule_answer([resource(A, "us-east-1", "b1")], {(A, "us-east-1"): Count(value=3)})
    waived = apply.rule_compliance(data, Book([waiver(A, "us-east-1", "b7")], NOW))
    assert waived.non_compliant_resources == Count(value=2, capped=True)
    assert waived.non_compliant_resources.words == "at least 2"
    # Every resource of the source listed: the waived one is not failing; nothing changes.
    full = rule_answer([resource(A, "us-east-1", "b1")], {(A, "us-east-1"): Count(value=1)})
    assert apply.rule_compliance(full, Book([waiver(A, "us-east-1", "b7")], NOW)).sources == full.sources


def test_a_drilldown_is_recomputed_from_the_resources_left() -> None:
    other = "s3-bucket-public-read-prohibited"
    data = AccountDrilldown(
        account_id=A,
        rules=[
            RuleOverviewRow(
                rule=RULE, member_rule_names=[RULE], accounts=1, regions=2, resources=Count(value=2)
            ),
            RuleOverviewRow(
                rule=other, member_rule_names=[other], accounts=1, regions=1, resources=Count(value=1)
            ),
        ],
        resources=[
            resource(A, "us-east-1", "b1"),
            resource(A, "eu-west-1", "b2"),
            resource(A, "us-east-1", "b1", rule=other),
        ],
    )
    waived = apply.drilldown(data, Book([waiver(A, "eu-west-1", "b2")], NOW))
    row = next(r for r in waived.rules if r.rule == RULE)
    assert (row.resources, row.regions, row.waived) == (Count(value=1), 1, 1)
    # b1 is waived for one rule only: it still breaks the other.
    both = apply.drilldown(data, Book([waiver(A, "us-east-1", "b1"), waiver(A, "eu-west-1", "b2")], NOW))
    assert [r.rule for r in both.rules] == [other] and len(both.waived) == 2


def test_the_overview_takes_what_the_lookup_read() -> None:
    data = RulesOverview(
        rows=[
            RuleOverviewRow(
                rule=RULE, member_rule_names=[RULE], accounts=2, regions=2, resources=Count(value=5)
            ),
            RuleOverviewRow(
                rule="x", member_rule_names=["x"], accounts=1, regions=1, resources=Count(value=1)
            ),
        ]
    )
    waived = apply.rules_overview(data, {RULE: RuleWaiving(2, 1, 0), "x": RuleWaiving(1, 1, 1)})
    assert [(r.rule, r.resources.value, r.accounts, r.regions, r.waived) for r in waived.rows] == [
        (RULE, 3, 1, 2, 2)
    ]
    assert waived.waived == 3 and waived.waived_elsewhere == 1


def test_the_digest_snapshot_leaves_waived_findings_out() -> None:
    findings = [
        (A, "us-east-1", RULE, "AWS::S3::Bucket", "b1"),
        (A, "us-east-1", "other", "AWS::S3::Bucket", "b1"),
        (B, "eu-west-1", RULE, "AWS::S3::Bucket", "b3"),
    ]
    snapshot = Snapshot(
        aggregator="agg",
        taken_at=NOW,
        compliant_resources=10,
        non_compliant_resources=2,
        compliant_rules=1,
        non_compliant_rules=2,
        findings=findings,
    )
    kept, left_out = apply.snapshot(
        snapshot, Book([waiver(A, "us-east-1", "b1"), waiver(B, "eu-west-1", "b3")], NOW)
    )
    assert kept.non_compliant_resources == 1  # b1 still breaks `other`
    assert len(left_out) == 2 and kept.findings == [findings[1]]


def test_a_waived_rule_row_of_a_resource_report_is_marked_and_not_counted() -> None:
    ref = ResourceRef(account_id=A, region="us-east-1", resource_type="AWS::S3::Bucket", resource_id="b1")
    report = ResourceReport(
        identifier="b1",
        resource=ref,
        compliance=[ResourceRuleCompliance(rule_name=RULE, rule=RULE, compliance_type="NON_COMPLIANT")],
    )
    marked = apply.resource_report(report, Book([waiver(A, "us-east-1", "b1")], NOW))
    assert marked.compliance[0].waived_until == NOW + timedelta(days=30)
    assert report.compliance_type == "NON_COMPLIANT" and marked.compliance_type == "COMPLIANT"


def test_a_waiver_without_a_type_covers_the_id_under_any_type_and_a_date_waives_through_that_day() -> None:
    w = Waiver(
        rule=RULE,
        account_id=A,
        region="us-east-1",
        resource_id="b1",
        expires_at=date(2026, 11, 27),
        reason="r",
    )
    assert w.expires_at == datetime(2026, 11, 28, tzinfo=UTC)
    assert Book([w], NOW).of(RULE, A, "us-east-1", "AWS::Anything", "b1") is w
    typed = waiver(A, "us-east-1", "b1", resource_type="AWS::S3::Bucket")
    assert Book([typed], NOW).of(RULE, A, "us-east-1", "AWS::IAM::Role", "b1") is None
    assert expiring([w, waiver(A, "us-east-1", "b2", days=30)], NOW) == [w]


def test_the_waive_grammar() -> None:
    usage = "waive ..."
    assert parse_waive(
        ["bucket-1", "s3-enc", "30d", "RISK-142:", "legacy", "<logs>"],
        "bucket-1 s3-enc 30d RISK-142:  legacy <logs>",
        usage,
    ) == {
        "resource": "bucket-1",
        "rule": "s3-enc",
        "days": "30",
        "reason": "RISK-142:  legacy <logs>",
    }
    text = f"b1 s3-enc account {A} region us-east-1 7d ok"
    assert parse_waive(text.split(), text, usage)["account"] == A
    for bad in ("b1 s3-enc 30d", "b1 s3-enc because", "b1 s3-enc 0d why", "b1 s3-enc 400d why", "b1 30d why"):
        with pytest.raises(UserError):
            parse_waive(bad.split(), bad, usage)


def test_a_reason_that_ends_in_public_is_the_reason() -> None:
    question = parse("waive b1 s3-enc 30d the bucket hosts a website and must stay public")
    assert question.params["reason"].endswith("must stay public") and not question.public
    assert parse("public waive b1 s3-enc 30d why").public


def test_a_waiver_keeps_to_the_fields_it_knows() -> None:
    with pytest.raises(ValidationError):  # a misspelt `resource_type` must not widen the waiver
        Waiver.model_validate(
            {**waiver(A, "us-east-1", "b1").model_dump(), "resource_typ": "AWS::S3::Bucket"}
        )


def test_a_choice_button_carries_a_long_reason_in_any_script() -> None:
    question = Question("waive", {"resource": "b1", "rule": RULE, "days": "30", "reason": "ü" * 450})
    assert question_value(question) is not None


def test_the_answerer_applies_only_the_scopes_waivers() -> None:
    waivers = [waiver(A, "us-east-1", "b1"), waiver(B, "eu-west-1", "b3")]
    answerer = Answerer(SimpleNamespace(clock=lambda: NOW), None, lambda: waivers)  # type: ignore[arg-type]
    assert answerer.book("agg", frozenset({A})).waivers == waivers[:1]
    assert answerer.book("agg").waivers == waivers
