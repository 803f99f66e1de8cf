"""The waiver tests' bot: the tests' access configuration, an approver besides the admins, and
one waiver declared in the configuration file (as teams that keep them in git do)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulator.orggen import SeededOrg
from tests.conftest import served_bot
from tests.support.slack import Bot, access_config
from tests.support.watches import scheduler

APPROVER = "U0RISKLEAD"


def configured(org: SeededOrg) -> dict[str, Any]:
    """The configuration file: the last non-compliant finding of the seed is waived in it."""
    e = [e for e in org.evaluations if e.compliance_type == "NON_COMPLIANT"][-1]
    waiver = {
        "rule": e.logical_rule,
        "account_id": e.account_id,
        "region": e.region,
        "resource_id": e.resource_id,
        "expires_at": "2099-12-31",
        "reason": "kept in git",
        "approved_by": APPROVER,
    }
    return {**access_config(org), "waiver_approvers": [APPROVER], "waivers": [waiver]}


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    with served_bot(config=configured) as running:
        yield running


@pytest.fixture
def fresh(bot: Bot) -> Iterator[None]:
    """No waivers or watches made in Slack by an earlier test."""
    deps = bot.running.deps
    assert deps.waivers is not None
    for w in deps.waivers.store.all():
        deps.waivers.store.delete(w.id)
    store = scheduler(bot).runner.store
    for w in store.all():
        store.delete(w)
    yield
