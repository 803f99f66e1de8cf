"""Questions in people's own words, end to end: every phrasing of the interpreter's table,
@mentioned in an incident channel, is answered once, in its thread, with the answer its grammar
form gets (and the "Reading this as" line above it); unsure readings become buttons; a follow-up
in the thread refines the thread's question; nonsense gets examples without touching AWS."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from tests.support.phrasings import ACCOUNT, AMBIGUOUS, OTHER, PHRASINGS
from tests.support.slack import Bot, buttons, loading, text_of

pytestmark = pytest.mark.server
CHANNEL = "C0INCIDENT"
TS = itertools.count(1)


def body(message: dict[str, Any]) -> str:
    """A message's text but for its context lines (how fresh, how read): what the answer says."""
    kept = {**message, "text": "", "blocks": [b for b in message.get("blocks", []) if b["type"] != "context"]}
    return text_of(kept)


def mention(bot: Bot, text: str, thread: str | None = None) -> dict[str, Any]:
    """@mention the bot; the one message it posts in reply."""
    ts = f"1700001000.{next(TS):06d}"
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": f"<@U0BOT> {text}",
        "ts": ts,
        "channel": CHANNEL,
    }
    if thread:
        event["thread_ts"] = thread
    before = len(bot.slack.of("chat.postMessage"))
    assert bot.event(event, f"Ev{ts}").status_code == 200
    bot.slack.wait_for(lambda cs: sum(c.method == "chat.postMessage" for c in cs) > before, timeout=20)
    post = bot.slack.of("chat.postMessage")[before]
    assert post.params["channel"] == CHANNEL and post.params["thread_ts"] == (thread or ts)
    if not loading(post.params):
        return post.params
    # A first answer: the reply as finally updated counts (the same message, updated once).
    posted_ts = (post.answer or {}).get("ts")
    calls = bot.slack.wait_for(
        lambda cs: any(c.method == "chat.update" and c.params.get("ts") == posted_ts for c in cs), timeout=60
    )
    (update,) = [c for c in calls if c.method == "chat.update" and c.params.get("ts") == posted_ts]
    return {**update.params, "thread_ts": post.params["thread_ts"]}


def real(bot: Bot, text: str) -> str:
    """The table's placeholder accounts as accounts of the seeded organization."""
    return text.replace(ACCOUNT, bot.org.accounts[1]).replace(OTHER, bot.org.accounts[2])


def test_every_phrasing_gets_its_grammar_forms_answer_in_the_thread(bot: Bot) -> None:
    for text, form in PHRASINGS:
        text, form = real(bot, text), real(bot, form)
        posted = mention(bot, text)
        lines = [b for b in posted["blocks"] if b["type"] == "context"]
        _, url = bot.command(form, channel_id=CHANNEL)
        direct = bot.responses(url)[-1]
        assert body(posted) == body(direct), text
        said = text_of({"blocks": lines[:1]})
        if " " in text.strip() or "Reading this as" in said:  # a grammar form is answered as it is
            assert f"Reading this as: `{form}`" in said, text
    assert len(bot.slack.of("chat.postMessage")) == len(PHRASINGS)  # answered once each


def test_an_unsure_reading_offers_buttons_that_ask_each_reading(bot: Bot) -> None:
    text, forms = AMBIGUOUS[-1]  # "does every user have mfa"
    posted = mention(bot, text)
    offered = buttons(posted)
    assert "more than one way" in text_of(posted) and 2 <= len(offered) <= 3
    assert forms <= {b["text"]["text"] for b in offered.values()}
    choice = next(iter(offered.values()))
    url = bot.slack.response_url()
    bot.action(
        {"action_id": choice["action_id"], "value": choice["value"]}, channel=CHANNEL, response_url=url
    )
    (answer,) = bot.responses(url)
    assert answer["replace_original"] is True and "went wrong" not in text_of(answer)


def test_a_follow_up_refines_the_reading_chosen_with_a_button(bot: Bot) -> None:
    posted = mention(bot, "are any buckets public?")
    thread = posted["thread_ts"]
    chosen = next(b for b in buttons(posted).values() if b["text"]["text"] == "s3-public-write")
    url = bot.slack.response_url()
    bot.action(
        {"action_id": chosen["action_id"], "value": chosen["value"]},
        channel=CHANNEL,
        message_ts=thread,
        response_url=url,
        message={**posted, "thread_ts": thread},
    )
    bot.responses(url)
    region = bot.org.spec.regions[1]
    follow_up = mention(bot, f"and in {region}?", thread)
    assert f"Reading this as: `s3-public-write region {region}`" in text_of(follow_up)


def test_a_follow_up_in_the_thread_refines_its_question(bot: Bot) -> None:
    first = mention(bot, "is ssh open to the internet anywhere?")
    thread = first["thread_ts"]
    region = bot.org.spec.regions[1]
    follow_up = mention(bot, f"and in {region}?", thread)
    assert f"Reading this as: `ssh region {region}`" in text_of(follow_up)
    account = bot.org.accounts[2]
    narrower = mention(bot, f"what about account {account}", thread)
    assert f"Reading this as: `ssh region {region} account {account}`" in text_of(narrower)
    uploads = len(bot.slack.of("files.completeUploadExternal"))
    mention(bot, "export that", thread)
    bot.slack.wait_for(lambda cs: sum(c.method == "files.completeUploadExternal" for c in cs) > uploads)


def test_nonsense_gets_examples_and_costs_no_aws_call(bot: Bot) -> None:
    posted = mention(bot, "banana split with sprinkles")
    assert "Questions I do understand" in text_of(posted) and "/compliance" not in text_of(posted)
    lines = [json.loads(f[b"line"]) for _, f in bot.cache.redis.xrange(f"{bot.cache.policy.prefix}:audit")]
    said = [line for line in lines if line.get("text") == "banana split with sprinkles"]
    assert said and said[-1]["outcome"] == "not_understood" and "aws_calls" not in said[-1]
