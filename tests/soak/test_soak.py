"""Soak: three bot processes on one Redis, a few hundred mixed questions, mentions with retries,
button clicks, 20% AWS throttling, Redis restarted once in the middle, Slack 429s. Every question
gets exactly one answer (or one clear error), no post is duplicated, no process crashes, the
digest is posted exactly once, and memory stays flat.

Small in CI (SOAK_QUESTIONS, default 120); run bigger with e.g. SOAK_QUESTIONS=1000.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
import yaml
from moto.core.base_backend import BackendDict

from bot.slack.blocks import NOTICE_PREFIXES
from playground.slack_api import SlackStandIn
from playground.slack_requests import post_signed
from simulator import server as sim_server
from simulator.faults import FAULTS, THROTTLING, Fault
from simulator.orggen import OrgSpec

pytestmark = [pytest.mark.soak, pytest.mark.server]
QUESTIONS = int(os.environ.get("SOAK_QUESTIONS", "120"))
SECRET = "soak-secret"
TEXTS = (
    "s3-encryption",
    "restricted-ssh",
    "encrypted-volumes",
    "rules",
    "summary by region",
    "summary",
    "health",
    "packs",
    "resources by type",
    "resources by account",
    "cloudtrail",
    "rds-encryption",
    "query SELECT resourceType, COUNT(*) GROUP BY resourceType",
    "help",
    "no-such-rule-at-all",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A Redis of the test's own, with an append-only file, so a restart keeps what it had."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="soak-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (.ci/run installs it)"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                self.dir,
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _bot(env: dict[str, str], ready: Any, stop: Any) -> None:
    """One bot replica: the real app, served by waitress, with its digest scheduler running."""
    os.environ.update(env)
    from waitress.server import create_server

    from bot.app import create_app
    from bot.cache.store import Cache, connect
    from bot.deps import build_deps, policy_from
    from bot.settings import Settings
    from bot.slack.server import wsgi_app

    settings = Settings()
    cache = Cache(connect(settings.redis_url), policy_from(settings, prefix="soak"))
    app, deps = create_app(settings, build_deps(settings, cache=cache))
    assert deps.digests is not None
    deps.digests.start()
    http: Any = create_server(wsgi_app(app, deps), host="127.0.0.1", port=0, threads=16)
    threading.Thread(target=http.run, daemon=True).start()
    ready.put((f"http://127.0.0.1:{http.effective_port}", os.getpid()))
    stop.wait()
    deps.digests.stop()
    http.close()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(autouse=True)
def aws_environment() -> None:
    """This module sets its own environment for the bot processes."""


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    BackendDict.reset()
    store = RedisServer()
    store.start()
    simulator = sim_server.start(
        port=0, spec=OrgSpec(seed=17, accounts=8, regions=("us-east-1", "eu-west-1"))
    )
    assert simulator.org is not None
    slack = SlackStandIn().start()
    now = datetime.now(UTC)
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as config:
        config.write(
            yaml.safe_dump(
                {
                    "admins": ["U0ADMIN"],
                    "channels": {"C0SECURITY": {"accounts": "all", "query": True}},
                    "digests": [{"channel": "C0DIGEST", "time": f"{now:%H:%M}", "timezone": "UTC"}],
                }
            )
        )
    env = {
        **simulator.client_environment(),
        "SLACK_API_URL": slack.api_url,
        "SLACK_BOT_TOKEN": "xoxb-soak",
        "SLACK_SIGNING_SECRET": SECRET,
        "REDIS_URL": store.url,
        "COMPLIANCE_CONFIG": config.name,
        "COMPLIANCE_DIGEST_INTERVAL": "1",
    }
    yield {"redis": store, "simulator": simulator, "slack": slack, "env": env, "org": simulator.org}
    FAULTS.clear()
    slack.stop()
    simulator.stop()
    store.stop()
    shutil.rmtree(store.dir, ignore_errors=True)
    BackendDict.reset()


def test_soak(world: dict[str, Any]) -> None:
    slack: SlackStandIn = world["slack"]
    store: RedisServer = world["redis"]
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    processes = [context.Process(target=_bot, args=(world["env"], ready, stop)) for _ in range(3)]
    for process in processes:
        process.start()
    bots = [ready.get(timeout=120) for _ in processes]
    urls = [url for url, _ in bots]
    FAULTS.errors = [Fault(**{**THROTTLING.__dict__, "rate": 0.2})]
    slack.fail("chat.postMessage", status=429, retry_after=1, times=3)
    rng = random.Random(5)
    commands: list[str] = []  # response_url names
    mentions: list[str] = []  # event ts
    lock = threading.Lock()
    rss_start: dict[int, float] = {}

    def send(bot: str, body: bytes, content_type: str, later: int = 0) -> int:
        """POST as Slack does (500 means the bot could not claim an event: Slack retries it)."""
        return post_signed(f"{bot}/slack/events", SECRET, body, content_type, later)

    def one(index: int) -> None:
        bot = urls[index % 3]
        kind = rng.random()
        if kind < 0.7:
            name = f"q{index}"
            text = TEXTS[index % len(TEXTS)]
            form = {
                "command": "/compliance",
                "text": text,
                "channel_id": "C0SECURITY",
                "user_id": "U0ALICE",
                "team_id": "T0",
                "response_url": slack.response_url(name),
            }
            assert send(bot, urlencode(form).encode(), "application/x-www-form-urlencoded") == 200
            with lock:
                commands.append(name)
        else:
            ts = f"{1700000000 + index}.000100"
            event = {
                "type": "app_mention",
                "user": "U0ALICE",
                "text": f"<@U0BOT> {TEXTS[index % 8]}",
                "ts": ts,
                "channel": "C0INCIDENT",
            }
            body = json.dumps(
                {
                    "type": "event_callback",
                    "event_id": f"Ev{index}",
                    "team_id": "T0",
                    "event_time": int(time.time()),
                    "event": event,
                }
            ).encode()
            statuses = [send(bot, body, "application/json")]
            for retry in (1, 2):  # Slack's retries come later and reach other replicas
                time.sleep(1.5)
                statuses.append(send(urls[(index + retry) % 3], body, "application/json", later=retry))
            assert set(statuses) <= {200, 500} and 200 in statuses, statuses
            with lock:
                mentions.append(ts)

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(one, i) for i in range(QUESTIONS // 2)]
        for future in futures:
            future.result()
        for _, pid in bots:
            rss_start[pid] = rss_mib(pid)
        store.stop()  # Redis restarts in the middle of the load
        time.sleep(0.5)
        store.start()
        futures = [pool.submit(one, i) for i in range(QUESTIONS // 2, QUESTIONS)]
        for future in futures:
            future.result()

    def final(name: str, calls: list[Any]) -> list[Any]:
        return [
            c
            for c in calls
            if c.method == "response"
            and c.path == f"/response/{name}"
            and not str(c.params.get("text", "")).startswith(NOTICE_PREFIXES)
        ]

    calls = slack.wait_for(
        lambda cs: (
            all(final(n, cs) for n in commands)
            and sum(c.method == "chat.postMessage" and c.params.get("channel") == "C0INCIDENT" for c in cs)
            >= len(mentions)
            and any(c.method == "chat.postMessage" and c.params.get("channel") == "C0DIGEST" for c in cs)
        ),
        timeout=300,
    )
    time.sleep(3)  # anything late or doubled would land now
    calls = list(slack.calls)
    for name in commands:
        answers = final(name, calls)
        assert len(answers) == 1, (name, [a.params for a in answers])
        assert "went wrong on my side" not in json.dumps(answers[0].params)
    threads = [
        c.params.get("thread_ts")
        for c in calls
        if c.method == "chat.postMessage" and c.params.get("channel") == "C0INCIDENT"
    ]
    from collections import Counter

    doubled = {ts: n for ts, n in Counter(threads).items() if n > 1}
    assert not doubled, f"mentions answered more than once: {doubled}"
    assert sorted(set(threads)) == sorted(mentions), "each mention answered, in its thread"
    digests = [c for c in calls if c.method == "chat.postMessage" and c.params.get("channel") == "C0DIGEST"]
    assert len(digests) == 1
    assert all(process.is_alive() for process in processes), "no bot process crashed"
    growth = {pid: rss_mib(pid) - rss_start[pid] for _, pid in bots}
    assert all(g < 80 for g in growth.values()), growth
    stop.set()
    for process in processes:
        process.join(timeout=30)
