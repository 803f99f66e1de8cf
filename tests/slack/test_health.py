"""/healthz and /metrics in both modes: the same WSGI code behind HTTP mode and behind Socket Mode's
health server; /healthz names each dependency's state (a Redis at a closed port, AWS and Slack
failing, a Socket Mode socket down) and never a secret."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot import metrics
from bot.app import create_app
from bot.cache.store import Cache, connect
from bot.deps import Deps, build_deps, policy_from
from bot.settings import Settings
from bot.slack import health as health_module
from bot.slack.delivery import post_or_give_up
from bot.slack.health import RECENT, RecentFailures
from bot.slack.server import HealthServer, health_app, serve_socket_mode, wsgi_app
from playground.slack_api import SlackStandIn

SECRETS: dict[str, Any] = {  # the Settings that hold secrets
    "SLACK_BOT_TOKEN": "xoxb-bot-token-never-shown",
    "SLACK_SIGNING_SECRET": "signing-secret-never-shown",
    "SLACK_APP_TOKEN": "xapp-app-token-never-shown",
    "COMPLIANCE_METRICS_TOKEN": "metrics-token-never-shown",
}
REDIS_PASSWORD = "redis-password-never-shown"


def get(app: Any, path: str) -> tuple[str, dict[str, Any]]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    body = b"".join(
        app({"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}, start_response)
    )
    return seen["status"], json.loads(body)


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago, and is closed now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def deps_for(slack: SlackStandIn, cache: Cache | None = None, **settings: Any) -> tuple[Any, Deps]:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack.api_url,
        "COMPLIANCE_AGGREGATOR_REGION": "us-east-1",
        **settings,
    }
    built = Settings(**values)
    return create_app(built, build_deps(built, cache=cache))


def test_healthz_says_degraded_while_redis_is_down(slack: SlackStandIn) -> None:
    settings = Settings(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=slack.api_url,
        COMPLIANCE_AGGREGATOR_REGION="us-east-1",
    )
    dead = Cache(connect("redis://127.0.0.1:1/0"), policy_from(settings, prefix="health"))
    status, body = get(wsgi_app(*deps_for(slack, cache=dead)), "/healthz")
    assert status == "200 OK" and body["status"] == "degraded" and body["cache"]["degraded"] == 1
    assert body["dependencies"]["redis"] == "unreachable" and body["mode"] == "http"
    alive = Cache(connect(None), policy_from(settings, prefix="health"))
    status, body = get(wsgi_app(*deps_for(slack, cache=alive)), "/healthz")
    assert status == "200 OK" and body["status"] == "ok"
    assert body["dependencies"] == {"redis": "ok", "aws": "ok", "slack": "ok"}


def test_healthz_names_a_redis_at_a_closed_port(slack: SlackStandIn) -> None:
    """The bot pointed at a Redis that is not there, as a deployer would misconfigure it."""
    _, deps = deps_for(slack, REDIS_URL=f"redis://:{REDIS_PASSWORD}@127.0.0.1:{closed_port()}/0")
    status, body = get(health_app(deps), "/healthz")
    assert status == "200 OK"  # the bot still answers, uncached: no reason to restart it
    assert body["status"] == "degraded" and body["dependencies"]["redis"] == "unreachable"
    assert body["dependencies"]["aws"] == "ok" and REDIS_PASSWORD not in json.dumps(body)


def test_the_health_server_alone_answers_healthz_and_metrics(slack: SlackStandIn) -> None:
    _, deps = deps_for(slack, COMPLIANCE_METRICS_TOKEN="scrape-me")
    server = HealthServer(health_app(deps, connected=lambda: True), "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        healthz = requests.get(f"{base}/healthz", timeout=5)
        assert healthz.status_code == 200 and healthz.json()["status"] == "ok"
        assert healthz.json()["mode"] == "socket"
        assert requests.get(f"{base}/metrics", timeout=5).status_code == 401
        scraped = requests.get(f"{base}/metrics", headers={"Authorization": "Bearer scrape-me"}, timeout=5)
        assert scraped.status_code == 200 and "compliance_questions" in scraped.text
        assert requests.get(f"{base}/slack/events", timeout=5).status_code == 404
    finally:
        server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/healthz", timeout=5)


class FakeSocketMode:
    """Stands in for Bolt's SocketModeHandler: never connects to Slack; its `start` (which blocks
    in the real one) probes the health server that serve_socket_mode must have started first."""

    port = 0
    seen: dict[str, Any] = {}

    def __init__(self, app: Any, token: str) -> None:
        self.client = self
        self.up = False
        FakeSocketMode.seen["token"] = token

    def is_connected(self) -> bool:
        return self.up

    def start(self) -> None:
        base = f"http://127.0.0.1:{self.port}"
        before = requests.get(f"{base}/healthz", timeout=5)
        self.up = True
        after = requests.get(f"{base}/healthz", timeout=5)
        scraped = requests.get(f"{base}/metrics", timeout=5)
        FakeSocketMode.seen.update(before=before, after=after, metrics=scraped)


def test_serve_socket_mode_serves_healthz_and_metrics_on_port(
    slack: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slack_bolt.adapter.socket_mode

    port = closed_port()
    app, deps = deps_for(slack, SLACK_APP_TOKEN="xapp-1", PORT=port)
    FakeSocketMode.port = port
    monkeypatch.setattr(slack_bolt.adapter.socket_mode, "SocketModeHandler", FakeSocketMode)
    serve_socket_mode(app, deps, host="127.0.0.1")  # PORT by default, as `compliance-bot serve` runs it
    seen = FakeSocketMode.seen
    assert seen["token"] == "xapp-1"
    # Not yet connected: the bot hears nothing, the one state a probe should restart it for.
    assert (
        seen["before"].status_code == 503 and seen["before"].json()["dependencies"]["slack"] == "disconnected"
    )
    assert seen["after"].status_code == 200 and seen["after"].json()["status"] == "ok"
    assert seen["metrics"].status_code == 200 and "compliance_aws_calls" in seen["metrics"].text
    with pytest.raises(requests.ConnectionError):  # stopped with the socket
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)


def test_healthz_names_failing_aws_and_slack_and_never_a_secret(slack: SlackStandIn) -> None:
    redis_url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{closed_port()}/0"
    _, deps = deps_for(slack, REDIS_URL=redis_url, **SECRETS)
    connected = {"up": True}
    app = health_app(deps, connected=lambda: connected["up"])
    bodies = []

    def probe() -> tuple[str, dict[str, Any]]:
        status, body = get(app, "/healthz")
        bodies.append(json.dumps(body))
        return status, body

    metrics.AWS_ERRORS.labels("RuleNotFound").inc()  # the asker's mistake, not AWS failing
    assert probe()[1]["dependencies"]["aws"] == "ok"
    metrics.AWS_ERRORS.labels("AccessDenied").inc()
    status, body = probe()
    assert status == "200 OK" and body["dependencies"]["aws"] == "failing"
    assert body["recent_failures"]["aws"]["kind"] == "AccessDenied"

    def unreachable() -> None:
        raise OSError(f"could not reach Slack with {SECRETS['SLACK_BOT_TOKEN']}")

    assert not post_or_give_up(unreachable, {"channel": "C1"})
    status, body = probe()
    assert status == "200 OK" and body["dependencies"]["slack"] == "failing"
    connected["up"] = False
    status, body = probe()
    assert status == "503 Service Unavailable" and body["dependencies"]["slack"] == "disconnected"
    assert body["dependencies"] == {"redis": "unreachable", "aws": "failing", "slack": "disconnected"}
    for text in bodies:
        assert not [secret for secret in [*SECRETS.values(), REDIS_PASSWORD] if secret in text]


def test_a_failure_is_recent_for_a_while_then_forgotten() -> None:
    now, counts = [1000.0], {"AccessDenied": 3.0}
    watch = RecentFailures(lambda: dict(counts), clock=lambda: now[0])
    assert watch.latest() is None  # what came before the watch is not news
    counts["AccessDenied"] = 4.0
    counts[health_module.QUESTION_FAILED] = 1.0
    assert watch.latest() == ("AccessDenied", 0.0)  # the telling kind over the generic one
    now[0] += RECENT - 1
    assert watch.latest() == ("AccessDenied", RECENT - 1)
    now[0] += 2
    assert watch.latest() is None


def test_only_given_up_answers_count_as_slack_failing(caplog: pytest.LogCaptureFixture) -> None:
    before = health_module.GIVEN_UP.count
    delivery = logging.getLogger("bot.slack.delivery")
    delivery.error(json.dumps({"event": "answer_fallback"}))
    delivery.error("not JSON at all")
    delivery.error(json.dumps({"event": "answer_given_up", "reason": "x"}))
    assert health_module.GIVEN_UP.count == before + 1
