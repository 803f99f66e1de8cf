"""What the surfaces share: asking a question through the cache, the audit line, and the error
boundary."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot import metrics
from bot.access.scopes import NotAvailable, QueryNotAllowed, may_manage, scope_for
from bot.answers.models import Answer
from bot.boundary import describe
from bot.digest.runner import subscription_from
from bot.errors import AwsError, UserError
from bot.presenters import formatting
from bot.questions.grammar import Question, help_text, parse

if TYPE_CHECKING:
    from bot.deps import Deps


def reply_for(
    deps: Deps, text: str, page: int = 0, channel: str | None = None, user: str | None = None, **context: Any
) -> tuple[dict[str, Any], Question | None]:
    """The message that answers `text` (as typed after /compliance), or explains why not."""
    question: Question | None = None
    started = time.monotonic()
    answer: Answer[Any] | None = None
    outcome = "answered"
    try:
        question = parse(text, is_rule=lambda word: _is_rule(deps, word))
        message, answer = respond_to(deps, question, page, channel, user)
        return message, question
    except Exception as error:  # the error boundary: every failure becomes a polite reply
        outcome = _outcome(error)
        return formatting.error_message(
            describe(error, question=text, channel=channel, user=user, **context)
        ), question
    finally:
        _audit(
            deps,
            text,
            question,
            channel,
            user,
            answer,
            outcome,
            started,
            context.get("team"),
            context.get("surface", "command"),
        )


def message_for(
    deps: Deps, question: Question, page: int = 0, channel: str | None = None, user: str | None = None
) -> dict[str, Any]:
    """The reply to a parsed question (buttons), audited like a typed one."""
    started = time.monotonic()
    answer: Answer[Any] | None = None
    outcome = "answered"
    try:
        message, answer = respond_to(deps, question, page, channel, user)
        return message
    except Exception as error:
        outcome = _outcome(error)
        raise
    finally:
        _audit(deps, question.key(), question, channel, user, answer, outcome, started, None, "button")


def respond_to(
    deps: Deps, question: Question, page: int, channel: str | None, user: str | None
) -> tuple[dict[str, Any], Answer[Any] | None]:
    """The reply, as the channel (or, in a DM, the user) may see it, and the answer behind it."""
    if question.kind == "help":
        return formatting.text_message(help_text(question.params.get("topic")), "compliance-bot"), None
    if question.kind == "refresh":
        if not may_manage(deps.access, user):
            raise UserError("Only the bot's admins can refresh cached answers.")
        dropped = deps.answerer.refresh(question.params.get("question", ""), question.aggregator)
        return formatting.text_message(
            f"Forgot {dropped} cached answer(s); the next question asks AWS again."
        ), None
    if question.kind == "digest":
        return digest_reply(deps, question, channel, user), None
    answer = deps.answerer.answer(question, scope_for(deps.access, channel, user))
    return formatting.message(answer, deps.clock(), question, page), answer


def _outcome(error: Exception) -> str:
    if isinstance(error, NotAvailable | QueryNotAllowed):
        return "denied"
    if isinstance(error, UserError):
        return "refused"
    if isinstance(error, AwsError):
        return "aws_error"
    return "error"


def _audit(
    deps: Deps,
    text: str,
    question: Question | None,
    channel: str | None,
    user: str | None,
    answer: Answer[Any] | None,
    outcome: str,
    started: float,
    team: Any,
    surface: str,
) -> None:
    kind = question.kind if question else "unparsed"
    metrics.QUESTIONS.labels(kind, surface, outcome).inc()
    metrics.QUESTION_SECONDS.labels(kind).observe(time.monotonic() - started)
    deps.audit.record(
        event="question",
        surface=surface,
        team=team,
        channel=channel,
        user=user,
        text=text,
        kind=question.kind if question else None,
        aggregator=(question.aggregator if question and question.aggregator else deps.settings.aggregator),
        scope=scope_for(deps.access, channel, user).name,
        cache_hit=answer.cached if answer else None,
        aws_calls=(0 if answer.cached else answer.aws_calls) if answer else None,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
        outcome=outcome,
    )


def digest_reply(
    deps: Deps, question: Question, channel: str | None, user: str | None = None
) -> dict[str, Any]:
    scheduler = deps.digests
    if scheduler is None or channel is None:
        raise UserError("Digests are managed from a Slack channel.")
    action = question.params.get("action", "list")
    if action in ("subscribe", "unsubscribe") and not may_manage(deps.access, user):
        raise UserError("Only the bot's admins can subscribe or unsubscribe channels.")
    if action == "now" and scope_for(deps.access, channel, user).nothing:
        raise NotAvailable("Compliance data")
    if (
        action == "now"
        and not may_manage(deps.access, user)
        and not deps.dedupe.once_within(f"digest-now:{channel}", 3600)
    ):
        raise UserError(
            "This channel had a digest on demand within the hour; the bot's admins can post another."
        )
    if action == "subscribe":
        subscription = subscription_from(channel, question.params, question.aggregator)
        scheduler.store.put(subscription)
        return formatting.text_message(
            f":white_check_mark: This channel gets the compliance digest at {subscription.time} "
            f"{subscription.timezone} every day. `digest unsubscribe` stops it."
        )
    if action == "unsubscribe":
        removed = scheduler.store.delete(channel)
        configured = any(s.channel == channel for s in scheduler.configured)
        text = "Unsubscribed." if removed else "This channel had no digest subscription made in Slack."
        if configured:
            text += " A digest for this channel is also set in the bot's configuration file; ask its admins."
        return formatting.text_message(text)
    if action == "now":
        scheduler.runner.post_now(channel, question.aggregator)
        return formatting.text_message("Posted the digest in this channel.")
    admin = may_manage(deps.access, user)
    lines = [
        f"• <#{s.channel}> at {s.time} {s.timezone}"
        + (f" on {', '.join(s.weekdays)}" if s.weekdays else "")
        + f" ({s.source})"
        for s in scheduler.subscriptions()
        if admin or s.channel == channel  # other channels' subscriptions are theirs to see
    ]
    return formatting.text_message(
        "\n".join(lines) or "No digest subscriptions yet: `digest subscribe 09:00 UTC`.", "Digests"
    )


def _is_rule(deps: Deps, word: str) -> bool:
    try:
        deps.catalog.resolve(word)
    except Exception:
        return False
    return True
