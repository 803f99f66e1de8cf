"""The app_mention listeners as units: the event is claimed while it is acknowledged, answered
once, in its thread; if Redis cannot record the claim, the request fails so that Slack retries."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
import redis

from bot.deps import Deps
from handlers.mentions import Mention
from tests.support.handlers import texts


def mention(event_id: str = "Ev1", text: str = "<@UBOT> health", thread: str | None = None) -> dict:
    event = {"type": "app_mention", "channel": "C1", "user": "U1", "ts": "1.000", "text": text}
    if thread:
        event["thread_ts"] = thread
    return {"event_id": event_id, "team_id": "T1", "event": event}


def test_a_mention_is_answered_once_in_its_thread(deps: Deps) -> None:
    body = mention(thread="0.500")
    listener, ack = Mention(deps), Mock()
    listener.claim(ack, body)
    ack.assert_called_once_with()
    listener.answer(body, body["event"])
    listener.answer(body, body["event"])  # a second run of the same event posts nothing
    (post,) = deps.slack.chat_postMessage.call_args_list
    assert post.kwargs["channel"] == "C1" and post.kwargs["thread_ts"] == "0.500"
    assert "111122223333" in texts(post)


def test_a_retried_event_is_acknowledged_but_not_answered_again(deps: Deps) -> None:
    body = mention()
    first, second = Mention(deps), Mention(deps)  # two replicas
    first.claim(Mock(), body)
    ack = Mock()
    second.claim(ack, body)
    ack.assert_called_once_with()
    second.answer(body, body["event"])
    deps.slack.chat_postMessage.assert_not_called()


def test_when_the_claim_cannot_be_recorded_slack_is_left_to_retry(deps: Deps) -> None:
    deps.dedupe.claim = Mock(side_effect=redis.ConnectionError("down"))  # type: ignore[method-assign]
    ack = Mock()
    with pytest.raises(redis.ConnectionError):
        Mention(deps).claim(ack, mention())
    ack.assert_not_called()


def test_a_mention_of_nothing_gets_help_and_bad_text_a_polite_answer(deps: Deps) -> None:
    for event_id, text, expected in (
        ("E1", "<@UBOT>", "/compliance summary"),
        ("E2", "<@UBOT> sumary", "Did you mean"),
    ):
        body = mention(event_id, text)
        listener = Mention(deps)
        listener.claim(Mock(), body)
        listener.answer(body, body["event"])
        assert expected in texts(deps.slack.chat_postMessage.call_args)
