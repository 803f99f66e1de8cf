"""`watch`, `unwatch` and `watches`: a channel's watches managed from the channel. The registry's
entries (bot/questions/kinds.py) run these."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.access.scopes import may_manage, scope_for
from bot.errors import UserError
from bot.questions.question import Question
from bot.questions.registry import Desk, Reply
from bot.slack.text import neutral
from bot.watch.model import Watch
from bot.watch.runner import WatchScheduler


def _said(watch: Watch) -> str:
    """The watch as typed, as data in a reply (a reply's text is mrkdwn: a rule name typed as
    `<!channel>` must not ping)."""
    return f"`{neutral(watch.label)}`"


def _watch_of(question: Question, channel: str, user: str | None) -> Watch:
    params = question.params
    rule = params.get("rule")
    return Watch(
        channel=channel,
        rule=rule,
        account=params.get("account"),
        region=params.get("region"),
        aggregator=question.aggregator,
        created_by=user,
        created_at=datetime.now(UTC),
    )


def _may_change(deps: Desk, channel: str, user: str | None) -> None:
    allowed = deps.access.channels.get(channel)
    if not may_manage(deps.access, user) and not (allowed and allowed.watch):
        raise UserError(
            "Only the bot's admins can change this channel's watches (or anyone, where the bot's "
            "configuration gives the channel `watch: true`)."
        )


def _scheduler(deps: Desk, channel: str | None) -> tuple[WatchScheduler, str]:
    if deps.watches is None or channel is None:
        raise UserError("Watches are managed from a Slack channel.")
    return deps.watches, channel


def watch_command(deps: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    scheduler, channel = _scheduler(deps, channel)
    _may_change(deps, channel, user)
    scope = scope_for(deps.access, channel, user)
    account = question.params.get("account")
    if scope.nothing or (account and not scope.allows(account)):
        raise UserError("This channel may not watch that: it is outside the accounts it sees.")
    watch = _watch_of(question, channel, user)
    if scheduler.runner.store.put(watch):
        scheduler.runner.tick(watch)  # the baseline: nothing already broken is alerted
        known = len(scheduler.runner.store.seen(watch))
        return Reply(
            f":eyes: Watching {_said(watch)} in this channel. {known} resource(s) are already "
            f"non-compliant: they are the baseline. New ones are alerted here within "
            f"{scheduler.interval / 60:g} min; `unwatch {neutral(watch.label)}` stops it."
        )
    return Reply(f"This channel already watches {_said(watch)}. `watches` lists them.")


def unwatch_command(deps: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    scheduler, channel = _scheduler(deps, channel)
    _may_change(deps, channel, user)
    watch = _watch_of(question, channel, user)
    if scheduler.runner.store.delete(watch):
        return Reply(f"Stopped watching {_said(watch)} in this channel.")
    configured = any(w.id == watch.id for w in scheduler.configured)
    if configured:
        return Reply(f"{_said(watch)} is watched by the bot's configuration file; ask its admins.")
    return Reply(f"This channel does not watch {_said(watch)}. `watches` lists what it does.")


def watches_command(deps: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    scheduler, channel = _scheduler(deps, channel)
    mine = [w for w in scheduler.watches() if w.channel == channel]
    if not mine:
        return Reply("This channel watches nothing yet: `watch <rule>`, `watch account <id>` or `watch all`.")
    lines = [
        f"• {_said(w)} ({w.source}" + (", muted for now" if scheduler.runner.store.muted(w) else "") + ")"
        for w in mine
    ]
    return Reply("\n".join(lines), "Watches")
