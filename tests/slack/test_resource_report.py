"""The resource report end to end over signed HTTP: a name several accounts share is answered
with the matches to pick from, one button each, and a click answers with that resource's report
in place; in a channel limited to some accounts, a namesake elsewhere is never listed or told of."""

from __future__ import annotations

import json

import pytest

from bot.presenters.common import ACTION_ASK, question_from_value
from tests.support.slack import PAYMENTS, Bot, buttons, text_of

pytestmark = pytest.mark.server
SHARED_NAME = "OrganizationAccountAccessRole"  # moto's role in every member account


def members(bot: Bot) -> list[str]:
    return sorted(set(bot.org.accounts) - {bot.org.management_account})


def test_a_shared_name_offers_the_matches_and_a_click_reports_the_one_picked(bot: Bot) -> None:
    _, url = bot.command(f"resource {SHARED_NAME}", channel_id="C0SECURITY")
    choice = bot.responses(url)[-1]
    shown = text_of(choice)
    assert f"{len(members(bot))} resources match {SHARED_NAME}" in shown
    asks = [b for k, b in buttons(choice).items() if k.startswith(ACTION_ASK)]
    assert len(asks) == min(5, len(members(bot)))
    picked = question_from_value(asks[0]["value"])[0]
    assert picked.kind == "resource" and picked.params["id"].startswith(
        f"arn:aws:iam::{members(bot)[0]}:role/"
    )
    answer_url = bot.slack.response_url()
    bot.action(asks[0], channel="C0SECURITY", response_url=answer_url)
    report = bot.responses(answer_url)[-1]
    assert report.get("replace_original") is True
    text = text_of(report)
    assert SHARED_NAME in text and members(bot)[0] in text and "*Last changed*" in text
    assert "Open in the AWS console" in text and not any(a in text for a in members(bot)[1:])


def test_in_a_scoped_channel_a_namesake_elsewhere_is_never_listed(bot: Bot) -> None:
    inside = set(bot.org.accounts[1:3])  # the PAYMENTS channel's accounts
    _, url = bot.command(f"resource {SHARED_NAME}", channel_id=PAYMENTS)
    reply = bot.responses(url)[-1]
    posted = json.dumps(reply)
    mine = [a for a in members(bot) if a in inside]
    assert mine and all(a in posted for a in mine)
    assert not any(a in posted for a in bot.org.accounts if a not in inside)
    asks = [b for k, b in buttons(reply).items() if k.startswith(ACTION_ASK)]
    # Two of its accounts hold the role: both to pick from; one: its report at once.
    assert len(asks) == (len(mine) if len(mine) > 1 else 0)
