"""The events endpoint as an attacker meets it: bounded bodies, cheap refusals before any parsing,
no body in the logs, no 500 for malformed input."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import pytest
import requests

from bot.server import MAX_BODY
from tests.slack.conftest import SECRET, Bot

FORM = "application/x-www-form-urlencoded"


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(bot: Bot) -> None:
    body = b"command=%2Fcompliance&text=" + b"a" * (2 * MAX_BODY)
    response = bot.post(body, FORM)
    assert response.status_code == 413
    assert bot.slack.calls == []


def test_an_unsigned_request_is_refused_before_any_parsing_and_its_body_is_never_logged(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "token=SECRET-VERIFICATION-TOKEN&response_url=https%3A%2F%2Fhooks.slack.com%2Fx"
    with caplog.at_level(logging.DEBUG):
        for body in (marker.encode(), b"{not json" + marker.encode(), b"\xff\xfe" + marker.encode()):
            assert bot.post(body, FORM, signature="").status_code == 401
            assert bot.post(body, "application/json", signature="v0=" + "0" * 64).status_code in (400, 401)
        time.sleep(0.2)
    assert "SECRET-VERIFICATION-TOKEN" not in caplog.text
    assert '"event": "request_refused"' in caplog.text and '"bytes"' in caplog.text
    assert bot.slack.calls == []


@pytest.mark.parametrize("timestamp", ["1e9", "-5", "", "17000x"])
def test_a_malformed_timestamp_is_401_not_500(bot: Bot, timestamp: str) -> None:
    body = b"command=%2Fcompliance&text=health"
    response = requests.post(
        f"{bot.url}/slack/events",
        data=body,
        headers={"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=00"},
        timeout=10,
    )
    assert response.status_code == 401


def signed(body: bytes) -> tuple[int, str]:
    """A valid signature over any bytes (the SDK's helper takes text only)."""
    now = int(time.time())
    digest = hmac.new(SECRET.encode(), f"v0:{now}:".encode() + body, hashlib.sha256).hexdigest()
    return now, f"v0={digest}"


def test_a_signed_but_malformed_payload_is_a_client_error(bot: Bot) -> None:
    for body, kind in (
        (b"\xff\xfe\x00garbage", FORM),
        (b"{not json", "application/json"),
        (b"payload=%7B", FORM),
    ):
        timestamp, signature = signed(body)
        response = bot.post(body, kind, timestamp=timestamp, signature=signature)
        assert 400 <= response.status_code < 500, (body, response.status_code)
