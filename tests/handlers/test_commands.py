"""The slash command's listeners as units (mocked `ack` and `respond`), and its "Working on it…"
notice: a notice in flight when the answer is ready is waited for, so the answer replaces it."""

from __future__ import annotations

import threading
import time
from typing import Any
from unittest.mock import Mock

from slack_sdk.errors import SlackApiError

from bot.cache.store import NotCached
from bot.deps import Deps
from bot.slack.lanes import Notice, SlowLane
from handlers.commands import Command
from tests.support.handlers import health_answer, texts


def test_a_notice_in_flight_is_waited_for_and_then_replaced() -> None:
    sending = threading.Event()
    sent: list[dict[str, Any]] = []

    def slow_send() -> None:  # the notice takes a while to reach Slack
        sending.set()
        time.sleep(0.3)
        sent.append({"text": "working"})

    with Notice(slow_send, after=0.01) as notice:
        assert sending.wait(2)  # the answer is ready while the notice is still being sent
    assert sent and notice.sent  # so the answer replaces it


def test_no_notice_for_a_quick_answer() -> None:
    sent: list[dict[str, Any]] = []
    with Notice(lambda: sent.append({}), after=0.5) as notice:
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


# --- the slow lane: answers that need AWS never hold the listener, and never delay help -------------


def needs_aws(seconds: float, release: threading.Event | None = None) -> Any:
    """An answerer's `answer` whose answers are never cached and take `seconds` (or until released)."""

    def answer(question: Any, scope: Any, cached_only: bool = False) -> Any:
        if cached_only:
            raise NotCached(waiting=False)
        if release is not None:
            release.wait(10)
        time.sleep(seconds)
        return health_answer()

    return answer


def test_an_answer_that_needs_aws_is_computed_in_the_slow_lane(deps: Deps, respond: Mock) -> None:
    deps.lane = SlowLane(workers=1, deadline=5, time_limit=30)
    deps.working_after = 30  # no notice: the one message is the answer
    deps.answerer.answer.side_effect = needs_aws(1.0)
    Command(deps).answer(command_body("health"), respond)
    assert not respond.called  # the listener is free at once, before the answer
    deadline = time.monotonic() + 5
    while not respond.called and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "111122223333" in texts(respond.call_args)
    assert [c.kwargs.get("cached_only", False) for c in deps.answerer.answer.call_args_list] == [True, False]


def test_help_and_refusals_never_wait_behind_a_full_slow_lane(deps: Deps, respond: Mock) -> None:
    release = threading.Event()
    deps.lane = SlowLane(workers=1, deadline=5, time_limit=30)
    deps.answerer.answer.side_effect = needs_aws(0, release)
    for _ in range(3):  # one computing, two queued
        Command(deps).answer(command_body("health"), Mock(return_value=Mock(status_code=200)))
    started = time.monotonic()
    Command(deps).answer(command_body("help"), respond)
    Command(deps).answer(command_body("refresh", user="U1"), respond)
    assert time.monotonic() - started < 0.5
    assert "/compliance summary" in texts(respond.call_args_list[0])
    assert "Only the bot's admins" in texts(respond.call_args_list[1])
    release.set()


def test_a_slow_answer_says_so_and_then_replaces_the_notice(deps: Deps, respond: Mock) -> None:
    # Times far enough apart that the notice, the "slow" message and the answer come in order
    # on a busy machine too (each is its own timer).
    deps.lane = SlowLane(workers=1, deadline=0.7, time_limit=30)
    deps.working_after = 0.1
    deps.answerer.answer.side_effect = needs_aws(1.4)
    Command(deps).answer(command_body("health"), respond)
    deadline = time.monotonic() + 5
    while respond.call_count < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    working, slow, answer = respond.call_args_list
    assert "Working on it" in texts(working) and "AWS is slow" in texts(slow)
    assert slow.kwargs["replace_original"] is True
    assert answer.kwargs["replace_original"] is True and "111122223333" in texts(answer)


def test_a_second_asker_is_told_it_waits_for_the_first(deps: Deps, respond: Mock) -> None:
    deps.lane = SlowLane(workers=2, deadline=5, time_limit=30)
    deps.working_after = 0.05

    def answer(question: Any, scope: Any, cached_only: bool = False) -> Any:
        if cached_only:
            raise NotCached(waiting=True)
        time.sleep(0.3)
        return health_answer()

    deps.answerer.answer.side_effect = answer
    Command(deps).answer(command_body("health"), respond)
    deadline = time.monotonic() + 5
    while respond.call_count < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "I'm waiting for that answer" in texts(respond.call_args_list[0])


def test_a_closed_lane_starts_nothing_and_raises_nothing() -> None:
    """As the bot stops, a first answer's whole answer is not started: no error escapes."""
    lane = SlowLane(workers=1, deadline=5, time_limit=30)
    lane.close()
    ran: list[int] = []
    future = lane.run(lambda: ran.append(1), lambda _: None)
    assert future.cancelled() and ran == []
