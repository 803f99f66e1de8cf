"""Waived findings as the answers, App Home and the digest show them: accepted risks, left out of
every count, never hidden. "N waived" says how many and how to list them (`waivers [rule]`); the
answers that list resources list the waived ones after the others, bounded. Pure: answers arrive
neutral (bot/presenters/message.py); waivers shown beside them are neutralised here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block

from bot.answers.models import Waived
from bot.presenters.common import sections, when
from bot.slack.blocks import clip
from bot.slack.text import neutralised
from bot.waivers.model import Waiver

SHOWN = 10  # waived resources listed in Slack (and waivers in App Home and the digest)
TEXT_SHOWN = 50  # in the terminal
REASON_CHARS = 200


def listing(rule: str | None = None) -> str:
    """The command that lists the waivers (of a rule)."""
    return f"waivers {rule}" if rule else "waivers"


def note(count: int, rule: str | None = None) -> str:
    """ "N waived", in mrkdwn: how many were left out of the counts, and how to see them."""
    return f"*{count} waived* (accepted risks, left out of these counts): `{listing(rule)}` lists them"


def text_note(count: int, rule: str | None = None) -> str:
    """ "N waived", for the terminal."""
    return f"{count} waived (accepted risks, left out of these counts; {listing(rule)} lists them)"


def blocks(waived: Sequence[Waived], rule: str | None = None) -> list[Block]:
    """The waived resources after the non-compliant ones: the note, then the first SHOWN, each
    with its account, region, expiry and reason."""
    if not waived:
        return []
    lines = [note(len(waived), rule)]
    for w in waived[:SHOWN]:
        r = w.resource
        line = (
            f"• <{r.console_url}|{r.resource_id}> `{r.resource_type}` {r.account_id} {r.region}, "
            f"until {when(w.expires_at)}: _{clip(w.reason, REASON_CHARS)}_"
        )
        if rule is None:  # an account's or a place's: of several rules
            line += f" ({r.rule})"
        lines.append(line)
    if len(waived) > SHOWN:
        lines.append(f"…and {len(waived) - SHOWN} more")
    return sections(lines)


def text(waived: Sequence[Waived], rule: str | None = None) -> list[str]:
    """The waived resources for the terminal: how many, then the first TEXT_SHOWN."""
    if not waived:
        return []
    lines = [text_note(len(waived), rule) + ":"]
    for w in waived[:TEXT_SHOWN]:
        r = w.resource
        by = f", approved by {w.approved_by}" if w.approved_by else ""
        lines.append(
            f"  {r.account_id} {r.region:<15} {r.resource_type:<28} {r.resource_id}"
            + ("" if rule else f"  [{r.rule}]")
            + f"  until {when(w.expires_at)}{by}: {w.reason}"
        )
    if len(waived) > TEXT_SHOWN:
        lines.append(f"  ... and {len(waived) - TEXT_SHOWN} more (use --json for all)")
    return lines


def until(moment: datetime, now: datetime) -> str:
    left = moment - now
    days = f"{left.days} day(s) left" if left >= timedelta(days=1) else "less than a day left"
    return f"{when(moment)} ({days})"


def expiring_lines(waivers: Sequence[Waiver], now: datetime, shown: int = SHOWN) -> list[str]:
    """Waivers about to end (soonest first), in mrkdwn: what, which rule, until when, why. Each
    string of theirs is data (a reason typed in Slack): neutral."""
    lines = []
    for w in neutralised(list(waivers[:shown])):
        lines.append(
            f"• {w.label}: `{w.rule}` until {until(w.expires_at, now)}\n    _{clip(w.reason, REASON_CHARS)}_"
        )
    if len(waivers) > shown:
        lines.append(f"…and {len(waivers) - shown} more: `{listing()}` lists them")
    return lines
