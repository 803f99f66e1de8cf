"""The slash command's listeners as units (mocked `ack` and `respond`), and its "Working on it…"
notice: a notice in flight when the answer is ready is waited for, so the answer replaces it."""

from __future__ import annotations

import threading
import time
from typing import Any
from unittest.mock import Mock

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from handlers.commands import Command, WorkingNotice
from tests.support.handlers import texts


def test_a_notice_in_flight_is_waited_for_and_then_replaced() -> None:
    sending = threading.Event()
    sent: list[dict[str, Any]] = []

    def slow_respond(**message: Any) -> None:  # the notice takes a while to reach Slack
        sending.set()
        time.sleep(0.3)
        sent.append(message)

    with WorkingNotice(slow_respond, after=0.01) as notice:
        assert sending.wait(2)  # the answer is ready while the notice is still being sent
    assert sent and notice.sent  # so the answer replaces it


def test_no_notice_for_a_quick_answer() -> None:
    sent: list[dict[str, Any]] = []
    with WorkingNotice(lambda **m: sent.append(m), after=0.5) as notice:
        pass
    time.sleep(0.6)
    assert not sent and not notice.sent


# --- the listeners, as units ----------------------------------------------------------------------


def command_body(text: str, user: str = "U1") -> dict[str, Any]:
    return {"text": text, "channel_id": "C1", "user_id": user, "team_id": "T1"}


def test_acknowledge_acks_at_once_with_nothing_else() -> None:
    ack = Mock()
    Command(Mock()).acknowledge(ack)
    ack.assert_called_once_with()


def test_a_question_is_answered_privately_through_respond(deps: Deps, respond: Mock) -> None:
    Command(deps).answer(command_body("health"), respond)
    deps.answerer.answer.assert_called_once()
    (call,) = respond.call_args_list
    assert call.kwargs["response_type"] == "ephemeral"
    assert "111122223333" in texts(call) and "FAILED" in texts(call)
    deps.slack.chat_postMessage.assert_not_called()


def test_public_posts_the_answer_in_the_channel(deps: Deps, respond: Mock) -> None:
    Command(deps).answer(command_body("public health"), respond)
    assert respond.call_args.kwargs["response_type"] == "in_channel"


def test_an_action_kind_is_run_not_asked_of_aws(deps: Deps, respond: Mock) -> None:
    Command(deps).answer(command_body("help"), respond)
    deps.answerer.answer.assert_not_called()
    assert "/compliance summary" in texts(respond.call_args)


def test_refresh_is_for_admins_only(deps: Deps, respond: Mock) -> None:
    Command(deps).answer(command_body("refresh", user="U1"), respond)
    assert "Only the bot's admins" in texts(respond.call_args)
    deps.answerer.refresh.assert_not_called()
    deps.answerer.refresh.return_value = 3
    Command(deps).answer(command_body("refresh", user="UADMIN"), respond)
    assert "Forgot 3 cached answer(s)" in texts(respond.call_args)


def test_bad_input_gets_a_polite_refusal_not_a_crash(deps: Deps, respond: Mock) -> None:
    Command(deps).answer(command_body("sumary"), respond)
    assert "Did you mean `summary`?" in texts(respond.call_args)
    deps.answerer.answer.side_effect = RuntimeError("boom")
    Command(deps).answer(command_body("health"), respond)
    assert "something went wrong on my side" in texts(respond.call_args)


def test_when_response_url_fails_the_answer_is_posted_to_the_asker(deps: Deps) -> None:
    failing = Mock(side_effect=SlackApiError("expired", {"ok": False, "error": "expired_url"}))
    Command(deps).answer(command_body("health"), failing)
    deps.slack.chat_postEphemeral.assert_called_once()
    assert deps.slack.chat_postEphemeral.call_args.kwargs["user"] == "U1"
