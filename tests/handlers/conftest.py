"""Handlers as units, the way Bolt's starter template tests them: each listener called with a
mocked `ack`, `respond` or Slack client, and dependencies whose AWS side is a stub answer."""

from __future__ import annotations

from unittest.mock import MagicMock, Mock

import fakeredis
import pytest

from bot.access.scopes import AccessConfig
from bot.cache.store import Cache, CachePolicy
from bot.deps import Deps, build_deps
from bot.questions.plans.context import PlanContext
from bot.settings import Settings
from tests.support.handlers import ADMIN, NOW, health_answer


@pytest.fixture
def deps() -> Deps:
    """Real grammar, registry, presenters, scopes and dedupe; a stub answerer and a mocked Slack."""
    settings = Settings(_env_file=None, COMPLIANCE_AGGREGATOR="Org", AWS_REGION="us-east-1")
    cache = Cache(fakeredis.FakeRedis(), CachePolicy(prefix="unit"), clock=lambda: NOW)
    built = build_deps(settings, service=Mock(spec=PlanContext), cache=cache, clock=lambda: NOW)
    built.answerer = Mock()
    built.answerer.answer.return_value = health_answer()
    built.slack = MagicMock()
    built.access = AccessConfig(admins=[ADMIN])
    return built


@pytest.fixture
def respond() -> Mock:
    return Mock(return_value=Mock(status_code=200))
