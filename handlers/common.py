"""What the surfaces share: a question's reply, from its text (or a button's parsed question) to
its message, through the registry (an action, or an answer from the cache shown by its kind's
presenter), with the audit line and the error boundary (bot/boundary.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import boundary, metrics
from bot.access.scopes import Scope, may_manage, scope_for
from bot.answers.models import Answer
from bot.cache.store import NotCached
from bot.deps import Deps
from bot.errors import BotError, UserError
from bot.presenters.common import ask_buttons
from bot.presenters.message import message
from bot.presenters.understanding import choices_message, examples_message, reading_line
from bot.questions.question import Question
from bot.questions.registry import REGISTRY
from bot.questions.understanding import Understanding, understand
from bot.slack import blocks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """The message for a typed text, and what the text was understood to ask (None on a failure)."""

    message: dict[str, Any]
    understanding: Understanding | None = None
    answer: Answer[Any] | None = None
    # Asked without computing, the question needs AWS: no message yet (bot/slack/lanes.py).
    deferred: NotCached | None = None
    # A first answer (`loading`): computes the whole answer's reply, which replaces this one.
    rest: Callable[[], Reply] | None = None

    @property
    def question(self) -> Question | None:
        return self.understanding.question if self.understanding else None


def reply_for(
    deps: Deps,
    text: str,
    page: int = 0,
    channel: str | None = None,
    user: str | None = None,
    previous: Question | None = None,
    may_compute: bool = True,
    first: bool = False,
    **context: Any,
) -> Reply:
    """The message that answers `text` (as typed after /compliance, or said to the bot in its own
    words; a follow-up in a thread is read against the thread's `previous` question), or explains
    why not. Without `may_compute`, a question that needs AWS is `deferred` instead (unaudited:
    its computation is audited). With `first`, a question whose kind has a first answer and whose
    whole answer is not cached gets the first answer, and `rest` for the whole one."""
    understanding: Understanding | None = None
    started = time.monotonic()
    answer: Answer[Any] | None = None
    outcome = "answered"
    scope = scope_for(deps.access, channel, user)
    try:
        understanding = understand(text, deps.interpreter, previous)
        if understanding.choices:
            outcome = "unsure"
            return Reply(choices_message(understanding.choices), understanding)
        if understanding.question is None:
            outcome = "not_understood"
            return Reply(examples_message(text, understanding.examples), understanding)
        message, answer = respond_to(
            deps, understanding.question, page, channel, user, scope, may_compute, first
        )
        if understanding.reading:
            message = blocks.prefaced(message, reading_line(understanding.reading))
        rest = None
        if answer is not None and getattr(answer.data, "loading", False):
            surface = f"{context.get('surface', 'command')}-update"

            def rest() -> Reply:
                return reply_for(deps, text, page, channel, user, previous, **{**context, "surface": surface})

        return Reply(message, understanding, answer, rest=rest)
    except NotCached as deferred:
        outcome = "deferred"
        return Reply({}, understanding, deferred=deferred)
    except Exception as error:  # the error boundary: every failure becomes a polite reply
        outcome = boundary.outcome(error)
        message = boundary.error_message(error, question=text, channel=channel, user=user, **context)
        if understanding is not None and understanding.reading:  # a refusal of what it was read as
            message = blocks.prefaced(message, reading_line(understanding.reading))
        return Reply(message, understanding)
    finally:
        question = understanding.question if understanding else None
        if outcome != "deferred":
            _audit(deps, text, question, scope, channel, user, answer, outcome, started, context)


def message_for(
    deps: Deps,
    question: Question,
    page: int = 0,
    channel: str | None = None,
    user: str | None = None,
    may_compute: bool = True,
) -> dict[str, Any]:
    """The reply to a parsed question (buttons), audited like a typed one; failures are raised
    for the button's own boundary (NotCached without `may_compute`, unaudited)."""
    started = time.monotonic()
    answer: Answer[Any] | None = None
    outcome = "answered"
    scope = scope_for(deps.access, channel, user)
    try:
        reply, answer = respond_to(deps, question, page, channel, user, scope, may_compute)
        return reply
    except NotCached:
        outcome = "deferred"
        raise
    except Exception as error:
        outcome = boundary.outcome(error)
        raise
    finally:
        if outcome != "deferred":
            _audit(
                deps,
                question.key(),
                question,
                scope,
                channel,
                user,
                answer,
                outcome,
                started,
                {"surface": "button"},
            )


def respond_to(
    deps: Deps,
    question: Question,
    page: int,
    channel: str | None,
    user: str | None,
    scope: Scope,
    may_compute: bool = True,
    first: bool = False,
) -> tuple[dict[str, Any], Answer[Any] | None]:
    """The reply, as the channel (or, in a DM, the user) may see it, and the answer behind it;
    without `may_compute`, NotCached where it needs AWS (a refusal is still given); with `first`,
    the kind's first answer where the whole one is not cached."""
    kind = REGISTRY[question.kind]
    if kind.admin_only and not may_manage(deps.access, user):
        raise UserError(f"Only the bot's admins can ask `{kind.name}`.")
    if kind.action is not None:
        if not may_compute and kind.may_read_aws(question):
            raise NotCached(waiting=False)
        said = kind.action(deps, question, channel, user)
        reply = blocks.text_message(said.text, said.title)
        if said.choices:
            reply["blocks"] += [b.to_dict() for b in ask_buttons(list(said.choices))]
        return reply, None
    assert kind.presenter is not None
    answer = None
    if first and kind.first is not None and may_compute:
        try:
            answer = deps.answerer.answer(question, scope, cached_only=True)
        except NotCached:
            answer = deps.answerer.first(question, scope)
            if answer is not None:
                # The whole answer starts as soon as the first is read, not beside it: its
                # fan-out would share the process and AWS's request rate with the first one's
                # few calls and delay it. `rest` then finds it computed, or being computed
                # (single flight).
                deps.lane.run(lambda: _quietly(deps.answerer.answer, question, scope), lambda _: None)
    if answer is None:
        answer = deps.answerer.answer(question, scope, cached_only=not may_compute)
    return message(answer, kind.presenter, deps.clock(), question, page), answer


def _quietly(ask: Callable[[Question, Scope], Answer[Any]], question: Question, scope: Scope) -> None:
    """Compute an answer for the cache, in the background; a failure is the asker's `rest` to
    report (it computes again), so here it is only logged."""
    try:
        ask(question, scope)
    except BotError as error:
        log.info("a whole answer computed ahead failed (%s); its asker is told", type(error).__name__)


def _audit(
    deps: Deps,
    text: str,
    question: Question | None,
    scope: Scope,
    channel: str | None,
    user: str | None,
    answer: Answer[Any] | None,
    outcome: str,
    started: float,
    context: dict[str, Any],
) -> None:
    kind = question.kind if question else "unparsed"
    surface = context.get("surface", "command")
    metrics.QUESTIONS.labels(kind, surface, outcome).inc()
    metrics.QUESTION_SECONDS.labels(kind).observe(time.monotonic() - started)
    deps.audit.record(
        event="question",
        surface=surface,
        team=context.get("team"),
        channel=channel,
        user=user,
        text=text,
        kind=question.kind if question else None,
        aggregator=deps.plans.name(question.aggregator if question else None),
        scope=scope.name,
        cache_hit=answer.cached if answer else None,
        aws_calls=(0 if answer.cached else answer.aws_calls) if answer else None,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        outcome=outcome,
    )
