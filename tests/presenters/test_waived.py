"""Waived findings as every answer shows them: "N waived" with the way to list them, the waived
resources after the others (bounded), an all-clear that never hides them nor counts them as
failing, a CSV that holds them marked, and a reason typed as markup shown as text. The answers are
made as the bot makes them: AWS's answer with the waivers applied (bot/waivers/apply.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.answers.models import (
    AccountDrilldown,
    Answer,
    Count,
    Coverage,
    FailingResources,
    NonCompliantResource,
    ResourceRef,
    ResourceReport,
    ResourceRuleCompliance,
    RuleCompliance,
    RuleOverviewRow,
    RulesOverview,
    SourceCount,
    SourceProblem,
)
from bot.presenters import waived as waived_presenter
from bot.presenters.export import to_csv
from bot.presenters.message import message
from bot.presenters.resources import RESOURCE
from bot.presenters.rule import ACCOUNT, FAILING, RULE
from bot.presenters.summaries import RULES
from bot.presenters.text import render
from bot.questions.question import Question
from bot.waivers import apply
from bot.waivers.apply import RuleWaiving
from bot.waivers.model import Book, Waiver
from tests.presenters.test_formatting import check_limits
from tests.presenters.test_hostile_text import mrkdwn_texts

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
UNTIL = datetime(2026, 12, 31, 0, 0, tzinfo=UTC)
RULE_NAME = "s3-bucket-server-side-encryption-enabled"
A, B = "111111111111", "222222222222"
PING = "<!channel> `RISK-1` <https://evil.example|click>"
QUESTION = Question("rule", {"rule": RULE_NAME})


def bucket(account: str, name: str, rule: str = RULE_NAME) -> NonCompliantResource:
    return NonCompliantResource(
        account_id=account,
        region="eu-west-1",
        resource_type="AWS::S3::Bucket",
        resource_id=name,
        rule=rule,
        rule_names=[rule],
        console_url=f"https://console.example/{name}",
    )


def waiver(
    account: str, name: str, reason: str = "Replaced in Q4 (RISK-142)", rule: str = RULE_NAME
) -> Waiver:
    return Waiver(
        rule=rule,
        account_id=account,
        region="eu-west-1",
        resource_id=name,
        expires_at=UNTIL,
        reason=reason,
        approved_by="U0RISKLEAD",
    )


def answer(data: Any, coverage: Coverage | None = None) -> Answer[Any]:
    return Answer[Any](
        question="q", aggregator="Org", data=data, coverage=coverage or Coverage(), as_of=NOW, aws_calls=1
    )


def shown(data: Any, presenter: Any, coverage: Coverage | None = None) -> tuple[dict[str, Any], str]:
    """The Slack message (checked against Slack's limits) and its mrkdwn as one text."""
    posted = message(answer(data, coverage), presenter, NOW, QUESTION)
    check_limits(posted)
    return posted, "\n".join(mrkdwn_texts(posted))


def rule_answer(*resources: NonCompliantResource) -> RuleCompliance:
    by_place: dict[tuple[str, str], int] = {}
    for r in resources:
        by_place[(r.account_id, r.region)] = by_place.get((r.account_id, r.region), 0) + 1
    return RuleCompliance(
        rule=RULE_NAME,
        member_rule_names=[RULE_NAME],
        plan="fan-out",
        resources=list(resources),
        sources=[
            SourceCount(account_id=a, region=g, non_compliant=Count(value=n))
            for (a, g), n in by_place.items()
        ],
    )


def csv_rows(data: Any, presenter: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv(answer(data), presenter))))


# --- one rule ---------------------------------------------------------------------------------


def test_a_rule_answer_counts_without_the_waived_and_lists_them_after() -> None:
    data = apply.rule_compliance(
        rule_answer(bucket(A, "b1"), bucket(A, "b2"), bucket(B, "logs")), Book([waiver(B, "logs")], NOW)
    )
    posted, text = shown(data, RULE)
    assert "*Non-compliant resources*\n2" in text and "*Waived*\n1" in text
    assert f"*1 waived* (accepted risks, left out of these counts): `waivers {RULE_NAME}` lists them" in text
    waived_line = (
        f"• <https://console.example/logs|logs> `AWS::S3::Bucket` {B} eu-west-1, "
        "until 2026-12-31 00:00 UTC: _Replaced in Q4 (RISK-142)_"
    )
    assert waived_line in text
    # After the non-compliant resources, before the buttons.
    kinds = [b["type"] for b in posted["blocks"]]
    assert text.index("Resources 1–2 of 2") < text.index("1 waived")
    assert kinds[-2] == "actions"
    lines = render(answer(data), RULE).splitlines()
    assert lines[0].startswith(f"{RULE_NAME}: 2 non-compliant resource(s) in 1 account(s)")
    at = lines.index(f"1 waived (accepted risks, left out of these counts; waivers {RULE_NAME} lists them):")
    assert lines[at + 1].split() == [
        B,
        "eu-west-1",
        "AWS::S3::Bucket",
        "logs",
        "until",
        "2026-12-31",
        "00:00",
        "UTC,",
        "approved",
        "by",
        "U0RISKLEAD:",
        "Replaced",
        "in",
        "Q4",
        "(RISK-142)",
    ]


