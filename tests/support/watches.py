"""What the watch tests share: the organization's evaluations to change, the channel's posts."""

from __future__ import annotations

import os
from typing import Any

from bot.slack.blocks import NOTICE_PREFIXES
from bot.watch.runner import WatchScheduler
from simulator.seeding.spec import SeededEvaluation
from tests.simulator.helpers import client, evaluate
from tests.support.slack import ADMIN, Bot, text_of

CHANNEL = "C0SECURITY"


def compliant(bot: Bot, rule: str | None = None, count: int = 1) -> list[SeededEvaluation]:
    """COMPLIANT evaluations of one logical rule (the one with the most), one per resource."""
    found = [e for e in bot.org.evaluations if e.compliance_type == "COMPLIANT"]
    if rule is None:
        by_rule: dict[str, int] = {}
        for e in found:
            by_rule[e.logical_rule] = by_rule.get(e.logical_rule, 0) + 1
        rule = max(by_rule, key=lambda r: by_rule[r])
    chosen: dict[tuple[str, str, str, str], SeededEvaluation] = {}
    for e in found:
        if e.logical_rule == rule:
            chosen.setdefault((e.account_id, e.region, e.resource_type, e.resource_id), e)
    return list(chosen.values())[:count]


def report(bot: Bot, evaluations: list[SeededEvaluation], verdict: str) -> None:
    """The member accounts' rules report `verdict` for these resources (PutEvaluations)."""
    for e in evaluations:
        config = client("config", e.account_id, e.region, endpoint=os.environ["AWS_ENDPOINT_URL"])
        evaluate(config, e.rule_name, {e.resource_id: verdict}, resource_type=e.resource_type)


def watch(bot: Bot, text: str, user: str = ADMIN) -> str:
    _, url = bot.command(text, user_id=user, channel_id=CHANNEL)
    (reply,) = [m for m in bot.responses(url) if not text_of(m).startswith(NOTICE_PREFIXES)]
    return text_of(reply)


def posts(bot: Bot) -> list[Any]:
    return [
        c for c in bot.slack.calls if c.method == "chat.postMessage" and c.params.get("channel") == CHANNEL
    ]


def scheduler(bot: Bot) -> WatchScheduler:
    assert bot.running.deps.watches is not None
    return bot.running.deps.watches
