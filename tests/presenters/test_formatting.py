"""Every formatter, with small and very large answers, stays inside Slack's limits."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.models import Answer, Count, RuleCompliance, SourceCount
from bot.presenters.common import question_from_value
from bot.presenters.export import to_csv
from bot.presenters.home import home_view
from bot.presenters.message import message
from bot.presenters.resources import RESOURCE
from bot.presenters.rule import RULE
from bot.presenters.sources import AGGREGATORS, DOCTOR
from bot.presenters.summaries import SUMMARY
from bot.questions.question import Question
from bot.slack.blocks import clip
from tests.support.answers import NOW, models, presenter, resource

LONG = "x" * 5000


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


def by_source(sources: list[SourceCount], complete: bool = True) -> RuleCompliance:
    """A rule answer of these per-source counts, no resources listed."""
    return RuleCompliance(
        rule="r", member_rule_names=["r"], plan="fan-out", resources=[], sources=sources, complete=complete
    )


def test_capped_counts_read_as_lower_bounds() -> None:
    assert str(Count(value=100, capped=True)) == "100+"
    data = by_source(
        [SourceCount(account_id="1" * 12, region="us-east-1", non_compliant=Count(value=100, capped=True))],
        complete=False,
    )
    assert "100+" in json.dumps(message(answer(data), RULE, NOW))


def test_the_account_table_counts_each_accounts_resources_and_regions() -> None:
    a, b = "1" * 12, "2" * 12
    data = by_source(
        [
            SourceCount(account_id=b, region="us-east-1", non_compliant=Count(value=2)),
            SourceCount(account_id=a, region="us-east-1", non_compliant=Count(value=1)),
            SourceCount(account_id=a, region="eu-west-1", non_compliant=Count(value=4, capped=True)),
        ]
    )
    table = next(b["text"]["text"] for b in message(answer(data), RULE, NOW)["blocks"] if "```" in str(b))
    assert table.strip("`").splitlines()[1:] == [f"{a}  5+         2", f"{b}  2          1"]


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


@pytest.mark.parametrize("index", [0, 1, 2, 3, 5, 6, 7, 8, 11])
def test_export_has_every_row(index: int) -> None:
    data = models(1000)[index]
    lines = to_csv(answer(data), presenter(data)).strip().splitlines()
    expected = {0: 1000, 1: 1000, 2: 1000, 3: 1000, 5: 1000, 6: 1000, 7: 1000, 8: 1000, 11: 1000}[index]
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