def test_the_export_holds_the_counted_rows_then_the_waived_ones_marked() -> None:
    data = apply.rule_compliance(
        rule_answer(bucket(A, "b1"), bucket(B, "=logs")),
        Book([waiver(B, "=logs", reason="+1 @SUM(A1)")], NOW),
    )
    rows = csv_rows(data, RULE)
    assert [(r["resource_id"], r["waived_until"]) for r in rows] == [
        ("b1", ""),
        ("'=logs", "2026-12-31T00:00:00+00:00"),
    ]
    assert rows[1]["waiver_reason"] == "'+1 @SUM(A1)" and rows[1]["waiver_approved_by"] == "U0RISKLEAD"
    assert [r for r in rows if not r["waived_until"]] == rows[: len(data.resources)]  # those counted


def test_everything_waived_is_an_all_clear_that_says_so() -> None:
    data = apply.rule_compliance(
        rule_answer(bucket(A, "b1"), bucket(B, "logs")), Book([waiver(A, "b1"), waiver(B, "logs")], NOW)
    )
    posted, text = shown(data, RULE)
    assert (
        ":white_check_mark: No non-compliant resources in any account or region, except 2 waived "
        "resources (accepted risks)." in text
    )
    assert "Non-compliant resources*" not in text  # never "2 failing"
    assert "b1" in text and "logs" in text  # the waived ones, listed
    assert "compliance_export" in json.dumps(posted)  # and exportable
    assert render(answer(data), RULE).startswith(
        f"{RULE_NAME}: no non-compliant resources anywhere, except 2 waived resources (accepted risks)."
    )
    # Not every source reported: no all-clear, and the waived ones still said.
    problem = SourceProblem(source_id=B, source_type="ACCOUNT", region="us-east-1", status="FAILED")
    _, partial = shown(data, RULE, Coverage(failed=[problem]))
    assert (
        ":warning: No non-compliant resources in the sources that reported, except 2 waived resources "
        "(accepted risks), but not every source did" in partial
    )


def test_without_waivers_nothing_changes() -> None:
    data = rule_answer(bucket(A, "b1"))
    _, text = shown(data, RULE)
    assert "waived" not in text.lower()
    _, clear = shown(rule_answer(), RULE)
    assert ":white_check_mark: No non-compliant resources in any account or region." in clear


def test_many_waived_are_bounded() -> None:
    names = [f"b{i:02d}" for i in range(25)]
    data = apply.rule_compliance(
        rule_answer(*(bucket(A, n) for n in names)),
        Book([waiver(A, n, reason="x" * 500) for n in names], NOW),
    )
    _, text = shown(data, RULE)
    assert "*25 waived*" in text and "…and 15 more" in text
    assert "b09" in text and "b10" not in text
    assert len(csv_rows(data, RULE)) == 25  # the export has every one


# --- an account, a place, the rules -------------------------------------------------------------


def drilldown_rows() -> list[RuleOverviewRow]:
    return [
        RuleOverviewRow(
            rule=RULE_NAME, member_rule_names=[RULE_NAME], accounts=1, regions=1, resources=Count(value=2)
        ),
        RuleOverviewRow(
            rule="restricted-ssh",
            member_rule_names=["restricted-ssh"],
            accounts=1,
            regions=1,
            resources=Count(value=1),
        ),
    ]


def test_an_account_and_a_place_list_their_waived_resources_with_the_rule() -> None:
    resources = [bucket(A, "b1"), bucket(A, "b2"), bucket(A, "sg-1", rule="restricted-ssh")]
    book = Book([waiver(A, "b2")], NOW)
    account = apply.drilldown(
        AccountDrilldown(account_id=A, rules=drilldown_rows(), resources=resources), book
    )
    place = apply.drilldown(
        FailingResources(region="eu-west-1", rules=drilldown_rows(), resources=resources), book
    )
    for data, presenter in ((account, ACCOUNT), (place, FAILING)):
        _, text = shown(data, presenter)
        assert "*1 waived* (accepted risks, left out of these counts): `waivers` lists them" in text
        assert (
            f"`AWS::S3::Bucket` {A} eu-west-1, until 2026-12-31 00:00 UTC: "
            f"_Replaced in Q4 (RISK-142)_ ({RULE_NAME})" in text
        )
        assert "1 waived (accepted risks" in render(answer(data), presenter)
        assert [r["waived_until"] != "" for r in csv_rows(data, presenter)] == [False, False, True]
    posted, _ = shown(place, FAILING)
    assert posted["blocks"][0]["text"]["text"] == "Failing in eu-west-1: 2 resource(s), 2 rule(s)"


