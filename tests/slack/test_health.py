"""/healthz reports the cache degraded while Redis is unreachable."""

from __future__ import annotations

import io
import json
from typing import Any

from bot.app import create_app
from bot.cache.store import Cache, connect
from bot.deps import build_deps, policy_from
from bot.settings import Settings
from bot.slack.server import wsgi_app
from playground.slack_api import SlackStandIn


def get(app: Any, path: str) -> tuple[str, dict[str, Any]]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    body = b"".join(
        app({"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}, start_response)
    )
    return seen["status"], json.loads(body)


def test_healthz_says_degraded_while_redis_is_down() -> None:
    slack = SlackStandIn().start()
    try:
        settings = Settings(
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=slack.api_url,
            COMPLIANCE_AGGREGATOR_REGION="us-east-1",
        )
        dead = Cache(connect("redis://127.0.0.1:1/0"), policy_from(settings, prefix="health"))
        app, deps = create_app(settings, build_deps(settings, cache=dead))
        status, body = get(wsgi_app(app, deps), "/healthz")
        assert status == "200 OK" and body["status"] == "degraded" and body["cache"]["degraded"] == 1
        alive = Cache(connect(None), policy_from(settings, prefix="health"))
        app, deps = create_app(settings, build_deps(settings, cache=alive))
        assert get(wsgi_app(app, deps), "/healthz")[1]["status"] == "ok"
    finally:
        slack.stop()
