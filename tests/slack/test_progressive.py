"""Progressive answers end to end over signed HTTP: a rule's first answer comes first (its first
resources, totals marked "at least" where they are lower bounds), the whole answer replaces it
once; a refresh during the fill does not compute it twice; an export during the fill is whole.

The organization here is larger than the other tests' (a rule fails in dozens of sources), the bot
makes two AWS calls at a time and the simulator answers each after 0.1 s: the whole answer takes
several times as long as the first one, which reads one page of details."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.blocks import NOTICE_PREFIXES
from playground.slack_api import Call
from simulator.faults import FAULTS
from simulator.orggen import OrgSpec
from tests.conftest import served_bot
from tests.support.slack import ADMIN, Bot, buttons, text_of

pytestmark = pytest.mark.server
LOADING = "Loading the rest"


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    spec = OrgSpec(seed=13, accounts=40, regions=("us-east-1", "eu-west-1"), non_compliance=0.5)
    with served_bot(spec, COMPLIANCE_AWS_CONCURRENCY=2) as running:
        yield running


@pytest.fixture
def slow_aws() -> Iterator[None]:
    FAULTS.latency_seconds = 0.1
    yield
    FAULTS.clear()


def busiest_rule(bot: Bot) -> str:
    """The logical rule that fails in the most sources (account, region) of the seeded organization."""
    sources = Counter(
        e.logical_rule
        for e in {
            (e.logical_rule, e.account_id, e.region): e
            for e in bot.org.evaluations
            if e.compliance_type == "NON_COMPLIANT"
        }.values()
    )
    rule, count = sources.most_common(1)[0]
    assert count >= 2
    return rule


def answers(calls: list[Call], url: str) -> list[dict[str, Any]]:
    path = url[url.index("/response/") :]
    return [
        c.params
        for c in calls
        if c.method == "response"
        and c.path == path
        and not str(c.params.get("text", "")).startswith(NOTICE_PREFIXES)
    ]


def totals(message: dict[str, Any]) -> dict[str, str]:
    """The answer's totals: its fields, as "name: value"."""
    block = next(b for b in message["blocks"] if b.get("fields"))
    named = (f["text"].split("\n", 1) for f in block["fields"])
    return {name.strip("*"): value for name, value in named}


def number(value: str) -> int:
    return int(value.removeprefix("at least ").rstrip("+"))


def test_the_first_answer_then_the_whole_one_once_with_the_same_totals(bot: Bot, slow_aws: None) -> None:
    _, url = bot.command(busiest_rule(bot))
    bot.slack.wait_for(lambda cs: len(answers(cs, url)) >= 2, 120)
    time.sleep(2)  # a second update would land now
    first, whole = answers(bot.slack.calls, url)
    assert LOADING in text_of(first) and LOADING not in text_of(whole)
    assert whole["replace_original"] is True
    said, final = totals(first), totals(whole)
    assert said.keys() == final.keys() and not any(v.startswith("at least") for v in final.values())
    for name, value in said.items():
        if value.startswith("at least"):  # a lower bound, which the update makes exact
            assert number(value) <= number(final[name]), name
        else:
            assert value == final[name], name


def test_a_refresh_during_the_fill_does_not_compute_it_twice(bot: Bot, slow_aws: None) -> None:
    rule = busiest_rule(bot)
    bot.running.deps.answerer.refresh(rule)  # the earlier test's answer is cached
    executions = bot.cache.stats().get("executions", 0)
    _, url = bot.command(rule)
    calls = bot.slack.wait_for(lambda cs: len(answers(cs, url)) >= 1, 60)
    (first,) = answers(calls, url)
    assert LOADING in text_of(first)
    refresh = next(b for b in buttons(first).values() if b["text"]["text"] == "Refresh")
    clicked = bot.slack.response_url()
    assert len(answers(bot.slack.calls, url)) == 1  # the click comes while the fill goes on
    bot.action(
        {"action_id": refresh["action_id"], "value": refresh["value"]}, user=ADMIN, response_url=clicked
    )
    calls = bot.slack.wait_for(lambda cs: answers(cs, clicked) and len(answers(cs, url)) >= 2, 120)
    (refreshed,) = answers(calls, clicked)
    assert LOADING not in text_of(refreshed) and totals(refreshed) == totals(answers(calls, url)[1])
    assert bot.cache.stats().get("executions", 0) - executions == 1


def test_an_export_during_the_fill_is_the_whole_answer(bot: Bot, slow_aws: None) -> None:
    rule = busiest_rule(bot)
    bot.running.deps.answerer.refresh(rule)
    _, url = bot.command(rule)
    calls = bot.slack.wait_for(lambda cs: len(answers(cs, url)) >= 1, 60)
    (first,) = answers(calls, url)
    export = next(b for b in buttons(first).values() if b["text"]["text"] == "Export CSV")
    uploads = len(bot.slack.uploads)
    bot.action({"action_id": export["action_id"], "value": export["value"]}, user=ADMIN)
    calls = bot.slack.wait_for(
        lambda cs: len(answers(cs, url)) >= 2 and len(bot.slack.uploads) > uploads, 120
    )
    whole = answers(calls, url)[1]
    rows = list(bot.slack.uploads.values())[-1].decode().strip().splitlines()
    assert len(rows) - 1 == number(totals(whole)["Non-compliant resources"])


def test_a_mention_gets_one_message_that_becomes_the_whole_answer(bot: Bot, slow_aws: None) -> None:
    rule = busiest_rule(bot)
    bot.running.deps.answerer.refresh(rule)
    event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@U0BOT> {rule}", "ts": "1700009100.000001"}
    assert bot.event({**event, "channel": "C0SECURITY"}, "EvProgressive").status_code == 200
    bot.slack.wait_for(lambda cs: any(c.method == "chat.update" for c in cs), 120)
    time.sleep(2)  # a second update would land now
    (posted,) = [c for c in bot.slack.calls if c.method == "chat.postMessage"]
    (updated,) = [c for c in bot.slack.calls if c.method == "chat.update"]
    assert LOADING in text_of(posted.params) and LOADING not in text_of(updated.params)
    assert (
        updated.params["ts"] == (posted.answer or {}).get("ts") and posted.params["thread_ts"] == event["ts"]
    )