def test_an_account_with_only_waived_findings_says_nothing_fails_but_them() -> None:
    rows = drilldown_rows()[:1]
    data = apply.drilldown(
        AccountDrilldown(account_id=A, rules=rows, resources=[bucket(A, "b1"), bucket(A, "b2")]),
        Book([waiver(A, "b1"), waiver(A, "b2")], NOW),
    )
    assert data.rules == []
    _, text = shown(data, ACCOUNT)
    assert ":white_check_mark: Nothing is failing in any account or region, except 2 waived resources" in text
    assert "rule(s) failing" not in text
    assert render(answer(data), ACCOUNT).startswith(
        f"Account {A}: nothing is failing, except 2 waived resources (accepted risks)."
    )


def test_the_rules_overview_says_how_many_are_waived() -> None:
    overview = RulesOverview(rows=drilldown_rows())
    data = apply.rules_overview(
        overview, {RULE_NAME: RuleWaiving(1, 0, 0), "restricted-ssh": RuleWaiving(1, 1, 1)}
    )
    assert data.waived == 2 and len(data.rows) == 1
    _, text = shown(data, RULES)
    assert "*2 waived* (accepted risks, left out of these counts): `waivers` lists them" in text
    assert "waived" in text.split("```")[1].splitlines()[0]  # a waived column in the table
    rows = csv_rows(data, RULES)
    assert [(r["rule"], r["non_compliant_resources"], r["waived"]) for r in rows] == [(RULE_NAME, "1", "1")]
    assert "2 waived (accepted risks" in render(answer(data), RULES)
    everything = apply.rules_overview(
        RulesOverview(rows=drilldown_rows()[1:]), {"restricted-ssh": RuleWaiving(1, 1, 1)}
    )
    _, clear = shown(everything, RULES)
    assert "No rule has non-compliant resources in any account or region, except 1 waived resource" in clear
    assert "*1 waived*" in clear


# --- one resource -------------------------------------------------------------------------------


def report(reason: str = "Replaced in Q4 (RISK-142)") -> ResourceReport:
    data = ResourceReport(
        identifier="logs",
        resource=ResourceRef(
            account_id=B, region="eu-west-1", resource_type="AWS::S3::Bucket", resource_id="logs"
        ),
        compliance=[
            ResourceRuleCompliance(
                rule_name=RULE_NAME,
                rule=RULE_NAME,
                compliance_type="NON_COMPLIANT",
                annotation="not encrypted",
            ),
            ResourceRuleCompliance(rule_name="versioning", rule="versioning", compliance_type="COMPLIANT"),
        ],
    )
    return apply.resource_report(data, Book([waiver(B, "logs", reason=reason)], NOW))


def test_the_resource_report_shows_a_waived_rule_as_non_compliant_and_waived() -> None:
    data = report()
    _, text = shown(data, RESOURCE)
    assert "*Compliance*\n:white_check_mark: COMPLIANT (1 rule waived)" in text
    assert (
        f":memo: *{RULE_NAME}*: NON_COMPLIANT, waived until 2026-12-31 00:00 UTC: Replaced in Q4 (RISK-142)"
        "\n    _not encrypted_" in text
    )
    lines = render(answer(data), RESOURCE)
    assert "compliance: COMPLIANT (1 rule waived)" in lines
    assert (
        f"NON_COMPLIANT  {RULE_NAME} ({RULE_NAME}): "
        "waived until 2026-12-31 00:00 UTC: Replaced in Q4 (RISK-142)" in lines
    )


# --- text typed by people is data ----------------------------------------------------------------


def test_a_reason_typed_as_markup_never_pings_nor_links() -> None:
    data = apply.rule_compliance(
        rule_answer(bucket(A, "b1"), bucket(B, "logs")), Book([waiver(B, "logs", reason=PING)], NOW)
    )
    account = apply.drilldown(
        AccountDrilldown(account_id=B, rules=drilldown_rows()[:1], resources=[bucket(B, "logs")]),
        Book([waiver(B, "logs", reason=PING)], NOW),
    )
    for data_, presenter in ((data, RULE), (account, ACCOUNT), (report(PING), RESOURCE)):
        posted, text = shown(data_, presenter)
        for shown_text in mrkdwn_texts(posted):
            assert "<!" not in shown_text and "<https://evil" not in shown_text
            assert shown_text.count("`") % 2 == 0
        assert "&lt;!channel&gt; ˋRISK-1ˋ &lt;https://evil.example|click&gt;" in text


def test_the_waived_note_names_the_command_that_lists_them() -> None:
    assert waived_presenter.listing(RULE_NAME) == f"waivers {RULE_NAME}"
    assert (
        waived_presenter.note(3)
        == "*3 waived* (accepted risks, left out of these counts): `waivers` lists them"
    )
    assert waived_presenter.blocks([]) == [] and waived_presenter.text([]) == []
    assert waived_presenter.until(NOW + timedelta(days=3, hours=1), NOW).endswith("(3 day(s) left)")
