"""Questions through the cache, on the simulator: repeated questions cost no AWS calls."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from bot.cache.store import Cache, connect
from bot.deps import policy_from
from bot.questions.answerer import Answerer
from bot.questions.grammar import parse
from simulator.orggen import SeededOrg
from tests.support.aws import settings_for
from tests.support.cache import REDIS_URL


@pytest.fixture
def answerer(org: SeededOrg) -> Iterator[tuple[Answerer, list[str]]]:
    from bot.aws.session import config_client
    from bot.questions.plans import PlanContext

    prefix = f"test-{uuid.uuid4().hex[:10]}"
    settings = settings_for(org, redis_url=REDIS_URL)
    client = config_client(settings)
    sent: list[str] = []
    client.meta.events.register("before-send.config.*", lambda **kwargs: sent.append("request"))
    cache = Cache(connect(settings.redis_url), policy_from(settings, prefix=prefix))
    yield Answerer(PlanContext(client, settings), cache), sent
    cache.close()
    plain = redis.Redis.from_url(REDIS_URL)
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)


def test_a_repeated_question_costs_no_aws_call(answerer: tuple[Answerer, list[str]]) -> None:
    ask, sent = answerer
    first = ask.answer(parse("summary by region"))
    calls = len(sent)
    assert calls >= 1 and not first.cached
    again = ask.answer(parse("summary by region"))
    assert len(sent) == calls and again.cached
    assert again.data == first.data and again.as_of == first.as_of and again.aws_calls == first.aws_calls


def test_every_name_of_a_rule_shares_one_answer(answerer: tuple[Answerer, list[str]]) -> None:
    ask, sent = answerer
    first = ask.answer(parse("s3-encryption"))
    calls = len(sent)
    for name in ("s3-bucket-server-side-encryption-enabled", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"):
        assert ask.answer(parse(name)).data == first.data
    assert len(sent) == calls


def test_refresh_drops_what_it_names(answerer: tuple[Answerer, list[str]]) -> None:
    ask, sent = answerer
    ask.answer(parse("health"))
    ask.answer(parse("rules"))
    assert ask.refresh("health") == 1
    calls = len(sent)
    assert not ask.answer(parse("health")).cached and len(sent) > calls
    assert ask.answer(parse("rules")).cached
    assert ask.refresh() == 2
