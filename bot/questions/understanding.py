"""From what was typed to the question it asks: the grammar first (power users' exact forms keep
their exact meaning and their precise refusals), then the interpreter for people's own words.
Pure: an `Understanding` says which question, how it was read, or which choices to offer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.errors import UnknownCommand, UserError
from bot.questions.grammar import parse
from bot.questions.interpreter import Interpreter
from bot.questions.question import Question
from bot.questions.registry import REGISTRY, RULE

# A rule's name as people name their own rules: one word with a dash, an underscore or a digit.
RULE_LIKE = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+$|^[A-Za-z]+\d+$")


@dataclass(frozen=True)
class Understanding:
    question: Question | None = None
    reading: str | None = None  # the grammar form, when the question was interpreted
    choices: list[tuple[str, Question]] = field(default_factory=list)  # when unsure: (form, question)
    examples: list[str] = field(default_factory=list)  # when nothing was understood
    export: bool = False  # the asker wants the answer as a file


def understand(text: str, interpreter: Interpreter, previous: Question | None = None) -> Understanding:
    """What `text` asks. A follow-up in a thread is read against the thread's `previous` question.
    Raises the grammar's UserError where the grammar's refusal is the better answer (a near-miss
    of a subcommand, a malformed query)."""
    refusal: UserError | None = None
    try:
        question = parse(text, is_rule=interpreter.catalog.knows)
    except UserError as error:
        refusal, question = error, None
        if _names_an_action(text):  # `waive ... 366d`: its refusal, never a question it was not
            raise
    if question is not None and (
        question.kind != RULE
        or interpreter.catalog.knows(question.params["rule"])
        or (previous is None and RULE_LIKE.match(question.params["rule"]))
    ):
        return Understanding(question)
    reading = interpreter.read(text, previous)
    if reading.understood and reading.sure:
        form = reading.readings[0]
        return Understanding(parse(form), reading=form, export=reading.export)
    if reading.understood:
        return Understanding(choices=[(form, parse(form)) for form in reading.readings])
    if refusal is not None and (isinstance(refusal, UnknownCommand) or _names_a_kind(text)):
        raise refusal  # `sumary` (did you mean `summary`?), `resources by colour`: the grammar knows best
    return Understanding(examples=reading.examples)


def _names_an_action(text: str) -> bool:
    """Whether the text starts with a command that manages something (waive, watch, digest...)."""
    head = text.strip().split(" ", 1)[0].lower()
    return head in REGISTRY and REGISTRY[head].action is not None


def _names_a_kind(text: str) -> bool:
    head = text.strip().split(" ", 1)[0].lower()
    return head in REGISTRY and head != RULE
