"""The events endpoint as an attacker meets it: bounded bodies, cheap refusals before any parsing,
no body in the logs, no 500 for malformed input."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import pytest
import requests

from bot.slack.delivery import RESPONSE_DELAYS
from bot.slack.server import MAX_BODY
from tests.support.slack import ADMIN, SECRET, Bot, buttons, text_of

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


def test_metrics_need_the_token_when_one_is_set() -> None:
    from bot.settings import Settings
    from bot.slack.server import _may_scrape

    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "COMPLIANCE_AGGREGATOR": "Org"}
    open_settings = Settings(**base)  # type: ignore[arg-type]
    assert _may_scrape(open_settings, {})
    guarded = Settings(**base, COMPLIANCE_METRICS_TOKEN="scrape-me")  # type: ignore[arg-type]
    assert not _may_scrape(guarded, {})
    assert not _may_scrape(guarded, {"HTTP_AUTHORIZATION": "Bearer wrong"})
    assert _may_scrape(guarded, {"HTTP_AUTHORIZATION": "Bearer scrape-me"})


def test_digest_on_demand_is_bounded_and_listing_shows_only_this_channel(bot: Bot) -> None:
    _, url = bot.command("digest subscribe 07:00 UTC", channel_id="C0LISTED", user_id=ADMIN)
    bot.responses(url)
    _, url = bot.command("digest list", channel_id="C0ELSEWHERE")
    assert "C0LISTED" not in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest list", channel_id="C0ELSEWHERE", user_id=ADMIN)
    assert "C0LISTED" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest now", channel_id="C0ONDEMAND")
    assert "Posted the digest" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest now", channel_id="C0ONDEMAND")
    assert "within the hour" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest now", channel_id="C0ONDEMAND", user_id=ADMIN)
    assert "Posted the digest" in text_of(bot.responses(url)[-1])
    _, url = bot.command("digest unsubscribe", channel_id="C0LISTED", user_id=ADMIN)
    bot.responses(url)


def test_a_slash_commands_answer_survives_a_failing_response_url(bot: Bot) -> None:
    bot.slack.fail("response", status=500, times=1)
    _, url = bot.command("health", name="flaky")
    assert "FAILED" in text_of(bot.responses(url)[-1])  # the second try
    bot.slack.fail("response", status=500, times=len(RESPONSE_DELAYS))
    bot.command("health", name="down", channel_id="C0FALLBACK", user_id="U0ASKER")
    calls = bot.slack.wait_for(lambda cs: any(c.method == "chat.postEphemeral" for c in cs), timeout=20)
    fallback = next(c for c in calls if c.method == "chat.postEphemeral")
    assert fallback.params["channel"] == "C0FALLBACK" and fallback.params["user"] == "U0ASKER"


def test_an_answer_given_up_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    from slack_sdk.errors import SlackApiError

    from bot.slack.delivery import post_or_give_up, respond_or_post

    class Failed:
        status_code = 500

    tries: list[int] = []

    def respond(**_: object) -> Failed:
        tries.append(1)
        return Failed()

    def fallback() -> None:
        raise SlackApiError("not_in_channel", {"ok": False, "error": "not_in_channel"})

    with caplog.at_level(logging.WARNING):
        assert not respond_or_post(respond, {"text": "x"}, fallback, {"channel": "C1"}, sleep=lambda _: None)
        assert not post_or_give_up(fallback, {"channel": "C2"})
    assert len(tries) == 3
    given_up = [r for r in caplog.records if "answer_given_up" in r.getMessage()]
    assert len(given_up) == 2 and "not_in_channel" in given_up[0].getMessage()
    assert respond_or_post(lambda **_: None, {"text": "x"}, fallback, {}, sleep=lambda _: None)


def test_a_mentions_answer_survives_several_slack_5xx(bot: Bot) -> None:
    bot.slack.fail("chat.postMessage", status=500, times=4)
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@U0BOT> health",
        "ts": "1700000003.000001",
        "channel": "C0INCIDENT",
    }
    bot.event(event, "Ev0SERVERERRORS")
    bot.slack.wait_for(lambda cs: any(c.method == "chat.postMessage" for c in cs), timeout=40)
    assert len(bot.slack.of("chat.postMessage:failed")) == 4
    assert len(bot.slack.of("chat.postMessage")) == 1


def test_a_private_answers_export_goes_to_the_asker_alone(bot: Bot) -> None:
    from bot.presenters.common import ACTION_EXPORT

    _, url = bot.command("s3-encryption", user_id="U0ASKER")
    message = bot.responses(url)[-1]
    bot.action(buttons(message)[ACTION_EXPORT], user="U0ASKER", ephemeral=True)
    calls = bot.slack.wait_for(lambda cs: any(c.method == "files.completeUploadExternal" for c in cs))
    complete = next(c for c in calls if c.method == "files.completeUploadExternal")
    assert complete.params["channel_id"] == "D0ASKER"
    assert any(c.method == "conversations.open" and c.params["users"] == "U0ASKER" for c in calls)


def test_slow_clients_do_not_stop_the_bot_answering_slack(bot: Bot) -> None:
    import socket
    from urllib.parse import urlparse

    address = urlparse(bot.url)
    slow = []
    try:
        for _ in range(150):  # more than waitress's default connection limit (100)
            connection = socket.create_connection((address.hostname, address.port), timeout=5)
            connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 100\r\n")
            slow.append(connection)
        started = time.monotonic()
        response, _ = bot.command("help")
        assert response.status_code == 200 and time.monotonic() - started < 5
    finally:
        for connection in slow:
            connection.close()


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Signature": "v0=\xe9", "X-Slack-Request-Timestamp": "1700000000"},
        {"X-Slack-Signature": "v0=00", "X-Slack-Request-Timestamp": "9" * 5000},
    ],
)
def test_odd_signature_headers_are_401_not_500(bot: Bot, headers: dict[str, str]) -> None:
    response = requests.post(
        f"{bot.url}/slack/events",
        data=b"command=%2Fcompliance&text=health",
        headers={
            "Content-Type": FORM,
            **{k: v.encode("latin-1").decode("latin-1") for k, v in headers.items()},
        },
        timeout=10,
    )
    assert response.status_code == 401
