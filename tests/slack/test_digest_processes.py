"""Digest exactly once across bot processes sharing one Redis, and across a process killed mid-post.
The simulator and the Slack stand-in run in the test process; each bot is a process of its own."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from moto.core.base_backend import BackendDict

from playground.slack_api import SlackStandIn
from simulator import server as sim_server
from simulator.orggen import OrgSpec
from tests.support.cache import REDIS_URL

pytestmark = pytest.mark.server
DUE = datetime(2026, 11, 26, 8, 0, 30, tzinfo=UTC)


def _tick(env: dict[str, str], prefix: str, start_at: float, out: Any) -> None:
    os.environ.update(env)
    from bot.app import create_app
    from bot.cache.store import Cache, connect
    from bot.deps import build_deps, policy_from
    from bot.digest.runner import DigestRunner, DigestScheduler
    from bot.digest.schedule import DigestSubscription
    from bot.settings import Settings

    settings = Settings()
    cache = Cache(connect(REDIS_URL), policy_from(settings, prefix=prefix))
    _, deps = create_app(settings, build_deps(settings, cache=cache, clock=lambda: DUE))
    scheduler = DigestScheduler(
        deps,
        DigestRunner(deps, retry_delays=(), lease_seconds=1.0),
        [DigestSubscription(channel="C0SECURITY", time="09:00", timezone="Europe/Paris")],
        timedelta(hours=6),
    )
    time.sleep(max(0.0, start_at - time.time()))
    out.put(scheduler.tick(DUE))


@pytest.fixture
def world() -> Iterator[tuple[dict[str, str], SlackStandIn, str]]:
    BackendDict.reset()
    simulator = sim_server.start(port=0, spec=OrgSpec(seed=3, accounts=3, regions=("us-east-1",)))
    slack = SlackStandIn().start()
    assert simulator.org is not None
    env = {
        **simulator.client_environment(),
        "SLACK_API_URL": slack.api_url,
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "REDIS_URL": REDIS_URL,
    }
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield env, slack, prefix
    slack.stop()
    simulator.stop()
    BackendDict.reset()
    client = redis.Redis.from_url(REDIS_URL)
    for found in client.scan_iter(match=f"{prefix}:*"):
        client.delete(found)


def posts(slack: SlackStandIn) -> int:
    return len([c for c in slack.of("chat.postMessage") if c.params.get("channel") == "C0SECURITY"])


@pytest.mark.parametrize("replicas", [2, 3])
def test_replica_processes_post_once(world: tuple[dict[str, str], SlackStandIn, str], replicas: int) -> None:
    env, slack, prefix = world
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 4
    processes = [context.Process(target=_tick, args=(env, prefix, start_at, queue)) for _ in range(replicas)]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=90)["C0SECURITY:2026-11-26"] for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert outcomes.count("posted") == 1 and posts(slack) == 1


def test_a_process_killed_mid_post_neither_loses_nor_doubles(
    world: tuple[dict[str, str], SlackStandIn, str],
) -> None:
    env, slack, prefix = world
    slack.delay("chat.postMessage", 30)  # Slack takes the message; its answer never reaches the poster
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    doomed = context.Process(target=_tick, args=(env, prefix, 0, queue))
    doomed.start()
    slack.wait_for(lambda calls: any(c.method == "chat.postMessage" for c in calls), timeout=60)
    assert doomed.pid is not None
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join()
    slack.delay("chat.postMessage", 0)
    time.sleep(1.5)  # the dead poster's lease runs out
    survivor = context.Process(target=_tick, args=(env, prefix, 0, queue))
    survivor.start()
    assert queue.get(timeout=90)["C0SECURITY:2026-11-26"] == "recovered"
    survivor.join(timeout=30)
    assert posts(slack) == 1
