"""The bot served over real HTTP, against the simulator, the real Redis and a Slack stand-in, as
`playground.harness` starts it; tests post signed requests to it as Slack would
(`tests.support.slack`)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from playground import harness
from simulator import server as sim_server
from simulator.orggen import OrgSpec
from tests.support.slack import BOT_TOKEN, REDIS_URL, SECRET, Bot, access_config


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        # No real credentials or profile, whatever the machine has: the harness keeps what it finds.
        for name, value in {**sim_server.CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        running = harness.start(
            OrgSpec(seed=13, accounts=5, regions=("us-east-1", "eu-west-1")),
            redis_url=REDIS_URL,
            threads=8,
            cache_prefix=prefix,
            config=access_config,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
        )
        yield Bot(running)
        time.sleep(1.5)  # let answers still in flight reach the stand-in before it stops
        running.stop()
    plain = redis.Redis.from_url(REDIS_URL)
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)


@pytest.fixture
def bot(bot_server: Bot) -> Bot:
    bot_server.slack.reset()
    return bot_server


@pytest.fixture(autouse=True)
def aws_environment() -> None:
    """The module's bot server sets the environment it needs (AWS_ENDPOINT_URL among it)."""
