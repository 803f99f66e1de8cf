"""The bot as Slack meets it: a client that posts signed requests to the bot the harness started
(or forged, stale and unsigned ones), reads the answers from the Slack stand-in, and reads text and
buttons out of Block Kit messages.

Its signatures come from slack_sdk's own SignatureVerifier, not from the playground's signing, so
the tests check the bot against Slack's implementation rather than against ours."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests
from slack_sdk.signature import SignatureVerifier

from bot.cache.store import Cache
from bot.presenters.rule import LOADING as LOADING_LINE
from bot.settings import Settings
from bot.slack.blocks import NOTICE_PREFIXES
from playground.harness import Harness
from playground.page import Playground
from playground.slack_requests import FORM, block_actions_body, command_body, event_body
from simulator.orggen import SeededOrg

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token-0123456789"
ADMIN = "U0ADMIN"
PAYMENTS = "C0PAYMENTS"  # a channel that sees two accounts


def access_config(org: SeededOrg) -> dict[str, Any]:
    """Channels and admins for the tests: one channel sees all, PAYMENTS two accounts, one none."""
    return {
        "audit_stream": True,
        "admins": [ADMIN],
        "default_scope": "all",
        "channels": {
            "C0SECURITY": {"accounts": "all", "query": True},
            PAYMENTS: {"accounts": org.accounts[1:3], "query": True},
            "C0NOWHERE": {"accounts": []},
        },
    }


@dataclass
class Bot:
    running: Harness

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def slack(self) -> Playground:
        return self.running.slack

    @property
    def org(self) -> SeededOrg:
        return self.running.org

    @property
    def cache(self) -> Cache:
        return self.running.deps.cache

    @property
    def settings(self) -> Settings:
        return self.running.deps.settings

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
        fields = {"token": "x", "team_id": "T0EXAMPLE", "trigger_id": "1.2.3", **overrides}
        return self.post(command_body(text, response_url, **fields), FORM), response_url

    def event(
        self, event: dict[str, Any], event_id: str, headers: dict[str, str] | None = None
    ) -> requests.Response:
        body = event_body(event, event_id, team="T0EXAMPLE", app="A0APP", token="x")
        return self.post(body, "application/json", headers=headers)

    def action(
        self,
        action: dict[str, Any],
        channel: str = "C0SECURITY",
        message_ts: str = "1.000001",
        response_url: str | None = None,
        user: str = "U0ALICE",
        ephemeral: bool = False,
        message: dict[str, Any] | None = None,
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
            message=message,
        )
        return self.post(body, FORM)

    def responses(self, response_url: str, count: int = 1, timeout: float = 20.0) -> list[dict[str, Any]]:
        """What the bot sent to a response_url, once `count` arrived; a notice ("Working on it…")
        or a first answer ("Loading the rest…") is waited past: the reply as finally updated counts."""
        path = response_url.removeprefix(self.slack.url)

        def arrived(calls: list[Any]) -> bool:
            mine = [c for c in calls if c.method == "response" and c.path == path]
            return len(mine) >= count and not loading(mine[-1].params) and not notice(mine[-1].params)

        calls = self.slack.wait_for(arrived, timeout)
        return [c.params for c in calls if c.method == "response" and c.path == path]


def notice(message: dict[str, Any]) -> bool:
    """Whether a message is a notice that the answer replaces ("Working on it…", "AWS is slow…")."""
    return str(message.get("text", "")).startswith(NOTICE_PREFIXES)


def loading(message: dict[str, Any]) -> bool:
    """Whether a message is a first answer that the whole one will replace."""
    return LOADING_LINE in text_of(message)


def text_of(message: dict[str, Any]) -> str:
    """Every text in a message: its fallback text, section texts and fields, context elements."""
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for field in block.get("fields", []) or []:
            parts.append(field["text"])
        for element in block.get("elements", []) or []:
            if isinstance(element.get("text"), str):
                parts.append(element["text"])
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A message's buttons by action_id."""
    return {
        e["action_id"]: e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]
    }
