"""The watch tests' bot (served over HTTP; the scheduler is not running: the tests or the events
tick) and a clean slate of watches for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import served_bot
from tests.support.slack import Bot
from tests.support.watches import scheduler


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    with served_bot() as running:
        yield running


@pytest.fixture
def fresh(bot: Bot) -> Iterator[None]:
    """No watches from an earlier test."""
    store = scheduler(bot).runner.store
    for w in store.all():
        store.delete(w)
    yield
