"""Text from AWS is data, never markup: hostile strings in every field of every answer kind, App
Home, the digest, error replies and the CSV never reach Slack as a control sequence or a formula,
and a readable form of them is still there."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bot import errors
from bot.answers.models import Answer, ComplianceSummary, Coverage, RulesOverview, SourceHealth, SourceProblem
from bot.aws.console import console_url
from bot.digest import message as digest
from bot.digest.snapshots import Snapshot
from bot.presenters.export import FORMULA_STARTS, to_csv
from bot.presenters.home import home_view
from bot.presenters.message import message
from bot.slack.blocks import error_message
from bot.slack.text import VOCABULARY, neutral, neutralised
from tests.support.answers import NOW, models, presenter

ATTACKS = [
    "<!channel>",
    "<!here|here>",
    "<@U024BE7LH>",
    "<#C024BE7LH>",
    "<https://evil.example|Open in AWS console>",
    "<http://evil.example>",
    "`",
    "```",
    "&lt;!channel&gt;",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(A1)",
    "-2",
    "*bold* _it_ ~gone~",
]
HOSTILE = st.builds(
    lambda attack, before, after: before + attack + after,
    st.sampled_from(ATTACKS),
    st.text(alphabet="ab <>&`|!@#=", max_size=6),
    st.text(alphabet="xy <>&`|", max_size=6),
)
# The bot's own links: a URL it built (percent-encoded) and text without markup.
OWN_LINK = re.compile(r"<https://[^\s<>|`]+\|[^<>]*>")


def hostile(value: Any, text: str, field: str = "") -> Any:
    """`value` with every string of data in it replaced by a hostile one (URLs as the bot would
    build them from a hostile resource id)."""
    if isinstance(value, str):
        if field in VOCABULARY:
            return value
        if field.endswith("url"):
            return console_url("AWS::S3::Bucket", text, "eu-west-1")
        return text + value
    if isinstance(value, BaseModel):
        return value.model_copy(
            update={name: hostile(getattr(value, name), text, name) for name in type(value).model_fields}
        )
    if isinstance(value, list):
        return [hostile(v, text, field) for v in value]
    if isinstance(value, tuple):
        return tuple(hostile(v, text, field) for v in value)
    if isinstance(value, dict):
        return {hostile(k, text): hostile(v, text, field) for k, v in value.items()}
    return value


def mrkdwn_texts(node: Any) -> list[str]:
    """Every string Slack parses as mrkdwn in a message or view (and the notification text)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" or (
            "text" in node and isinstance(node["text"], str) and "type" not in node
        ):
            found.append(node["text"])
        for key, child in node.items():
            if key != "value":  # a button's value is not shown
                found += mrkdwn_texts(child)
    elif isinstance(node, list):
        for child in node:
            found += mrkdwn_texts(child)
    return found


def assert_safe(message: dict[str, Any], text: str) -> None:
    for shown in mrkdwn_texts(message):
        for control in ("<!", "<@", "<#"):
            assert control not in shown, shown
        assert "<" not in OWN_LINK.sub("", shown), shown  # no link but the bot's own
        assert shown.count("`") % 2 == 0, shown  # every code span closed
    readable = neutral(text)
    dumped = json.dumps(message, ensure_ascii=False)
    plain = json.dumps(message, ensure_ascii=False).replace("&lt;", "<").replace("&gt;", ">")
    assert readable in dumped or readable.replace("&amp;", "&") in plain or text.replace("`", "ˋ") in plain


@settings(max_examples=40, deadline=None)
@given(text=HOSTILE, size=st.sampled_from([1, 3, 12]))
def test_no_answer_kind_posts_data_as_markup(text: str, size: int) -> None:
    problem = SourceProblem(
        source_id="123456789012",
        source_type="ACCOUNT",
        region="eu-west-1",
        status="FAILED",
        error_message="x",
    )
    for data in models(size):
        answer = hostile(
            Answer[Any](
                question="question",
                aggregator="Org",
                data=data,
                coverage=Coverage(failed=[problem]),
                as_of=NOW,
                aws_calls=1,
            ),
            text,
        )
        assert_safe(message(answer, presenter(data), NOW), text)
        try:
            exported = to_csv(answer, presenter(data))
        except ValueError:
            continue  # a kind without a CSV form (one resource, aggregators, doctor)
        for row in csv.reader(io.StringIO(exported)):
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row


@settings(max_examples=20, deadline=None)
@given(text=HOSTILE)
def test_app_home_the_digest_and_error_replies_post_no_markup(text: str) -> None:
    summary, rules = models(4)[1], models(4)[2]
    assert isinstance(summary, ComplianceSummary) and isinstance(rules, RulesOverview)
    health = models(4)[6]
    assert isinstance(health, SourceHealth)

    def answer(data: Any) -> Answer[Any]:
        return hostile(Answer[Any](question="q", aggregator="Org", data=data, as_of=NOW, aws_calls=1), text)

    home = home_view(answer(summary), answer(rules), answer(health), NOW, problem=text)
    assert_safe(home, text)
    snapshot = hostile(
        Snapshot(
            aggregator="Org",
            taken_at=NOW,
            compliant_resources=1,
            non_compliant_resources=2,
            compliant_rules=1,
            non_compliant_rules=1,
            findings=[("123456789012", "eu-west-1", "rule", "AWS::S3::Bucket", "bucket")],
            problems=[
                SourceProblem(
                    source_id="123456789012", source_type="ACCOUNT", region="eu-west-1", status="FAILED"
                )
            ],
            without_compliance_items=["123456789012"],
        ),
        text,
    )
    yesterday = snapshot.model_copy(update={"findings": [], "taken_at": NOW.replace(day=25)})
    assert_safe(digest.message(snapshot, yesterday, "today", NOW), text)
    for error in (
        errors.UnknownCommand(text, text),
        errors.RuleNotFound(text, [text]),
        errors.ResourceNotFound(text),
        errors.RegionNotCovered(text, [text]),
    ):
        assert_safe(error_message(error.message), text)


def test_one_hostile_string_among_clean_data_is_neutral_and_the_answer_itself_is_untouched() -> None:
    data = models(12)[0]
    assert neutralised(data) is data  # nothing to escape: nothing copied
    attack = data.resources[5].model_copy(update={"resource_id": "<!channel> `x`"})
    mixed = data.model_copy(update={"resources": [*data.resources[:5], attack, *data.resources[6:]]})
    safe = neutralised(mixed)
    assert safe.resources[5].resource_id == "&lt;!channel&gt; ˋxˋ"
    assert mixed.resources[5].resource_id == "<!channel> `x`"  # the answer itself, as it was
    assert all(safe.resources[i] is mixed.resources[i] for i in range(12) if i != 5)
    assert safe.sources is mixed.sources and safe.rule == mixed.rule
