"""`digest subscribe|unsubscribe|list|now`: the digest managed from a channel. The registry's
`digest` entry (bot/questions/kinds.py) runs `digest_command`."""

from __future__ import annotations

from bot.access.scopes import NotAvailable, may_manage, scope_for
from bot.digest.schedule import DigestSubscription, parse_time, parse_zone
from bot.errors import UserError
from bot.questions.question import Question
from bot.questions.registry import Desk, Reply


def subscription_from(channel: str, params: dict[str, str], aggregator: str | None) -> DigestSubscription:
    """A subscription from `digest subscribe [HH:MM] [timezone]`, or a UserError saying what is wrong."""
    try:
        when = params.get("time", "09:00")
        parse_time(when)
        zone = params.get("timezone", "UTC")
        parse_zone(zone)
    except ValueError as error:
        raise UserError(f"{error}. Usage: `digest subscribe [HH:MM] [timezone]`") from error
    return DigestSubscription(
        channel=channel, time=when, timezone=zone, aggregator=aggregator, source="slack"
    )


def digest_command(deps: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
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
        return Reply(
            f":white_check_mark: This channel gets the compliance digest at {subscription.time} "
            f"{subscription.timezone} every day. `digest unsubscribe` stops it."
        )
    if action == "unsubscribe":
        removed = scheduler.store.delete(channel)
        configured = any(s.channel == channel for s in scheduler.configured)
        text = "Unsubscribed." if removed else "This channel had no digest subscription made in Slack."
        if configured:
            text += " A digest for this channel is also set in the bot's configuration file; ask its admins."
        return Reply(text)
    if action == "now":
        scheduler.runner.post_now(channel, question.aggregator)
        return Reply("Posted the digest in this channel.")
    admin = may_manage(deps.access, user)
    lines = [
        f"• <#{s.channel}> at {s.time} {s.timezone}"
        + (f" on {', '.join(s.weekdays)}" if s.weekdays else "")
        + f" ({s.source})"
        for s in scheduler.subscriptions()
        if admin or s.channel == channel  # other channels' subscriptions are theirs to see
    ]
    return Reply("\n".join(lines) or "No digest subscriptions yet: `digest subscribe 09:00 UTC`.", "Digests")
