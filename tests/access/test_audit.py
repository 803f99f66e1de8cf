"""The audit trail: one JSON line per question, for each outcome, with secrets redacted; and no
secret in any log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import redis

from bot.access.audit import redact
from simulator.faults import ACCESS_DENIED, FAULTS
from tests.support.cache import REDIS_URL
from tests.support.slack import BOT_TOKEN, PAYMENTS, SECRET, Bot

pytestmark = pytest.mark.server


def audit_lines(bot: Bot) -> list[dict[str, Any]]:
    client = redis.Redis.from_url(REDIS_URL)
    entries = client.xrange(f"{bot.cache.policy.prefix}:audit")
    return [json.loads(fields[b"line"]) for _, fields in entries]


def ask(bot: Bot, text: str, **overrides: str) -> None:
    _, url = bot.command(text, **overrides)
    bot.responses(url)


def last(bot: Bot, text: str) -> dict[str, Any]:
    return [line for line in audit_lines(bot) if line.get("text") == text][-1]


def test_one_line_per_question_for_each_outcome(bot: Bot) -> None:
    ask(bot, "health")
    line = last(bot, "health")
    assert line["outcome"] == "answered" and line["kind"] == "health"
    assert line["team"] == "T0EXAMPLE" and line["channel"] == "C0SECURITY" and line["user"] == "U0ALICE"
    assert line["aggregator"] == "OrgAggregator" and line["scope"] == "all"
    assert isinstance(line["duration_ms"], float) and "time" in line
    ask(bot, "health")
    again = last(bot, "health")
    assert again["cache_hit"] is True and again["aws_calls"] == 0
    ask(bot, "s3-encrypton")
    assert last(bot, "s3-encrypton")["outcome"] == "refused"
    ask(bot, "doctor", channel_id=PAYMENTS)
    denied = last(bot, "doctor")
    assert denied["outcome"] == "denied" and denied["scope"].startswith("acct-")
    FAULTS.errors = [ACCESS_DENIED]
    try:
        ask(bot, "packs region eu-west-1")
    finally:
        FAULTS.clear()
    assert last(bot, "packs region eu-west-1")["outcome"] == "aws_error"


def test_the_audit_line_redacts_secrets(bot: Bot) -> None:
    text = f"resource {BOT_TOKEN}"
    ask(bot, text)
    lines = [line for line in audit_lines(bot) if "resource" in str(line.get("text"))]
    assert lines and all(BOT_TOKEN not in json.dumps(line) for line in lines)
    assert redact("token=abc aws_secret_access_key=xyz AKIAABCDEFGHIJKLMNOP xapp-1-2") == (
        "token=[redacted] aws_secret_access_key=[redacted] [redacted] [redacted]"
    )


def test_no_secret_in_any_log(
    bot: Bot, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # Everything, at DEBUG, that the bot logs while it talks to Slack, AWS and Redis: its own
    # token and signing secret never appear.
    with caplog.at_level(logging.DEBUG):
        for text in ("health", "s3-encryption", "query SELECT a FROM b", "rules"):
            ask(bot, text)
    captured = caplog.text + capsys.readouterr().out
    assert "slack_sdk" in captured and '"event": "question"' in captured  # the capture saw the traffic
    for secret in (BOT_TOKEN, SECRET):
        assert secret not in captured
    # A secret someone pastes into a question is redacted in the bot's own logs (INFO and up).
    with caplog.at_level(logging.INFO):
        caplog.clear()
        ask(bot, f"resource {BOT_TOKEN}")
    assert BOT_TOKEN not in caplog.text + capsys.readouterr().out
    assert repr(bot.settings.slack_bot_token) == "SecretStr('**********')"


@pytest.mark.parametrize(
    "secret",
    [
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # an AWS secret access key
        "FwoGZXIvYXdzEJr//////////wEaDM3ZCg5qYk8Z" + "Q" * 120,  # an AWS session token
        "ghp_" + "a1B2c3D4e5" * 4,  # a GitHub token
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
        "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX",
        "https://example.com/webhooks/abc123secret",
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijk",
    ],
)
def test_pasted_secrets_are_redacted(secret: str) -> None:
    redacted = redact(f"resource {secret} please")
    assert "[redacted]" in redacted
    tail = secret.split()[-1]
    assert tail[8:] not in redacted and redacted.startswith("resource ")


def test_ordinary_questions_are_not_redacted() -> None:
    for text in (
        "s3-encryption account 123456789012 region eu-west-1",
        "resource arn:aws:s3:::payments-prod-logs-7211-us-east-1-0",
        "query SELECT resourceId WHERE resourceType = 'AWS::EC2::Instance'",
        "resource sg-0123456789abcdef0",
    ):
        assert redact(text) == text
