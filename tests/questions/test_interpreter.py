"""Questions in people's own words: each phrasing read as the grammar form it means. The same
table drives the mention path end to end (tests/slack/test_mentions_in_words.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.questions.grammar import parse
from bot.questions.interpreter import Interpreter
from bot.questions.question import Question
from bot.questions.rules import RuleCatalog
from bot.questions.understanding import understand
from tests.support.phrasings import AMBIGUOUS, PHRASINGS, UNDERSTOOD_NOTHING

INTERPRETER = Interpreter(
    RuleCatalog.default(),
    {"crown jewels": "s3-bucket-public-read-prohibited"},
    {"payments-prod": "111122223333", "Identity Prod": "222233334444"},
)


@pytest.mark.parametrize(("text", "form"), PHRASINGS)
def test_each_phrasing_reads_as_its_grammar_form(text: str, form: str) -> None:
    reading = INTERPRETER.read(text)
    assert reading.sure, (text, reading)
    assert reading.readings[0] == form
    parse(form)  # and the grammar reads the form back


def test_there_are_at_least_sixty_phrasings() -> None:
    assert len(PHRASINGS) >= 60


@pytest.mark.parametrize(("text", "forms"), AMBIGUOUS)
def test_an_unsure_reading_offers_its_choices(text: str, forms: set[str]) -> None:
    reading = INTERPRETER.read(text)
    assert not reading.sure and forms <= set(reading.readings) and 2 <= len(reading.readings) <= 3


@pytest.mark.parametrize("text", UNDERSTOOD_NOTHING)
def test_nothing_understood_gets_the_closest_examples(text: str) -> None:
    reading = INTERPRETER.read(text)
    assert not reading.understood and len(reading.examples) == 3


def test_a_configured_synonym_names_its_rule() -> None:
    assert INTERPRETER.read("are the crown jewels ok in ireland?").readings[0] == (
        "s3-public-read region eu-west-1"
    )


@pytest.mark.parametrize(
    ("previous", "text", "form", "export"),
    [
        (
            Question("rule", {"rule": "s3-encryption"}),
            "and in eu-west-1?",
            "s3-encryption region eu-west-1",
            False,
        ),
        (
            Question("rule", {"rule": "restricted-ssh"}),
            "what about account 222233334444?",
            "restricted-ssh account 222233334444",
            False,
        ),
        (
            Question("account", {"account": "111122223333"}),
            "and in Frankfurt?",
            "failing account 111122223333 region eu-central-1",
            False,
        ),
        (
            Question("failing", {"region": "eu-west-1"}),
            "what about 222233334444",
            "failing region eu-west-1 account 222233334444",
            False,
        ),
        (Question("rule", {"rule": "s3-encryption"}), "export that", "s3-encryption", True),
        (Question("summary", {"by": "account"}), "csv please", "summary by account", True),
    ],
)
def test_a_follow_up_refines_the_threads_previous_question(
    previous: Question, text: str, form: str, export: bool
) -> None:
    reading = INTERPRETER.read(text, previous)
    assert reading.sure and reading.readings == [form] and reading.export is export
    assert parse(form).kind in ("rule", "failing", "summary")


def test_a_follow_up_that_asks_something_new_is_read_on_its_own() -> None:
    previous = Question("rule", {"rule": "s3-encryption"})
    assert INTERPRETER.read("is ssh open anywhere?", previous).readings == ["ssh"]


def test_accounts_are_known_by_the_names_people_call_them() -> None:
    assert INTERPRETER.read("what's wrong with payments-prod?").readings == ["account 111122223333"]
    assert INTERPRETER.read("is ssh open in identity prod in Ireland").readings == [
        "ssh account 222233334444 region eu-west-1"
    ]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, Question("rule", {"rule": "s3-encryption"})]))
def test_any_text_is_read_or_refused_politely_never_a_traceback(text: str, previous: Question | None) -> None:
    reading = INTERPRETER.read(text, previous)
    assert reading.understood or len(reading.examples) == 3
    for form in reading.readings:
        parse(form)  # every reading is a grammar form
    try:
        understood = understand(text, INTERPRETER, previous)
    except UserError as error:
        assert error.message
    else:
        assert understood.question or understood.choices or understood.examples
