"""Watches end to end: the bot served over HTTP against the simulator, the real Redis and the
Slack stand-in; evaluations change in a member account through the simulator's PutEvaluations, as
a rule would report them; ticks are run directly (the scheduler's interval is a bench figure)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.blocks import NOTICE_PREFIXES
from bot.watch.model import Watch
from bot.watch.runner import WatchRunner, WatchScheduler
from simulator.seeding.spec import SeededEvaluation
from tests.conftest import served_bot
from tests.simulator.helpers import client, evaluate
from tests.support.slack import ADMIN, Bot, buttons, text_of

pytestmark = pytest.mark.server
CHANNEL = "C0SECURITY"


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    with served_bot() as running:
        yield running


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


@pytest.fixture
def fresh(bot: Bot) -> Iterator[None]:
    """No watches from an earlier test."""
    store = scheduler(bot).runner.store
    for w in store.all():
        store.delete(w)
    yield


def test_a_new_break_is_alerted_once_and_its_fix_said_in_the_thread(bot: Bot, fresh: None) -> None:
    (target,) = compliant(bot)
    said = watch(bot, f"watch {target.logical_rule}")
    assert "Watching" in said and "baseline" in said
    scheduler(bot).tick()
    assert posts(bot) == []  # nothing already broken is alerted
    report(bot, [target], "NON_COMPLIANT")
    scheduler(bot).tick()
    scheduler(bot).tick()
    (alert,) = posts(bot)
    assert target.resource_id in text_of(alert.params) and target.account_id in text_of(alert.params)
    labels = {b["text"]["text"] for b in buttons(alert.params).values()}
    assert {"Details", "Mute this watch for a day"} <= labels
    report(bot, [target], "COMPLIANT")
    scheduler(bot).tick()
    alert_ts = (alert.answer or {}).get("ts")
    fixes = [c for c in posts(bot) if c.params.get("thread_ts") == alert_ts]
    assert len(fixes) == 1 and "Compliant again" in text_of(fixes[0].params)
    scheduler(bot).tick()
    assert len(posts(bot)) == 2  # nothing more


def test_three_replicas_and_a_restart_alert_once(bot: Bot, fresh: None) -> None:
    (target,) = compliant(bot)
    watch(bot, f"watch {target.logical_rule} account {target.account_id}")
    report(bot, [target], "NON_COMPLIANT")
    replicas = [WatchScheduler(bot.running.deps, WatchRunner(bot.running.deps), [], 300) for _ in range(3)]
    threads = [threading.Thread(target=r.tick) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A restart: a new process's scheduler, the same Redis.
    WatchScheduler(bot.running.deps, WatchRunner(bot.running.deps), [], 300).tick()
    assert len(posts(bot)) == 1
    report(bot, [target], "COMPLIANT")
    scheduler(bot).tick()


def test_a_burst_is_one_summary_with_the_csv(bot: Bot, fresh: None) -> None:
    targets = compliant(bot, count=60)
    assert len(targets) > 10
    watch(bot, "watch all")
    report(bot, targets, "NON_COMPLIANT")
    uploads = len(bot.slack.uploads)
    scheduler(bot).tick()
    (summary,) = posts(bot)
    assert f"{len(targets)} resources became non-compliant" in text_of(summary.params)
    assert len(bot.slack.uploads) == uploads + 1
    csv_rows = list(bot.slack.uploads.values())[-1].decode().strip().splitlines()
    assert len(csv_rows) == len(targets) + 1
    report(bot, targets, "COMPLIANT")
    scheduler(bot).tick()


def test_a_muted_watch_alerts_nothing(bot: Bot, fresh: None) -> None:
    (target,) = compliant(bot)
    watch(bot, f"watch {target.logical_rule}")
    (made,) = [w for w in scheduler(bot).watches() if w.channel == CHANNEL]
    scheduler(bot).runner.store.mute(made.id)
    report(bot, [target], "NON_COMPLIANT")
    scheduler(bot).tick()
    assert posts(bot) == []
    report(bot, [target], "COMPLIANT")
    scheduler(bot).tick()


def test_only_admins_change_a_channels_watches_and_watches_lists_them(bot: Bot, fresh: None) -> None:
    assert "Only the bot's admins" in watch(bot, "watch all", user="U0SOMEONE")
    watch(bot, "watch all region us-east-1")
    assert "all region us-east-1" in watch(bot, "watches", user="U0SOMEONE")
    assert "already watches" in watch(bot, "watch all region us-east-1")
    assert "Stopped watching" in watch(bot, "unwatch all region us-east-1")
    assert "watches nothing yet" in watch(bot, "watches")


def test_a_watch_is_one_per_scope_and_channel() -> None:
    a = Watch(channel="C1", rule="s3-encryption", account="111122223333")
    assert a.id == Watch(channel="C1", rule="s3-encryption", account="111122223333", created_by="U2").id
    assert a.id != Watch(channel="C2", rule="s3-encryption", account="111122223333").id
    assert a.label == "s3-encryption account 111122223333" and Watch(channel="C1").label == "all"
    assert Watch(channel="C1", account="111122223333").label == "account 111122223333"
