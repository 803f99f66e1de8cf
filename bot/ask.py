"""`compliance-bot ask`: one question through the same registry, cache and plans as Slack, shown
for a terminal. What it prints on stdout is the answer alone (text, or JSON in the shape of
bot/ask_json.py); everything else (errors, logs, the audit line) goes to stderr, so the answer
can be piped. The terminal's operator may ask what only admins may ask in Slack (refresh), but
nothing that needs a channel."""

from __future__ import annotations

import getpass
import json
import sys
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

from bot import boundary
from bot.answers.models import Answer
from bot.deps import Deps, build_deps
from bot.presenters.message import message
from bot.presenters.terminal import plain, printable
from bot.presenters.text import render
from bot.questions.registry import REGISTRY
from bot.questions.understanding import Understanding, understand
from bot.settings import Settings


def ask(text: str, as_json: bool, settings: Settings) -> int:
    """Answer `text`, print it, and return the exit code."""
    # Whatever the bot prints while answering (its audit line is written to stdout, for servers)
    # is a log here: stdout is kept for the answer.
    with redirect_stdout(sys.stderr):
        deps = build_deps(settings)
        code, output = _answer(deps, text, as_json)
    if output:
        print(output)
    return code


def _answer(deps: Deps, text: str, as_json: bool) -> tuple[int, str]:
    started = time.monotonic()
    understanding = Understanding()
    result: Answer[Any] | None = None
    outcome = "answered"
    try:
        understanding = understand(text, deps.interpreter)
        if understanding.choices:
            outcome = "ambiguous"
            choices = "\n".join(
                ["I can read this more than one way; ask one of:"]
                + [f"  {form}" for form, _ in understanding.choices]
            )
            if as_json:  # no answer to print as JSON
                print(choices, file=sys.stderr)
                return 1, ""
            return 1, choices
        if understanding.question is None:
            outcome = "not_understood"
            examples = "\n".join(f"  {example}" for example in understanding.examples)
            print(f"I didn't understand that. Questions I do understand:\n{examples}", file=sys.stderr)
            return 1, ""
        question = understanding.question
        kind = REGISTRY[question.kind]
        reading = understanding.reading
        if kind.action is not None:
            reply = kind.action(deps, question, None, None)
            # A choice (Slack's buttons) is named: ask again with what tells them apart.
            labels = [label for label, _ in reply.choices]
            if as_json:
                said = {"text": reply.text, "title": reply.title, "choices": labels}
                shown = {"kind": question.kind, "reading": reading, "reply": said}
                return 0, json.dumps(shown, indent=2, ensure_ascii=False)
            return 0, _read_as(reading) + plain(reply.text) + "".join(f"\n  {c}" for c in labels)
        result = deps.answerer.answer(question)
        assert kind.presenter is not None  # every kind with a plan has one (bot/questions/registry.py)
        if as_json:
            payload = {
                "kind": question.kind,
                "reading": reading,
                "answer": result.model_dump(mode="json"),
                "message": message(result, kind.presenter, datetime.now(UTC), question),
            }
            return 0, json.dumps(payload, indent=2, ensure_ascii=False)
        return 0, _read_as(reading) + render(result, kind.presenter)
    except Exception as error:  # the one boundary: a polite line (and a logged reference)
        outcome = boundary.outcome(error)
        print(printable(boundary.describe(error, surface="cli")), file=sys.stderr)
        return 1, ""
    finally:
        _audit(deps, text, understanding, result, outcome, started)
        deps.cache.close()


def _read_as(reading: str | None) -> str:
    return f"Reading this as: {printable(reading)}\n" if reading else ""


def _audit(
    deps: Deps,
    text: str,
    understanding: Understanding,
    result: Answer[Any] | None,
    outcome: str,
    started: float,
) -> None:
    question = understanding.question
    deps.audit.record(
        event="question",
        surface="cli",
        user=_user(),
        text=text,
        kind=question.kind if question else None,
        aggregator=deps.plans.name(question.aggregator if question else None),
        scope="all",
        cache_hit=result.cached if result else None,
        aws_calls=(0 if result.cached else result.aws_calls) if result else None,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        outcome=outcome,
    )


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return None
