"""Scope filtering on every surface: in a channel limited to two accounts, no other account id
appears in anything the bot posts or uploads."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from bot.presenters.common import ACTION_EXPORT, ACTION_PAGE
from tests.support.slack import ADMIN, PAYMENTS, Bot, buttons, text_of

pytestmark = pytest.mark.server


def outside(bot: Bot) -> list[str]:
    inside = set(bot.org.accounts[1:3])
    return [a for a in bot.org.accounts if a not in inside]


def everything_posted(bot: Bot) -> str:
    posted = json.dumps([c.params for c in bot.slack.calls], default=str)
    return posted + "".join(blob.decode(errors="replace") for blob in bot.slack.uploads.values())


def assert_no_leak(bot: Bot) -> None:
    text = everything_posted(bot)
    for account in outside(bot):
        assert account not in text, f"out-of-scope account {account} leaked"


def ask(bot: Bot, text: str, channel: str = PAYMENTS, user: str = "U0ALICE") -> dict[str, Any]:
    _, url = bot.command(text, channel_id=channel, user_id=user)
    return bot.responses(url)[-1]


def test_every_question_in_a_scoped_channel_shows_only_its_accounts(bot: Bot) -> None:
    inside = bot.org.accounts[1:3]
    for text in (
        "s3-encryption",
        "restricted-ssh",
        "summary by account",
        "summary by region",
        "rules",
        "health",
        "packs",
        "resources by account",
        "resources by type",
        "resources by region",
        f"account {inside[0]}",
        f"failing region {bot.org.spec.regions[0]}",
        f"failing account {inside[1]}",
        "query SELECT accountId, resourceId WHERE resourceType = 'AWS::EC2::Volume'",
    ):
        answer = ask(bot, text)
        assert "went wrong" not in text_of(answer), text
    assert_no_leak(bot)


def test_scoped_answers_have_the_scoped_figures(bot: Bot) -> None:
    inside = set(bot.org.accounts[1:3])
    expected = {
        (e.account_id, e.resource_id)
        for e in bot.org.evaluations
        if e.logical_rule == "s3-bucket-server-side-encryption-enabled"
        and e.compliance_type == "NON_COMPLIANT"
        and e.account_id in inside
    }
    answer = ask(bot, "s3-encryption")
    fields = next(b for b in answer["blocks"] if b["type"] == "section" and "fields" in b)["fields"]
    assert fields[0]["text"].endswith(f"\n{len(expected)}")
    message = answer
    pages = [message]
    while ACTION_PAGE + "_next" in buttons(message):
        url = bot.slack.response_url()
        bot.action(buttons(message)[ACTION_PAGE + "_next"], channel=PAYMENTS, response_url=url)
        message = bot.responses(url)[-1]
        pages.append(message)
    shown = "\n".join(text_of(p) for p in pages)
    assert all(resource in shown for _, resource in expected)
    bot.action(buttons(pages[0])[ACTION_EXPORT], channel=PAYMENTS)
    bot.slack.wait_for(lambda cs: any(c.method == "files.completeUploadExternal" for c in cs))
    assert_no_leak(bot)


def test_questions_about_other_accounts_are_not_available(bot: Bot) -> None:
    stranger = outside(bot)[0]
    for text in (
        f"account {stranger}",
        f"s3-encryption account {stranger}",
        f"packs account {stranger}",
        "doctor",
        "aggregators",
        "query SELECT resourceId WHERE resourceType = 'AWS::EC2::Volume'",
    ):
        reply = text_of(ask(bot, text))
        assert "not available in this channel" in reply, (text, reply)
    volume = next(
        r for r in bot.org.resources if r.account_id == stranger and r.resource_type == "AWS::EC2::Volume"
    )
    # A resource elsewhere reads as no resource at all: the reply tells nothing of other accounts.
    assert "No resource" in text_of(ask(bot, f"resource {volume.resource_id}"))
    assert "not available in this channel" in text_of(ask(bot, "rules", channel="C0NOWHERE"))
    assert_no_leak(bot)


def test_queries_need_the_channel_to_allow_them_or_an_admin(bot: Bot) -> None:
    query = "query SELECT accountId, resourceId WHERE resourceType = 'AWS::EC2::Volume'"
    assert "not enabled in this channel" in text_of(ask(bot, query, channel="C0RANDOM"))
    assert "accountId" in text_of(ask(bot, query, channel="C0RANDOM", user=ADMIN))
    assert "not enabled in this channel" in text_of(ask(bot, query, channel="D0DIRECT"))


def test_mentions_digests_and_home_are_scoped_too(bot: Bot) -> None:
    bot.event(
        {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": "<@U0BOT> rules",
            "ts": "1700000100.000001",
            "channel": PAYMENTS,
        },
        "Ev0SCOPED1",
    )
    bot.slack.wait_for(lambda cs: any(c.method == "chat.postMessage" for c in cs))
    _, url = bot.command("digest now", channel_id=PAYMENTS)
    bot.responses(url)
    bot.slack.wait_for(lambda cs: sum(c.method == "chat.postMessage" for c in cs) >= 2)
    bot.slack.wait_for(lambda cs: any(c.method == "files.completeUploadExternal" for c in cs))
    assert_no_leak(bot)


def test_app_home_uses_the_users_scope(bot: Bot) -> None:
    bot.event(
        {
            "type": "app_home_opened",
            "user": "U0ALICE",
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": "1700000200.000001",
        },
        "Ev0HOMESCOPE",
    )
    calls = bot.slack.wait_for(lambda cs: any(c.method == "views.publish" for c in cs))
    view = next(c for c in calls if c.method == "views.publish").params["view"]
    assert "Compliance posture" in json.dumps(view)  # default_scope: all, so the whole posture


def test_a_replayed_request_is_refused(bot: Bot) -> None:
    body = b"command=%2Fcompliance&text=health&channel_id=C0SECURITY&user_id=U0ALICE&response_url=" + (
        bot.slack.response_url("replay").encode()
    )
    timestamp = int(time.time())
    first = bot.post(body, "application/x-www-form-urlencoded", timestamp=timestamp)
    again = bot.post(body, "application/x-www-form-urlencoded", timestamp=timestamp)
    assert first.status_code == 200 and again.status_code == 401


def test_failing_in_a_region_lists_that_regions_resources_of_the_channels_accounts(bot: Bot) -> None:
    region = bot.org.spec.regions[0]
    inside = set(bot.org.accounts[1:3])
    expected = {
        (e.account_id, e.resource_type, e.resource_id, e.logical_rule)
        for e in bot.org.evaluations
        if e.compliance_type == "NON_COMPLIANT" and e.region == region and e.account_id in inside
    }
    answer = ask(bot, f"failing region {region}")
    shown = text_of(answer)
    assert f"Failing in {region}: {len(expected)} resource(s)" in shown
    listed = re.findall(r"\|([^>]+)> `", shown)  # the page's resources: <console link|id> `type`
    assert listed and set(listed) <= {resource_id for _, _, resource_id, _ in expected}
    posted = json.dumps(answer)
    assert not [account for account in outside(bot) if account in posted]
