"""Slash commands, mentions, buttons and App Home end to end over real HTTP."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
import requests

from bot.presenters.common import ACTION_EXPORT, ACTION_PAGE, ACTION_REFRESH
from tests.support.slack import ADMIN, BOT_TOKEN, Bot, buttons, text_of

pytestmark = pytest.mark.server


def non_compliant(bot: Bot, logical: str) -> set[tuple[str, str, str]]:
    return {
        (e.account_id, e.region, e.resource_id)
        for e in bot.org.evaluations
        if e.logical_rule == logical and e.compliance_type == "NON_COMPLIANT"
    }


def test_a_slash_command_is_acked_at_once_and_answered_by_response_url(bot: Bot) -> None:
    started = time.monotonic()
    response, url = bot.command("restricted-ssh")
    assert response.status_code == 200 and time.monotonic() - started < 3
    answer = bot.responses(url)[-1]
    assert answer["response_type"] == "ephemeral"
    text = text_of(answer)
    assert "restricted-ssh" in text and "aggregator OrgAggregator" in text
    for account, _region, resource in non_compliant(bot, "restricted-ssh"):
        assert account in text and resource in text
    assert len(answer["blocks"]) <= 50


def test_paging_and_export_give_exactly_the_seeded_resources(bot: Bot) -> None:
    logical = "s3-bucket-server-side-encryption-enabled"
    expected = non_compliant(bot, logical)
    _, url = bot.command("s3-encryption")
    message = bot.responses(url)[-1]
    seen_pages = [message]
    while ACTION_PAGE + "_next" in buttons(message):
        page_url = bot.slack.response_url()
        bot.action(buttons(message)[ACTION_PAGE + "_next"], response_url=page_url)
        message = bot.responses(page_url)[-1]
        assert message.get("replace_original") is True
        seen_pages.append(message)
    pages_text = "\n".join(text_of(m) for m in seen_pages)
    for _account, _region, resource in expected:
        assert resource in pages_text
    bot.action(buttons(seen_pages[0])[ACTION_EXPORT])
    calls = bot.slack.wait_for(lambda cs: any(c.method == "files.completeUploadExternal" for c in cs))
    upload = next(c for c in calls if c.method == "upload")
    complete = next(c for c in calls if c.method == "files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0SECURITY"
    rows = list(csv.DictReader(io.StringIO(bot.slack.uploads[upload.params["file_id"]].decode())))
    assert {(r["account_id"], r["region"], r["resource_id"]) for r in rows} == expected


def test_refresh_button_asks_aws_again(bot: Bot) -> None:
    _, url = bot.command("health")
    first = bot.responses(url)[-1]
    refresh_url = bot.slack.response_url()
    denied_url = bot.slack.response_url()
    bot.action(buttons(first)[ACTION_REFRESH], response_url=denied_url)
    assert "Only the bot's admins" in text_of(bot.responses(denied_url)[-1])
    bot.action(buttons(first)[ACTION_REFRESH], response_url=refresh_url, user=ADMIN)
    refreshed = bot.responses(refresh_url)[-1]
    assert "fresh" in text_of(refreshed) and refreshed["replace_original"] is True


def test_public_answers_go_in_channel(bot: Bot) -> None:
    _, url = bot.command("public summary by region")
    assert bot.responses(url)[-1]["response_type"] == "in_channel"


def test_help_and_unknown_input_are_polite(bot: Bot) -> None:
    _, url = bot.command("help")
    assert "/compliance summary [by account|region]" in text_of(bot.responses(url)[-1])
    _, url = bot.command("sumary by region")
    assert "Did you mean `summary by region`?" in text_of(bot.responses(url)[-1])
    _, url = bot.command("s3-encrypton")
    assert "Close matches" in text_of(bot.responses(url)[-1])
    _, url = bot.command("query SELECT resourceId FROM everything")
    assert "FROM" in text_of(bot.responses(url)[-1])


@pytest.mark.parametrize("forgery", ["forged", "unsigned", "stale"])
def test_forged_unsigned_and_stale_requests_get_401_and_nothing_else(bot: Bot, forgery: str) -> None:
    body = b"command=%2Fcompliance&text=health&response_url=" + bot.slack.response_url("forged").encode()
    if forgery == "forged":
        response = bot.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    elif forgery == "unsigned":
        response = bot.post(body, "application/x-www-form-urlencoded", signature="")
    else:
        response = bot.post(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    time.sleep(0.5)
    assert bot.slack.calls == []


def test_a_mention_is_answered_in_its_thread_once_despite_retries(bot: Bot) -> None:
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@U0BOT> health",
        "ts": "1700000000.000100",
        "channel": "C0INCIDENT",
        "thread_ts": "1700000000.000001",
        "event_ts": "1700000000.000100",
    }
    assert bot.event(event, "Ev0RETRY1").status_code == 200
    for attempt in (1, 2):
        bot.event(
            event, "Ev0RETRY1", headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "timeout"}
        )
    posted = bot.slack.wait_for(lambda cs: any(c.method == "chat.postMessage" for c in cs))
    time.sleep(1.0)
    posts = bot.slack.of("chat.postMessage")
    assert len(posts) == 1 and posted
    assert posts[0].params["channel"] == "C0INCIDENT" and posts[0].params["thread_ts"] == "1700000000.000001"
    assert "FAILED" in text_of(posts[0].params)


def test_natural_mentions(bot: Bot) -> None:
    volume = next(r for r in bot.org.resources if r.resource_type == "AWS::EC2::Volume")
    account = bot.org.accounts[1]
    for index, (text, expect) in enumerate(
        [
            (f"<@U0BOT> is {volume.resource_id} compliant?", volume.resource_id),
            (f"<@U0BOT> what is failing in {account}?", f"Account {account}"),
        ]
    ):
        event = {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": text,
            "ts": f"1700000001.00000{index}",
            "channel": "C0INCIDENT",
        }
        bot.event(event, f"Ev0NATURAL{index}")
        bot.slack.wait_for(lambda cs, n=index + 1: sum(c.method == "chat.postMessage" for c in cs) >= n)
        post = bot.slack.of("chat.postMessage")[index]
        assert expect in text_of(post.params)
        assert post.params["thread_ts"] == event["ts"]


def test_slack_429s_are_retried_after_retry_after(bot: Bot) -> None:
    bot.slack.fail("chat.postMessage", status=429, retry_after=1, times=2)
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@U0BOT> rules",
        "ts": "1700000002.000001",
        "channel": "C0INCIDENT",
    }
    bot.event(event, "Ev0RATELIMIT")
    bot.slack.wait_for(lambda cs: any(c.method == "chat.postMessage" for c in cs), timeout=15)
    assert len(bot.slack.of("chat.postMessage:failed")) == 2
    assert len(bot.slack.of("chat.postMessage")) == 1


def test_app_home_shows_the_posture(bot: Bot) -> None:
    bot.event(
        {
            "type": "app_home_opened",
            "user": "U0ALICE",
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": "1700000003.000001",
        },
        "Ev0HOME",
    )
    calls = bot.slack.wait_for(lambda cs: any(c.method == "views.publish" for c in cs))
    publish = next(c for c in calls if c.method == "views.publish")
    assert publish.params["user_id"] == "U0ALICE"
    view = publish.params["view"]
    text = json.dumps(view)
    assert view["type"] == "home" and "Compliance posture" in text and "FAILED" in text


def test_healthz(bot: Bot) -> None:
    response = requests.get(f"{bot.url}/healthz", timeout=5)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_the_token_never_reaches_a_message(bot: Bot) -> None:
    _, url = bot.command("health")
    bot.responses(url)
    assert all(BOT_TOKEN not in json.dumps(c.params) for c in bot.slack.calls)


def test_digest_subscriptions_and_digest_now_from_slack(bot: Bot) -> None:
    _, url = bot.command("digest subscribe 08:30 Europe/Paris", channel_id="C0DIGEST")
    assert "Only the bot's admins" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest subscribe 08:30 Europe/Paris", channel_id="C0DIGEST", user_id=ADMIN)
    assert "08:30 Europe/Paris" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest list", channel_id="C0DIGEST")
    assert "<#C0DIGEST> at 08:30 Europe/Paris" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest subscribe 25:00", channel_id="C0DIGEST", user_id=ADMIN)
    assert "not a time of day" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest now", channel_id="C0DIGEST")
    assert "Posted the digest" in text_of(bot.responses(url)[-1])
    posted = [c for c in bot.slack.of("chat.postMessage") if c.params.get("channel") == "C0DIGEST"]
    assert len(posted) == 1 and "Compliance digest" in json.dumps(posted[0].params["blocks"])
    bot.slack.wait_for(lambda cs: any(c.method == "files.completeUploadExternal" for c in cs))
    drill = next(
        e
        for b in posted[0].params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "compliance_drill_health"
    )
    drill_url = bot.slack.response_url()
    bot.action(drill, channel="C0DIGEST", response_url=drill_url)
    assert "FAILED" in text_of(bot.responses(drill_url)[-1])
    _, url = bot.command("digest unsubscribe", channel_id="C0DIGEST", user_id=ADMIN)
    assert "Unsubscribed" in text_of(bot.responses(url)[-1])


def test_metrics(bot: Bot) -> None:
    _, url = bot.command("health")
    bot.responses(url)
    text = requests.get(f"{bot.url}/metrics", timeout=5).text
    assert 'compliance_questions_total{kind="health",outcome="answered",surface="command"}' in text
    assert "compliance_question_seconds_bucket" in text
    assert 'compliance_aws_calls_total{operation="DescribeConfigurationAggregatorSourcesStatus"}' in text
    assert "compliance_cache_events_total" in text


def test_working_on_it_only_when_the_answer_is_slow(bot: Bot) -> None:
    from simulator.faults import FAULTS

    deps = bot.running.deps
    default = deps.working_after
    try:
        # Not cached yet, but quicker than the notice's delay (long here: a cold server on a busy
        # machine took 0.75 s): no notice.
        deps.working_after = 10.0
        _, url = bot.command("packs region us-east-1")
        replies = bot.responses(url)
        assert not any("Working on it" in text_of(r) for r in replies)
        deps.working_after = 0.2
        FAULTS.latency_seconds = 1.5  # every AWS call now takes 1.5 s: the answer is slow
        _, url = bot.command("packs region eu-west-1")
        replies = bot.responses(url, count=2)
    finally:
        FAULTS.latency_seconds = 0.0
        deps.working_after = default
    assert "Working on it" in text_of(replies[0])
    assert replies[1]["replace_original"] is True and "Conformance packs" in text_of(replies[1])
