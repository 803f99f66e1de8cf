"""Every key the bot writes in Redis expires, or belongs to a family whose size is bounded and
documented (README, "What the bot keeps in Redis"): after a served bot has answered, remembered a
thread, subscribed a digest, made a watch and audited it all, no other key is left."""

from __future__ import annotations

import re

import pytest

from bot.access.audit import STREAM_MAXLEN
from tests.support.slack import ADMIN, Bot

pytestmark = pytest.mark.server
# Bounded without a TTL: the digest's subscriptions (one per channel), its snapshots (8 whole, 90
# day summaries), the watches (one per scope and channel) and what each has seen (its scope's
# non-compliant resources), the audit stream (a MAXLEN).
BOUNDED = (
    r"digest:subs",
    r"snap:[\w-]+",
    r"snapsum:[\w-]+",
    r"watch:subs",
    r"watch:[0-9a-f]{16}:(seen|counts|ready)",
    r"audit",
)


def test_every_key_expires_or_is_a_documented_bounded_family(bot: Bot) -> None:
    bot.command("rules")
    bot.command("digest subscribe 09:00 UTC", user_id=ADMIN)
    _, url = bot.command("watch all region us-east-1", user_id=ADMIN)
    bot.responses(url, timeout=60)
    event = {"type": "app_mention", "user": "U0ALICE", "text": "<@U0BOT> rules", "ts": "1700009900.000001"}
    bot.event({**event, "channel": "C0SECURITY"}, "EvRedisKeys")
    bot.slack.wait_for(lambda cs: any(c.method == "chat.postMessage" for c in cs), 30)
    prefix = bot.cache.policy.prefix
    client = bot.cache.redis
    unbounded, families = [], set()
    for raw in client.scan_iter(match=f"{prefix}:*"):
        key = raw.decode()
        family = key.removeprefix(f"{prefix}:")
        families.add(family.split(":")[0])
        if client.ttl(raw) > 0 or any(re.fullmatch(p, family) for p in BOUNDED):
            continue
        unbounded.append(key)
    assert unbounded == []
    assert {"v1", "thread", "event", "digest", "watch", "audit"} <= families  # the test saw them all
    assert client.xinfo_stream(f"{prefix}:audit")["length"] <= STREAM_MAXLEN
