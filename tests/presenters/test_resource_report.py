"""The resource report as Slack blocks and as text: every rule with its annotation and time, the
configuration in short, tags, related resources, last change and console link; a resource with no
configuration item; and the matches to pick from, one button each asking for it by ARN or id."""

from __future__ import annotations

import json
from typing import Any

from bot.answers.models import Answer, RelatedResource, ResourceRef, ResourceReport, ResourceRuleCompliance
from bot.presenters.common import ACTION_ASK, question_from_value
from bot.presenters.message import message
from bot.presenters.resources import RESOURCE
from bot.presenters.text import render
from bot.questions.question import Question
from tests.support.answers import NOW, ref
from tests.support.slack import buttons, text_of

GROUP = ResourceRef(
    account_id="123456789012",
    region="eu-west-1",
    resource_type="AWS::EC2::SecurityGroup",
    resource_id="sg-0abc",
    resource_name="payments-prod-web",
    arn="arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc",
)
REPORT = ResourceReport(
    identifier="sg-0abc",
    resource=GROUP,
    captured_at=NOW,
    configuration={"groupId": "sg-0abc", "groupName": "payments-prod-web"},
    tags={"team": "payments"},
    relationships=[
        RelatedResource(
            resource_type="AWS::EC2::Instance",
            resource_id="i-0def",
            resource_name="payments-prod-4",
            relationship="Is associated with Instance",
        )
    ],
    compliance=[
        ResourceRuleCompliance(
            rule_name="OrgConfigRule-restricted-ssh-ab12cd34",
            rule="restricted-ssh",
            compliance_type="NON_COMPLIANT",
            region="eu-west-1",
            annotation="The security group allows SSH (port 22) from 0.0.0.0/0.",
            evaluated_at=NOW,
        ),
        ResourceRuleCompliance(
            rule_name="restricted-common-ports-conformance-pack-x",
            rule="restricted-common-ports",
            compliance_type="NON_COMPLIANT",
            region="eu-west-1",
            details_unread=True,
        ),
        ResourceRuleCompliance(
            rule_name="vpc-sg-open-only-to-authorized-ports",
            rule="vpc-sg-open-only-to-authorized-ports",
            compliance_type="COMPLIANT",
            region="eu-west-1",
        ),
    ],
    console_url="https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-0abc",
)
QUESTION = Question("resource", {"id": "sg-0abc"}, aggregator="Org")


def answer(data: ResourceReport) -> Answer[Any]:
    return Answer[Any](question="resource x", aggregator="Org", data=data, as_of=NOW, aws_calls=4)


def test_the_report_shows_every_rule_with_its_annotation_and_the_resource_around_it() -> None:
    posted = message(answer(REPORT), RESOURCE, NOW, QUESTION)
    shown = text_of(posted)
    for expected in (
        "NON_COMPLIANT",
        "*restricted-ssh* (`OrgConfigRule-restricted-ssh-ab12cd34`, eu-west-1)",
        "_The security group allows SSH (port 22) from 0.0.0.0/0._",
        "evaluated 2026-11-26 09:41 UTC",
        "annotation not read (detail_call_cap)",
        "compliant: vpc-sg-open-only-to-authorized-ports",
        "*Last changed*\n2026-11-26 09:41 UTC",
        "*groupName*\npayments-prod-web",
        "`team` payments",
        "Is associated with Instance: `AWS::EC2::Instance` i-0def (payments-prod-4)",
        f"<{REPORT.console_url}|Open in the AWS console>",
        f"`{GROUP.arn}`",
    ):
        assert expected in shown, expected
    assert "no configuration item" not in shown
    assert ACTION_ASK + "_0" not in buttons(posted)  # nothing to pick from
    text = render(answer(REPORT), RESOURCE)
    for expected in (
        "last changed 2026-11-26 09:41 UTC",
        "NON_COMPLIANT  restricted-ssh (OrgConfigRule-restricted-ssh-ab12cd34, eu-west-1)",
        "2026-11-26 09:41 UTC  The security group allows SSH",
        "configuration: groupId=sg-0abc, groupName=payments-prod-web",
        "tags: team=payments",
        "related: Is associated with Instance AWS::EC2::Instance i-0def",
        GROUP.arn or "",
    ):
        assert expected in text, expected


def test_a_resource_without_a_configuration_item_says_so_and_shows_its_rules() -> None:
    account = ResourceRef(
        account_id="123456789012",
        region="us-east-1",
        resource_type="AWS::::Account",
        resource_id="123456789012",
    )
    data = REPORT.model_copy(
        update={
            "resource": account,
            "configuration_item": False,
            "captured_at": None,
            "configuration": {},
            "tags": {},
            "relationships": [],
        }
    )
    shown = text_of(message(answer(data), RESOURCE, NOW, QUESTION))
    assert "AWS Config holds no configuration item of it" in shown
    assert "*Last changed*\nno configuration item" in shown and "restricted-ssh" in shown
    assert "*Configuration*" not in shown and "*Tags*" not in shown
    assert "no configuration item" in render(answer(data), RESOURCE)


def test_several_matches_are_listed_with_a_button_each_asking_by_arn_or_id() -> None:
    matches = [ref(i) for i in range(1, 4)]
    data = ResourceReport(identifier="web", matches=matches)
    posted = message(answer(data), RESOURCE, NOW, QUESTION)
    shown = text_of(posted)
    assert "3 resources match web" in shown
    assert all(m.account_id in shown and m.handle in shown for m in matches)
    asks = {k: v for k, v in buttons(posted).items() if k.startswith(ACTION_ASK)}
    assert len(asks) == 3
    asked = [question_from_value(b["value"])[0] for b in asks.values()]
    assert asked == [Question("resource", {"id": m.handle}, "Org") for m in matches]
    assert [b["text"]["text"] for b in asks.values()] == [
        f"{m.account_id} eu-west-1 EC2::SecurityGroup" for m in matches
    ]
    assert {m.handle for m in matches} == {m.arn or m.resource_id for m in matches}
    text = render(answer(data), RESOURCE)
    assert "3 resources match web; ask for one by its ARN or id:" in text
    assert all(m.handle in text for m in matches)


def test_an_exact_match_is_reported_and_the_namesakes_offered() -> None:
    data = REPORT.model_copy(update={"matches": [ref(7)]})
    posted = message(answer(data), RESOURCE, NOW, QUESTION)
    assert "*Also matching `sg-0abc`*" in text_of(posted)
    (value,) = [b["value"] for k, b in buttons(posted).items() if k.startswith(ACTION_ASK)]
    assert question_from_value(value)[0] == Question("resource", {"id": ref(7).handle}, "Org")


def test_a_buttons_question_is_the_resources_own_words_not_their_escaped_form() -> None:
    odd = ref(1).model_copy(update={"arn": None, "resource_id": "sg-a&b<c>"})
    posted = message(answer(ResourceReport(identifier="x", matches=[odd, ref(2)])), RESOURCE, NOW, QUESTION)
    values = [json.loads(b["value"]) for k, b in buttons(posted).items() if k.startswith(ACTION_ASK)]
    assert values[0]["p"] == {"id": "sg-a&b<c>"}
    assert "sg-a&amp;b&lt;c&gt;" in text_of(posted)  # shown escaped
