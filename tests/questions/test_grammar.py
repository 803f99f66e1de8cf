"""The /compliance grammar and its registry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UnknownCommand, UserError
from bot.questions.grammar import parse
from bot.questions.help import help_text, usage_hint
from bot.questions.question import Question
from bot.questions.registry import REGISTRY


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("s3-encryption", Question("rule", {"rule": "s3-encryption"})),
        (
            "s3-encryption account 123456789012 region eu-west-1",
            Question("rule", {"rule": "s3-encryption", "account": "123456789012", "region": "eu-west-1"}),
        ),
        ("summary", Question("summary", {"by": "account"})),
        ("summary by region", Question("summary", {"by": "region"})),
        ("rules", Question("rules")),
        ("account 123456789012", Question("account", {"account": "123456789012"})),
        ("resource arn:aws:s3:::my-bucket", Question("resource", {"id": "arn:aws:s3:::my-bucket"})),
        (
            "resources by region type AWS::EC2::Volume",
            Question("resources", {"by": "region", "type": "AWS::EC2::Volume"}),
        ),
        ("health", Question("health")),
        ("packs account 123456789012", Question("packs", {"account": "123456789012"})),
        (
            "query SELECT resourceId WHERE resourceName = 'a b'",
            Question("query", {"expression": "SELECT resourceId WHERE resourceName = 'a b'"}),
        ),
        ("aggregators", Question("aggregators")),
        ("doctor", Question("doctor")),
        ("refresh summary by region", Question("refresh", {"question": "summary by region"})),
        ("help summary", Question("help", {"topic": "summary"})),
        ("", Question("help")),
        ("health --aggregator Other", Question("health", aggregator="Other")),
        ("--aggregator=Other rules", Question("rules", aggregator="Other")),
        ("public summary", Question("summary", {"by": "account"}, public=True)),
        ("rules public", Question("rules", public=True)),
    ],
)
def test_parse(text: str, question: Question) -> None:
    assert parse(text) == question


@pytest.mark.parametrize(
    "text",
    [
        "account 12345",
        "summary by type",
        "resources color red",
        "s3-encryption account",
        "resource",
        "s3-encryption account not-an-id",
    ],
)
def test_malformed_input_says_how(text: str) -> None:
    with pytest.raises(UserError) as raised:
        parse(text)
    assert "Usage" in raised.value.message or "account id" in raised.value.message


def test_a_near_miss_of_a_subcommand_is_suggested() -> None:
    with pytest.raises(UnknownCommand) as raised:
        parse("sumary by region")
    assert raised.value.suggestion == "summary by region"


def test_a_rule_that_looks_like_a_subcommand_stays_a_rule() -> None:
    assert parse("rule", is_rule=lambda word: True).kind == "rule"


def test_help_and_usage_hint_come_from_the_registry() -> None:
    text = help_text()
    for entry in REGISTRY.values():
        assert entry.usage in text
    assert help_text("query").startswith("`/compliance query <SELECT ...>`")
    hint = usage_hint()
    assert "summary" in hint and "query <SELECT ...>" in hint


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=120))
def test_any_text_parses_or_is_refused_politely(text: str) -> None:
    try:
        question = parse(text)
    except UserError as error:
        assert error.message
        return
    assert question.kind in {*REGISTRY, "rule"}


def test_input_is_bounded_before_anything_reads_it() -> None:
    from bot.errors import InvalidQuery, UserError
    from bot.questions.grammar import MAX_TEXT
    from bot.questions.query_validation import validate_query

    with pytest.raises(UserError, match="at most"):
        parse("OrgConfigRule-" * (MAX_TEXT // 10))
    with pytest.raises(InvalidQuery, match="nest"):
        validate_query("SELECT resourceId WHERE " + "(" * 1000 + "resourceId = 'x'" + ")" * 1000)
    validate_query("SELECT resourceId WHERE ((resourceId = 'x'))")


def test_the_aggregator_flag_is_not_taken_from_inside_a_query_literal() -> None:
    question = parse("query SELECT resourceId WHERE resourceName = 'x --aggregator Other'")
    assert question.aggregator is None
    assert question.params["expression"].endswith("'x --aggregator Other'")
    flagged = parse("query SELECT resourceId WHERE resourceName = 'x' --aggregator Other")
    assert flagged.aggregator == "Other" and "--aggregator" not in flagged.params["expression"]


def test_failing_takes_an_account_a_region_or_both() -> None:
    assert parse("failing region eu-west-1").params == {"region": "eu-west-1"}
    assert parse("failing account 111122223333 region us-east-1").params == {
        "account": "111122223333",
        "region": "us-east-1",
    }
    with pytest.raises(UserError, match="an account, a region or both"):
        parse("failing")
