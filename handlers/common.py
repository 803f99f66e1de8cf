"""What the surfaces share: asking a question through the cache and the error boundary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import formatting
from bot.access import NotAvailable, may_manage, scope_for
from bot.digest_runner import subscription_from
from bot.errors import UserError
from bot.grammar import Question, help_text, parse
from bot.messages import describe

if TYPE_CHECKING:
    from bot.app import Deps


def reply_for(
    deps: Deps, text: str, page: int = 0, channel: str | None = None, user: str | None = None, **context: Any
) -> tuple[dict[str, Any], Question | None]:
    """The message that answers `text` (as typed after /compliance), or explains why not."""
    question: Question | None = None
    try:
        question = parse(text, is_rule=lambda word: _is_rule(deps, word))
        return message_for(deps, question, page, channel, user), question
    except Exception as error:  # the error boundary: every failure becomes a polite reply
        return formatting.text_message(
            describe(error, question=text, channel=channel, user=user, **context)
        ), question


def message_for(
    deps: Deps, question: Question, page: int = 0, channel: str | None = None, user: str | None = None
) -> dict[str, Any]:
    """The reply to a parsed question, as the channel (or, in a DM, the user) may see it."""
    if question.kind == "help":
        return formatting.text_message(help_text(question.params.get("topic")), "compliance-bot")
    if question.kind == "refresh":
        if not may_manage(deps.access, user):
            raise UserError("Only the bot's admins can refresh cached answers.")
        dropped = deps.answerer.refresh(question.params.get("question", ""), question.aggregator)
        return formatting.text_message(
            f"Forgot {dropped} cached answer(s); the next question asks AWS again."
        )
    if question.kind == "digest":
        return digest_reply(deps, question, channel, user)
    answer = deps.answerer.answer(question, scope_for(deps.access, channel, user))
    return formatting.message(answer, deps.clock(), question, page)


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
    lines = [
        f"• <#{s.channel}> at {s.time} {s.timezone}"
        + (f" on {', '.join(s.weekdays)}" if s.weekdays else "")
        + f" ({s.source})"
        for s in scheduler.subscriptions()
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
