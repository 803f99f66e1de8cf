"""Watches end to end: the bot served over HTTP against the simulator, the real Redis and the
Slack stand-in; evaluations change in a member account through the simulator's PutEvaluations, as
a rule would report them; ticks are run directly (the scheduler's interval is a bench figure)."""

from __future__ import annotations

import threading

import pytest

from bot.watch.message import ACTION_MUTE
from bot.watch.model import Watch
from bot.watch.runner import WatchRunner, WatchScheduler
from tests.support.slack import Bot, buttons, text_of
from tests.support.watches import CHANNEL, compliant, posts, report, scheduler, watch

pytestmark = pytest.mark.server


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


def test_what_was_typed_is_data_in_the_replies(bot: Bot, fresh: None) -> None:
    said = watch(bot, "watch <!channel>")
    assert "<!channel>" not in said and "&lt;!channel&gt;" in said
    listed = watch(bot, "watches")
    assert "<!channel>" not in listed and "&lt;!channel&gt;" in listed


def test_the_mute_button_mutes_only_a_watch_of_the_channel_it_is_clicked_in(bot: Bot, fresh: None) -> None:
    (target,) = compliant(bot)
    watch(bot, f"watch {target.logical_rule}")
    (made,) = [w for w in scheduler(bot).watches() if w.channel == CHANNEL]
    mute = {"action_id": ACTION_MUTE, "value": made.id, "type": "button"}
    url = bot.slack.response_url()
    bot.action(mute, channel="C0ELSEWHERE", response_url=url)
    assert "not one of this channel's" in text_of(bot.responses(url)[-1])
    assert not scheduler(bot).runner.store.muted(made)
    url = bot.slack.response_url()
    bot.action(mute, channel=CHANNEL, response_url=url)
    assert "Muted" in text_of(bot.responses(url)[-1]) and scheduler(bot).runner.store.muted(made)
