"""manifest.yml against Slack's schema, and against the handlers: every command and event in it
has a handler, and every handler is in it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

import handlers
from bot.app import create_app
from bot.deps import build_deps
from bot.questions.help import usage_hint
from bot.settings import Settings
from bot.slack.server import mode
from playground.slack_api import SlackStandIn

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
SECRET = "manifest-secret"


STAND_IN = SlackStandIn()


@pytest.fixture(scope="module")
def app() -> Any:
    slack = STAND_IN.start()
    settings = Settings(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.api_url,
        COMPLIANCE_AGGREGATOR_REGION="us-east-1",
    )
    bolt, _ = create_app(settings, build_deps(settings))
    yield bolt
    slack.stop()


def dispatch(app: Any, body: str, content_type: str) -> int:
    timestamp = str(int(time.time()))
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body),
    }
    return int(app.dispatch(BoltRequest(body=body, headers=headers)).status)


def event(name: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "event_id": f"Ev{name}",
            "team_id": "T0",
            "event": {
                "type": name,
                "user": "U0",
                "channel": "C0",
                "ts": "1.1",
                "text": "help",
                "tab": "messages",
            },
        }
    )


def test_every_manifest_command_and_event_has_a_handler_and_vice_versa(app: Any) -> None:
    commands = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert commands == handlers.SLASH_COMMANDS
    assert events == handlers.EVENTS
    for command in commands:
        body = urlencode(
            {
                "command": command,
                "text": "help",
                "response_url": STAND_IN.response_url(),
                "channel_id": "C0",
                "user_id": "U0",
                "team_id": "T0",
            }
        )
        assert dispatch(app, body, "application/x-www-form-urlencoded") == 200
    STAND_IN.wait_for(lambda calls: any(c.method == "response" for c in calls))
    for name in events:
        assert dispatch(app, event(name), "application/json") == 200
    assert dispatch(app, event("reaction_added"), "application/json") == 404


def test_interactivity_and_app_home_are_enabled() -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True


def test_exactly_the_scopes_the_bot_uses() -> None:
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == {
        "commands",  # /compliance
        "app_mentions:read",  # app_mention events
        "chat:write",  # answers to mentions, digests
        "chat:write.public",  # digests into channels the bot was not invited to
        "channels:history",  # a digest whose poster died: was it posted? (public channels)
        "groups:history",  # the same, in private channels
        "files:write",  # Export CSV, the digest chart
        "im:write",  # a private answer's Export CSV, sent to the asker alone
    }


def test_the_usage_hint_comes_from_the_grammar() -> None:
    assert MANIFEST["features"]["slash_commands"][0]["usage_hint"] == usage_hint()


def test_socket_mode_when_an_app_token_is_set() -> None:
    assert mode(Settings(SLACK_APP_TOKEN="xapp-1")) == "socket"
    assert mode(Settings()) == "http"
