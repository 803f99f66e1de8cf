"""The daily digest's content: what changed since the previous snapshot, and the message. Pure.

Waived findings (accepted risks) are out of the snapshots it is given (bot/digest/runner.py), so
out of every figure and of the delta; the message says how many, and names the waivers that end
within a week (and those that ended since the previous digest: their findings count again)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.digest.snapshots import Finding, Snapshot
from bot.presenters.common import question_value, sections
from bot.presenters.waived import expiring_lines
from bot.questions.question import Question
from bot.slack.blocks import MAX_BLOCKS, SECTION_CHARS, clip, table
from bot.slack.text import neutral, neutralised
from bot.waivers.model import EXPIRING_SOON, Waiver

ACTION_DRILL = "compliance_drill"
SHOWN = 8


@dataclass(frozen=True)
class Delta:
    """Today against the previous snapshot."""

    newly_non_compliant: list[Finding]
    fixed: list[Finding]
    rules_worse: list[tuple[str, int]]  # rule, change in findings (> 0)
    rules_better: list[tuple[str, int]]  # rule, change in findings (< 0)
    accounts: list[tuple[str, int, int]]  # account, newly non-compliant, fixed


@dataclass(frozen=True)
class Waiving:
    """What waivers did to a digest: the findings they left out, the waivers that end within a
    week (soonest first), and those that ended since the previous snapshot."""

    waived: list[Finding] = field(default_factory=list)
    expiring: list[Waiver] = field(default_factory=list)
    ended: list[Waiver] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.waived or self.expiring or self.ended)


def delta(today: Snapshot, previous: Snapshot | None) -> Delta | None:
    if previous is None:
        return None
    now, before = set(today.findings), set(previous.findings)
    new, fixed = sorted(now - before), sorted(before - now)
    rule_now = Counter(f[2] for f in now)
    rule_before = Counter(f[2] for f in before)
    changes = {rule: rule_now[rule] - rule_before[rule] for rule in set(rule_now) | set(rule_before)}
    worse = sorted(((r, c) for r, c in changes.items() if c > 0), key=lambda rc: (-rc[1], rc[0]))
    better = sorted(((r, c) for r, c in changes.items() if c < 0), key=lambda rc: (rc[1], rc[0]))
    new_by_account, fixed_by_account = Counter(f[0] for f in new), Counter(f[0] for f in fixed)
    accounts = sorted(
        ((a, new_by_account[a], fixed_by_account[a]) for a in set(new_by_account) | set(fixed_by_account)),
        key=lambda row: (-row[1], -row[2], row[0]),
    )
    return Delta(new, fixed, worse, better, accounts)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_CHARS)))


def message(
    today: Snapshot,
    previous: Snapshot | None,
    day_label: str,
    now: datetime,
    late_note: str | None = None,
    degraded_note: str | None = None,
    aggregator: str | None = None,
    waiving: Waiving | None = None,
) -> dict[str, Any]:
    """The digest message: overall compliance, the change, the worst, what is waived, source
    health, buttons."""
    waiving = waiving or Waiving()
    # Every string of data in the snapshots neutral for mrkdwn (bot/slack/text.py).
    today, previous = neutralised(today), neutralised(previous)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(f"Compliance digest · {day_label}", 150)))
    ]
    for note in (late_note, degraded_note):
        if note:
            blocks.append(_section(note))
    resources = today.compliant_resources + today.non_compliant_resources
    share = f"{100 * today.compliant_resources // resources}%" if resources else "n/a"
    blocks.append(
        SectionBlock(
            fields=[
                MarkdownTextObject(text=t)
                for t in (
                    f"*Compliant resources*\n{today.compliant_resources} ({share})",
                    f"*Non-compliant resources*\n{today.non_compliant_resources}",
                    f"*Compliant rules*\n{today.compliant_rules}",
                    f"*Non-compliant rules*\n{today.non_compliant_rules}",
                    *([f"*Waived*\n{len(waiving.waived)} (accepted risks)"] if waiving.waived else []),
                )
            ]
        )
    )
    change = delta(today, previous)
    if change is None:
        blocks.append(_section("_First digest: changes appear from tomorrow on._"))
    else:
        since = previous.day.isoformat() if previous else ""
        lines = [
            f"*Since {since}*: :small_red_triangle: {len(change.newly_non_compliant)} newly non-compliant, "
            f":white_check_mark: {len(change.fixed)} fixed"
        ]
        for label, items in (("Newly non-compliant", change.newly_non_compliant), ("Fixed", change.fixed)):
            if items:
                shown = ", ".join(f"`{f[4]}` ({f[2]}, {f[0]})" for f in items[:SHOWN])
                more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
                lines.append(f"{label}: {shown}{more}")
        blocks.append(_section("\n".join(lines)))
        if change.rules_worse or change.rules_better:
            rows = (
                [["rule", "change"]]
                + [[clip(r, 50), f"+{c}"] for r, c in change.rules_worse[:SHOWN]]
                + [[clip(r, 50), str(c)] for r, c in change.rules_better[:SHOWN]]
            )
            blocks.append(table(rows, total=len(change.rules_worse) + len(change.rules_better)))
        if change.accounts:
            rows = [["account", "new", "fixed"]] + [[a, str(n), str(f)] for a, n, f in change.accounts]
            blocks.append(table(rows))
    worst_rules = Counter(f[2] for f in today.findings).most_common(SHOWN)
    worst_accounts = Counter(f[0] for f in today.findings).most_common(SHOWN)
    if worst_rules:
        blocks.append(
            table(
                [["worst rules", "findings"]] + [[clip(r, 50), str(n)] for r, n in worst_rules],
                total=len({f[2] for f in today.findings}),
            )
        )
    if worst_accounts:
        blocks.append(
            table(
                [["worst accounts", "findings"]] + [[a, str(n)] for a, n in worst_accounts],
                total=len({f[0] for f in today.findings}),
            )
        )
    if waiving:
        blocks += sections(_waivers(waiving, previous, now))
    failed = [p for p in today.problems if p.status == "FAILED"]
    outdated = [p for p in today.problems if p.status == "OUTDATED"]
    if today.problems:
        lines = [
            f":rotating_light: *{len(failed)} source(s) FAILED, {len(outdated)} OUTDATED*: "
            "their data is not current."
        ]
        for p in today.problems[:SHOWN]:
            code = f" `{p.error_code}`" if p.error_code else ""
            lines.append(f"• {p.status} {p.source_id} {p.region}{code}")
        if len(today.problems) > SHOWN:
            lines.append(f"… and {len(today.problems) - SHOWN} more (`/compliance health`)")
        blocks.append(_section("\n".join(lines)))
    else:
        blocks.append(_section(":white_check_mark: Every aggregator source is reporting."))
    blind = today.without_compliance_items
    if blind:
        named = ", ".join(blind[:SHOWN]) + (f" and {len(blind) - SHOWN} more" if len(blind) > SHOWN else "")
        blocks.append(
            _section(
                f":warning: {len(blind)} account(s) do not record compliance items (inferred): {named}. "
                "Their non-compliant resources are read from the compliance APIs; their compliant "
                "resources are not counted."
            )
        )
    if today.capped or today.truncated:
        parts = [
            *(["AWS capped some rule counts: they are lower bounds"] if today.capped else []),
            *(
                ["some details were not read (detail_call_cap): findings are a lower bound"]
                if today.truncated
                else []
            ),
        ]
        blocks.append(_section(":warning: Not seen: " + "; ".join(parts) + "."))
    drills = []
    for label, question in (
        ("Rules", Question("rules", aggregator=aggregator)),
        ("Sources", Question("health", aggregator=aggregator)),
        ("By account", Question("summary", {"by": "account"}, aggregator)),
    ):
        value = question_value(question)
        if value:
            drills.append(ButtonElement(text=label, action_id=f"{ACTION_DRILL}_{question.kind}", value=value))
    blocks.append(ActionsBlock(elements=drills))
    blocks = blocks[: MAX_BLOCKS - 1]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"snapshot taken {today.taken_at:%Y-%m-%d %H:%M} UTC, aggregator {today.aggregator}"
                )
            ]
        )
    )
    text = f"Compliance digest {day_label}: {today.non_compliant_resources} non-compliant resources" + (
        f", {len(change.newly_non_compliant)} new, {len(change.fixed)} fixed" if change else ""
    )
    text += f", {len(waiving.waived)} waived" if waiving.waived else ""
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def _waivers(waiving: Waiving, previous: Snapshot | None, now: datetime) -> list[str]:
    """How many findings are waived, the waivers ending within a week, those ended lately."""
    lines = []
    if waiving.waived:
        lines.append(
            f":memo: *{len(waiving.waived)} waived* (accepted risks, left out of these figures; the trend "
            "chart counts them, as AWS does): `/compliance waivers` lists them"
        )
    if waiving.expiring:
        days = EXPIRING_SOON.days
        lines.append(f"*Waivers ending within {days} days* ({len(waiving.expiring)}: they count again then)")
        lines += expiring_lines(waiving.expiring, now, SHOWN)
    if waiving.ended:
        since = f" since {previous.day.isoformat()}" if previous else ""
        ended = ", ".join(f"{neutral(w.label)} (`{neutral(w.rule)}`)" for w in waiving.ended[:SHOWN])
        more = f" and {len(waiving.ended) - SHOWN} more" if len(waiving.ended) > SHOWN else ""
        lines.append(f"*Waivers ended{since}* (counted again where they still fail): {ended}{more}")
    return lines
