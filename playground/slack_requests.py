"""What Slack sends to an app, built and signed as Slack does: a slash command's form, an event's
envelope, a button click's payload. The playground page, the demo, the tests and the benchmarks build
their requests here, so they cannot disagree about their shape."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


def command_body(text: str, response_url: str, **fields: str) -> bytes:
    """The form Slack posts for `/compliance <text>`; `fields` (channel_id, user_id, team_id,
    token, trigger_id) replace the defaults."""
    form = {
        "token": "playground",
        "team_id": "T0PLAYGROUND",
        "channel_id": "C0SECURITY",
        "user_id": "U0ALICE",
        "command": "/compliance",
        "text": text,
        "response_url": response_url,
        "trigger_id": uuid.uuid4().hex[:10],
        **fields,
    }
    return urlencode(form).encode()


def event_body(
    event: dict[str, Any],
    event_id: str | None = None,
    team: str = "T0PLAYGROUND",
    app: str = "A0PLAYGROUND",
    token: str = "playground",
) -> bytes:
    """The JSON envelope Slack posts an event in (Events API, HTTP mode)."""
    return json.dumps(
        {
            "token": token,
            "team_id": team,
            "api_app_id": app,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:12]}",
            "event_time": int(time.time()),
            "event": event,
        }
    ).encode()


def block_actions_body(
    action: dict[str, Any],
    channel: str,
    user: str,
    message_ts: str,
    response_url: str,
    team: str = "T0PLAYGROUND",
    app: str = "A0PLAYGROUND",
    ephemeral: bool = False,
    message: dict[str, Any] | None = None,
) -> bytes:
    """The form body Slack posts when someone clicks a button on a message (an ephemeral one, a
    private answer, says so in its container). `message` is the clicked message as posted (its
    text, blocks and, for a reply in a thread, thread_ts), which Slack sends along."""
    shown = {k: v for k, v in (message or {}).items() if k in ("text", "blocks", "thread_ts")}
    thread = {"thread_ts": shown["thread_ts"]} if "thread_ts" in shown else {}
    payload = {
        "type": "block_actions",
        "team": {"id": team},
        "user": {"id": user},
        "api_app_id": app,
        "token": "stand-in",
        "trigger_id": uuid.uuid4().hex,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
            **thread,
        },
        "channel": {"id": channel},
        "message": {"type": "message", "text": "", **shown, "ts": message_ts},
        "response_url": response_url,
        "actions": [action],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_signed(url: str, secret: str, body: bytes, content_type: str, later: int = 0) -> int:
    """POST `body` to `url` signed as Slack signs requests; `later` seconds on the timestamp give a
    retry a signature of its own, as Slack's retries have. Returns the HTTP status."""
    timestamp = str(int(time.time()) + later)
    signature = (
        "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    )
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
