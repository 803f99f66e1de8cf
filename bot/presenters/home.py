"""The App Home tab: the organization's posture at a glance, from the summary, rules and health
answers (any of them may be missing), the channels' watches and the waivers ending soon. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, MarkdownTextObject

from bot.answers.coverage import caveat_line
from bot.answers.models import Answer, ComplianceSummary, RulesOverview, SourceHealth
from bot.presenters import waived
from bot.presenters.common import context_line
from bot.slack.blocks import caveat_section, clip, fields, header, refusal_text, section, table
from bot.slack.text import neutral, neutralised
from bot.waivers.model import EXPIRING_SOON, Waiver
from bot.watch.model import Watch

WORST = 8  # accounts and rules shown
MAX_VIEW_BLOCKS = 100  # Slack's limit for a view
WATCHES_SHOWN = 20


def home_view(
    summary: Answer[ComplianceSummary] | None,
    rules: Answer[RulesOverview] | None,
    health: Answer[SourceHealth] | None,
    now: datetime,
    problem: str | None = None,
    watches: list[Watch] | None = None,
    expiring: list[Waiver] | None = None,
) -> dict[str, Any]:
    """The App Home tab: the organization's posture at a glance (and the channels' watches, for
    someone who may see the whole organization; the waivers ending within a week in the accounts
    the user may see, soonest first)."""
    summary, rules, health = neutralised(summary), neutralised(rules), neutralised(health)
    blocks: list[Block] = [header("Compliance posture")]
    if problem:
        blocks.append(section(f":warning: {refusal_text(problem)}"))
    if summary is not None:
        data = summary.data
        total = (data.compliant_rules + data.non_compliant_rules).value
        share = f"{100 * data.compliant_rules.value // total}%" if total else "n/a"
        blocks.append(
            fields(
                [
                    ("Compliant rules", f"{data.compliant_rules} ({share})"),
                    ("Non-compliant rules", str(data.non_compliant_rules)),
                ]
            )
        )
        worst = [r for r in data.rows if r.non_compliant_rules.value][:WORST]
        if worst:
            blocks.append(
                table(
                    [["worst accounts", "non-compliant rules"]]
                    + [[r.group, str(r.non_compliant_rules)] for r in worst]
                )
            )
    if rules is not None and rules.data.rows:
        blocks.append(
            table(
                [["worst rules", "resources", "accounts"]]
                + [[clip(r.rule, 40), str(r.resources), str(r.accounts)] for r in rules.data.rows[:WORST]]
            )
        )
    if rules is not None and rules.data.waived:
        blocks.append(section(waived.note(rules.data.waived)))
    if health is not None:
        h = health.data
        state = (
            ":white_check_mark: every source up to date"
            if not h.problems
            else (f":red_circle: {len(h.failed)} FAILED, {len(h.outdated)} OUTDATED")
        )
        blocks.append(section(f"*Aggregator sources*: {state}"))
    if watches:
        lines = [f"• <#{w.channel}> `{neutral(w.label)}` ({w.source})" for w in watches[:WATCHES_SHOWN]]
        more = f"\n…and {len(watches) - WATCHES_SHOWN} more" if len(watches) > WATCHES_SHOWN else ""
        blocks.append(section("*Watches* (alerts when something breaks)\n" + "\n".join(lines) + more))
    if expiring:
        days = EXPIRING_SOON.days
        heading = f"*Waivers ending within {days} days* (the resources count again then)"
        blocks.append(section("\n".join([heading, *waived.expiring_lines(expiring, now)])))
    gaps = [caveat_line(a.coverage) for a in (rules, summary) if a is not None]
    for gap in dict.fromkeys(g for g in gaps if g):  # each distinct gap once
        blocks.append(caveat_section(gap))
    latest = next((a for a in (summary, rules, health) if a is not None), None)
    if latest is not None:
        blocks.append(DividerBlock())
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context_line(latest, now))]))
    return {"type": "home", "blocks": [b.to_dict() for b in blocks[:MAX_VIEW_BLOCKS]]}
