"""Every formatter, with small and very large answers, stays inside Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.models import (
    AccountDrilldown,
    AggregatorInfo,
    Aggregators,
    Answer,
    ComplianceSummary,
    Count,
    DoctorReport,
    Finding,
    GroupCount,
    NonCompliantResource,
    PackCompliance,
    PackRow,
    QueryResult,
    ResourceCounts,
    ResourceReport,
    ResourceRuleCompliance,
    RuleCompliance,
    RuleOverviewRow,
    RulesOverview,
    SourceCount,
    SourceHealth,
    SourceProblem,
    SummaryRow,
)
from bot.presenters.common import question_from_value
from bot.presenters.export import to_csv
from bot.presenters.home import home_view
from bot.presenters.message import message
from bot.presenters.presenter import Presenter
from bot.presenters.query import QUERY
from bot.presenters.resources import RESOURCE, RESOURCES
from bot.presenters.rule import ACCOUNT, RULE
from bot.presenters.sources import AGGREGATORS, DOCTOR, HEALTH
from bot.presenters.summaries import PACKS, RULES, SUMMARY
from bot.questions.question import Question
from bot.slack.blocks import clip

NOW = datetime(2026, 11, 26, 9, 41, tzinfo=UTC)
LONG = "x" * 5000
# Each answer model's presenter, as the registry (bot/questions/kinds.py) pairs them.
PRESENTERS: dict[type, Presenter[Any]] = {
    RuleCompliance: RULE,
    ComplianceSummary: SUMMARY,
    RulesOverview: RULES,
    AccountDrilldown: ACCOUNT,
    ResourceReport: RESOURCE,
    ResourceCounts: RESOURCES,
    SourceHealth: HEALTH,
    PackCompliance: PACKS,
    QueryResult: QUERY,
    Aggregators: AGGREGATORS,
    DoctorReport: DOCTOR,
}


def presenter(data: Any) -> Presenter[Any]:
    return PRESENTERS[type(data)]


def resource(i: int, text: str = "") -> NonCompliantResource:
    return NonCompliantResource(
        account_id=f"{i:012d}",
        region="eu-west-1",
        resource_type="AWS::S3::Bucket",
        resource_id=f"bucket-{i}{text}",
        rule=f"rule{text}",
        rule_names=[f"rule-{i}{text}", f"OrgConfigRule-rule-{i}{text}-ab12cd34"][: 1 + i % 2],
        annotation=text or None,
        evaluated_at=NOW,
        console_url=f"https://example.com/{i}",
    )


def models(n: int, text: str = "") -> list[Any]:
    resources = [resource(i, text) for i in range(n)]
    rows = [
        RuleOverviewRow(
            rule=f"rule-{i}{text}",
            member_rule_names=[f"r{i}{text}"],
            accounts=i,
            regions=2,
            resources=Count(value=i, capped=i % 2 == 0),
        )
        for i in range(n)
    ]
    return [
        RuleCompliance(
            rule=f"rule{text}",
            member_rule_names=[f"rule{text}"],
            plan="fan-out",
            resources=resources,
            sources=[
                SourceCount(
                    account_id=f"{i:012d}", region="eu-west-1", non_compliant=Count(value=i, capped=i > 100)
                )
                for i in range(n)
            ],
            complete=n % 2 == 0,
        ),
        ComplianceSummary(
            group_by="account",
            rows=[
                SummaryRow(
                    group=f"{i:012d}{text}",
                    compliant_rules=Count(value=i),
                    non_compliant_rules=Count(value=n - i, capped=i == 1),
                )
                for i in range(n)
            ],
        ),
        RulesOverview(rows=rows),
        AccountDrilldown(account_id="123456789012", rules=rows, resources=resources),
        ResourceReport(
            account_id="123456789012",
            region="eu-west-1",
            resource_type="AWS::S3::Bucket",
            resource_id=f"bucket{text}",
            resource_name=f"bucket{text}",
            configuration={"k": text},
            compliance=[
                ResourceRuleCompliance(
                    rule_name=f"r{i}{text}", rule=f"rule{i}", compliance_type="NON_COMPLIANT"
                )
                for i in range(n)
            ],
            console_url="https://example.com/b",
            other_matches=n,
        ),
        ResourceCounts(
            group_by="type", total=n, rows=[GroupCount(group=f"T{i}{text}", count=i) for i in range(n)]
        ),
        SourceHealth(
            problems=[
                SourceProblem(
                    source_id=f"{i:012d}",
                    source_type="ACCOUNT",
                    region="us-east-1",
                    status="FAILED" if i % 2 else "OUTDATED",
                    error_code=f"E{text}",
                    error_message=text,
                    last_update=NOW - timedelta(hours=i),
                    age_seconds=3600 * i,
                )
                for i in range(n)
            ]
        ),
        PackCompliance(
            rows=[
                PackRow(
                    pack=f"pack{text}",
                    account_id=f"{i:012d}",
                    region="us-east-1",
                    compliance_type="NON_COMPLIANT",
                    compliant_rules=i,
                    non_compliant_rules=1,
                    total_rules=i + 1,
                )
                for i in range(n)
            ]
        ),
        QueryResult(
            expression=f"SELECT resourceId{text}",
            columns=["resourceId"],
            rows=[{"resourceId": f"r{i}{text}"} for i in range(n)],
            truncated=n > 5,
        ),
        Aggregators(
            rows=[
                AggregatorInfo(
                    name=f"agg{i}{text}",
                    arn="arn",
                    kind="organization",
                    all_regions=False,
                    regions=["us-east-1"] * 3,
                )
                for i in range(n)
            ]
        ),
        DoctorReport(
            aggregator="Org",
            findings=[Finding(severity="warning", title=f"t{text}", detail=text, fix=text) for _ in range(n)],
        ),
    ]


def answer(data: Any, cached: bool = True) -> Answer[Any]:
    return Answer[Any](
        question="q" * 400,
        aggregator="OrgAggregator",
        data=data,
        as_of=NOW - timedelta(minutes=3),
        aws_calls=3,
        cached=cached,
    )


def check_limits(posted: dict[str, Any]) -> None:
    blocks = posted["blocks"]
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["value"]) <= 2000 and len(element["text"]["text"]) <= 75
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    text = sum(
        len(b.get("text", {}).get("text", "")) if isinstance(b.get("text"), dict) else 0 for b in blocks
    )
    text += sum(len(f["text"]) for b in blocks for f in b.get("fields", []) or [])
    assert text <= 12_000


@pytest.mark.parametrize("size", [0, 1, 11, 2000])
@pytest.mark.parametrize("text", ["", LONG, "<&>*_~`"])
def test_every_formatter_stays_inside_the_limits(size: int, text: str) -> None:
    question = Question("rule", {"rule": "restricted-ssh"})
    for data in models(size, text):
        for page in (0, 1, 10_000):
            check_limits(message(answer(data), presenter(data), NOW, question, page))
        check_limits(message(answer(data, cached=False), presenter(data), NOW, None))


def test_the_context_line_says_how_old_and_where() -> None:
    posted = message(answer(models(1)[1]), SUMMARY, NOW)
    assert posted["blocks"][-1]["elements"][0]["text"] == (
        "data as of 09:38 UTC, cached 3 min ago, aggregator OrgAggregator"
    )
    fresh = message(answer(models(1)[1], cached=False), SUMMARY, NOW)
    assert (
        fresh["blocks"][-1]["elements"][0]["text"]
        == "data as of 09:38 UTC, fresh, 3 AWS calls, aggregator OrgAggregator"
    )


def test_capped_counts_read_as_lower_bounds() -> None:
    assert str(Count(value=100, capped=True)) == "100+"
    data = RuleCompliance(
        rule="r",
        member_rule_names=["r"],
        plan="fan-out",
        resources=[],
        sources=[
            SourceCount(account_id="1" * 12, region="us-east-1", non_compliant=Count(value=100, capped=True))
        ],
        complete=False,
    )
    assert "100+" in json.dumps(message(answer(data), RULE, NOW))


def test_buttons_carry_their_question_and_page() -> None:
    question = Question("rule", {"rule": "restricted-ssh"}, aggregator="Org")
    posted = message(answer(models(25)[0]), RULE, NOW, question, 1)
    actions = {
        e["action_id"]: e["value"] for b in posted["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert set(actions) == {
        "compliance_page_prev",
        "compliance_page_next",
        "compliance_export",
        "compliance_refresh",
    }
    assert question_from_value(actions["compliance_page_next"]) == (question, 2)
    assert question_from_value(actions["compliance_page_prev"]) == (question, 0)


def test_home_view_stays_inside_the_limits() -> None:
    data = models(3000, LONG)
    view = home_view(answer(data[1]), answer(data[2]), answer(data[6]), NOW, problem=LONG)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert len(json.dumps(view)) < 250_000


@pytest.mark.parametrize("index", [0, 1, 2, 3, 5, 6, 7, 8])
def test_export_has_every_row(index: int) -> None:
    data = models(1000)[index]
    lines = to_csv(answer(data), presenter(data)).strip().splitlines()
    expected = {0: 1000, 1: 1000, 2: 1000, 3: 1000, 5: 1000, 6: 1000, 7: 1000, 8: 1000}[index]
    assert len(lines) == expected + 1


def test_one_resource_aggregators_and_doctor_have_no_csv_form() -> None:
    for data in models(2):
        if presenter(data) in (RESOURCE, AGGREGATORS, DOCTOR):
            with pytest.raises(ValueError, match="has no CSV form"):
                to_csv(answer(data), presenter(data))
        else:
            assert to_csv(answer(data), presenter(data))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 60), st.text(max_size=300), st.integers(-5, 50))
def test_random_sizes_and_text_never_break_a_formatter(size: int, text: str, page: int) -> None:
    for data in models(size, text):
        check_limits(message(answer(data), presenter(data), NOW, Question("rules"), page))


def test_a_page_shows_every_resource_it_counts_however_long_their_lines() -> None:
    resources = [
        resource(i, "-" + "x" * 120).model_copy(
            update={"rule_names": [f"OrgConfigRule-rule-{'y' * 60}-ab12cd3{i % 10}", f"rule-{'z' * 60}"]}
        )
        for i in range(25)
    ]
    data = models(25)[0].model_copy(update={"resources": resources})
    text = json.dumps(message(answer(data), RULE, NOW, Question("rule", {"rule": "r"}), page=1))
    assert all(f"bucket-{i}-" in text for i in range(10, 20))


def test_clipping_never_shows_half_an_escape() -> None:
    assert clip("a" * 8 + "&lt;b", 11) == "a" * 8 + "…"
    assert clip("abc", 11) == "abc"
