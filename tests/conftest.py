"""The fixtures tests in several folders share, in one place: the AWS environment every test gets,
moto with the simulator, an organization seeded in it and a plan context on that, a Redis key
prefix of a test's own, and the bot served over real HTTP (`tests/slack/`, `tests/access/`).
What they build on lives in `tests/support/`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis

from bot.aws.session import config_client
from bot.questions.plans import PlanContext
from playground import harness
from simulator import server as sim_server
from simulator.faults import FAULTS
from simulator.orggen import OrgSpec, SeededOrg, generate
from tests.support import cache as session_redis
from tests.support.aws import settings_for
from tests.support.cache import REDIS_URL
from tests.support.slack import BOT_TOKEN, SECRET, Bot, access_config


def pytest_report_header() -> str:
    return session_redis.describe()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Without Redis, one line that says what to install, rather than a failure per test."""
    if session_redis.MISSING is not None:
        raise pytest.UsageError(session_redis.MISSING)


def pytest_unconfigure(config: pytest.Config) -> None:
    session_redis.stop_own()  # the redis-server this session started, if it started one


SPEC = OrgSpec(
    seed=21, accounts=6, regions=("us-east-1", "eu-west-1"), resources_per_region=5, non_compliance=0.3
)


@pytest.fixture(autouse=True)
def aws_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever sees real credentials, a profile or a real endpoint. A test of the bot server
    keeps the environment the server set for its module (AWS_ENDPOINT_URL among it)."""
    if "bot_server" in request.fixturenames:
        return
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")


@pytest.fixture
def moto() -> Iterator[None]:
    """moto's in-process mock with the simulator installed; state is reset afterwards."""
    from moto import mock_aws

    from simulator import install

    install()
    with mock_aws():
        yield


@pytest.fixture
def org(moto: None) -> Iterator[SeededOrg]:
    FAULTS.clear()
    yield generate(SPEC)
    FAULTS.clear()


@pytest.fixture
def service(org: SeededOrg) -> PlanContext:
    settings = settings_for(org)
    return PlanContext(config_client(settings), settings)


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for found in client.scan_iter(match=f"{name}:*"):
        client.delete(found)


@contextmanager
def served_bot(
    spec: OrgSpec | None = None,
    config: Callable[[SeededOrg], dict[str, Any]] = access_config,
    **settings: object,
) -> Iterator[Bot]:
    """The bot served over real HTTP, against the simulator, the real Redis and a Slack stand-in, as
    `playground.harness` starts it (with `settings` over the tests' own, and the configuration
    file `config` makes of the organization); tests post signed requests to it as Slack would
    (`tests.support.slack`)."""
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        # No real credentials or profile, whatever the machine has: the harness keeps what it finds.
        for name, value in {**sim_server.CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        running = harness.start(
            spec or OrgSpec(seed=13, accounts=5, regions=("us-east-1", "eu-west-1")),
            redis_url=REDIS_URL,
            threads=8,
            cache_prefix=prefix,
            config=config,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            **settings,
        )
        yield Bot(running)
        time.sleep(1.5)  # let answers still in flight reach the stand-in before it stops
        running.stop()
    plain = redis.Redis.from_url(REDIS_URL)
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    with served_bot() as running:
        yield running


@pytest.fixture
def bot(bot_server: Bot) -> Bot:
    bot_server.slack.reset()
    return bot_server
