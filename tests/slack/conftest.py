"""The bot served over real HTTP, against the simulator, the real Redis and a Slack stand-in;
tests post signed requests to it as Slack would."""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
import requests
import yaml
from moto.core.base_backend import BackendDict
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.app import create_app
from bot.cache.store import Cache, connect
from bot.deps import build_deps, policy_from
from bot.settings import Settings
from simulator import server as sim_server
from simulator.orggen import OrgSpec, SeededOrg
from simulator.slack_api import SlackStandIn, block_actions_body

SECRET = "test-signing-secret"
ADMIN = "U0ADMIN"
PAYMENTS = "C0PAYMENTS"
BOT_TOKEN = "xoxb-test-token-0123456789"
REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Bot:
    url: str
    slack: SlackStandIn
    org: SeededOrg
    cache: Cache
    settings: Settings

    def post(
        self,
        body: bytes,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        timestamp = int(time.time()) if timestamp is None else timestamp
        signed = (
            signature
            if signature is not None
            else SignatureVerifier(SECRET).generate_signature(timestamp=str(timestamp), body=body)
        )
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp)}
        if signed:
            sent["X-Slack-Signature"] = signed
        return requests.post(
            f"{self.url}/slack/events", data=body, headers={**sent, **(headers or {})}, timeout=10
        )

    def command(self, text: str, name: str = "", **overrides: Any) -> tuple[requests.Response, str]:
        response_url = self.slack.response_url(name or uuid.uuid4().hex[:8])
        form = {
            "token": "x",
            "team_id": "T0EXAMPLE",
            "channel_id": "C0SECURITY",
            "user_id": "U0ALICE",
            "command": "/compliance",
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
            **overrides,
        }
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded"), response_url

    def event(
        self, event: dict[str, Any], event_id: str, headers: dict[str, str] | None = None
    ) -> requests.Response:
        body = json.dumps(
            {
                "token": "x",
                "team_id": "T0EXAMPLE",
                "api_app_id": "A0APP",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        ).encode()
        return self.post(body, "application/json", headers=headers)

    def action(
        self,
        action: dict[str, Any],
        channel: str = "C0SECURITY",
        message_ts: str = "1.000001",
        response_url: str | None = None,
        user: str = "U0ALICE",
        ephemeral: bool = False,
    ) -> requests.Response:
        body = block_actions_body(
            action,
            channel,
            user,
            message_ts,
            response_url or self.slack.response_url(),
            team="T0EXAMPLE",
            app="A0APP",
            ephemeral=ephemeral,
        )
        return self.post(body, "application/x-www-form-urlencoded")

    def responses(self, response_url: str, count: int = 1, timeout: float = 20.0) -> list[dict[str, Any]]:
        path = response_url.removeprefix(self.slack.url)
        calls = self.slack.wait_for(
            lambda cs: sum(c.method == "response" and c.path == path for c in cs) >= count, timeout
        )
        return [c.params for c in calls if c.method == "response" and c.path == path]


@pytest.fixture(scope="module")
def bot_server() -> Iterator[Bot]:
    monkeypatch = pytest.MonkeyPatch()
    for name, value in {**sim_server.CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    BackendDict.reset()
    simulator = sim_server.start(
        port=0, spec=OrgSpec(seed=13, accounts=5, regions=("us-east-1", "eu-west-1"))
    )
    assert simulator.org is not None
    monkeypatch.setenv("AWS_ENDPOINT_URL", simulator.endpoint)
    slack = SlackStandIn().start()
    access = {
        "audit_stream": True,
        "admins": [ADMIN],
        "default_scope": "all",
        "channels": {
            "C0SECURITY": {"accounts": "all", "query": True},
            PAYMENTS: {"accounts": simulator.org.accounts[1:3], "query": True},
            "C0NOWHERE": {"accounts": []},
        },
    }
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as config:
        config.write(yaml.safe_dump(access))
    settings = Settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.api_url,
        COMPLIANCE_AGGREGATOR=simulator.org.aggregator_name,
        COMPLIANCE_AGGREGATOR_REGION="us-east-1",
        COMPLIANCE_ROLE_ARN=simulator.org.role_arn,
        REDIS_URL=REDIS_URL,
        COMPLIANCE_CONFIG=config.name,
    )
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    cache = Cache(connect(REDIS_URL), policy_from(settings, prefix=prefix))
    app, deps = create_app(settings, build_deps(settings, cache=cache))
    from bot.slack.server import WAITRESS_LIMITS, wsgi_app

    http = create_server(wsgi_app(app, deps), host="127.0.0.1", port=0, threads=8, **WAITRESS_LIMITS)
    thread = threading.Thread(target=http.run, daemon=True)
    thread.start()
    yield Bot(f"http://127.0.0.1:{http.effective_port}", slack, simulator.org, cache, settings)
    time.sleep(1.5)  # let answers still in flight reach the stand-in before it stops
    http.close()
    slack.stop()
    simulator.stop()
    cache.close()
    plain = redis.Redis.from_url(REDIS_URL)
    for found in plain.scan_iter(match=f"{prefix}:*"):
        plain.delete(found)
    BackendDict.reset()
    monkeypatch.undo()


@pytest.fixture
def bot(bot_server: Bot) -> Bot:
    bot_server.slack.reset()
    return bot_server


@pytest.fixture(autouse=True)
def aws_environment() -> None:
    """The module's bot server sets the environment it needs (AWS_ENDPOINT_URL among it)."""
