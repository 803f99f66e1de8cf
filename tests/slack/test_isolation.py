"""Slow AWS never blocks anyone else, end to end over signed HTTP: while AWS hangs and the slow
lane is full, help, refusals and cached answers come at once; each slow question is told that AWS
is slow, then gets one final answer (here a polite failure: the hung calls time out)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.blocks import NOTICE_PREFIXES
from playground.slack_api import Call
from simulator.faults import FAULTS, hang
from tests.conftest import served_bot
from tests.support.slack import Bot, text_of

pytestmark = pytest.mark.server
SLOW = ["s3-encryption", "summary", "health", "rules", "summary by region", "ssh"]


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    with served_bot(
        COMPLIANCE_SLOW_WORKERS=2,
        COMPLIANCE_ANSWER_DEADLINE=2.0,
        COMPLIANCE_AWS_READ_TIMEOUT=3.0,
        COMPLIANCE_AWS_MAX_ATTEMPTS=1,
        COMPLIANCE_QUESTION_TIME_LIMIT=10.0,
    ) as running:
        yield running


def said(calls: list[Call], url: str) -> list[dict[str, Any]]:
    """What the bot sent to one response_url, in order."""
    path = url[url.index("/response/") :]
    return [c.params for c in calls if c.method == "response" and c.path == path]


def final(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answers among the messages, without the notices ("working on it", "AWS is slow")."""
    return [m for m in messages if not text_of(m).startswith(NOTICE_PREFIXES)]


def test_help_refusals_and_cached_answers_never_wait_behind_a_hung_aws(bot: Bot) -> None:
    _, cached_url = bot.command("aggregators")  # cached before AWS hangs
    bot.responses(cached_url)
    FAULTS.errors = [hang(5.0)]
    try:
        urls = [bot.command(text)[1] for text in SLOW]
        _, help_url = bot.command("help")
        _, refused_url = bot.command("refresh", user_id="U0NOBODY")
        _, again_url = bot.command("aggregators")
        assert "/compliance summary" in text_of(bot.responses(help_url, timeout=5)[-1])
        assert "Only the bot's admins" in text_of(bot.responses(refused_url, timeout=5)[-1])
        assert bot.responses(again_url, timeout=5)
        # ... while no slow question has its answer yet (each hangs for at least a second).
        calls = bot.slack.wait_for(lambda _: True)
        assert [u for u in urls if final(said(calls, u))] == []
        for url in urls:
            calls = bot.slack.wait_for(lambda cs, url=url: bool(final(said(cs, url))), 60)  # type: ignore[misc]
            messages = said(calls, url)
            assert any("AWS is slow" in text_of(m) for m in messages), url
            (answer,) = final(messages)  # answered once
            assert "AWS Config" in text_of(answer) and "went wrong" not in text_of(answer)
    finally:
        FAULTS.clear()


def test_a_slow_mention_posts_one_message_that_becomes_the_answer(bot: Bot) -> None:
    FAULTS.errors = [hang(5.0)]
    try:
        event = {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": "<@U0BOT> health",
            "ts": "1700009000.000001",
        }
        assert bot.event({**event, "channel": "C0SECURITY"}, "EvSlowMention").status_code == 200
        calls = bot.slack.wait_for(lambda cs: any(c.method == "chat.update" for c in cs), 30)
        (notice,) = [c for c in calls if c.method == "chat.postMessage"]
        (update,) = [c for c in calls if c.method == "chat.update"]
        assert "AWS is slow" in text_of(notice.params) and notice.params["thread_ts"] == event["ts"]
        assert update.params["ts"] == (notice.answer or {}).get("ts")
        assert "AWS Config did not answer" in text_of(update.params)
    finally:
        FAULTS.clear()
