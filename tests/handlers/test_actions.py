"""The buttons' listeners as units: each button's state is in its value; the scope is the
clicking channel's; every failure is answered to the clicker alone."""

from __future__ import annotations

from unittest.mock import Mock

from bot.deps import Deps
from bot.presenters.common import question_value
from bot.questions.question import Question
from handlers.actions import Buttons
from tests.support.handlers import ADMIN, texts

HEALTH = question_value(Question("health", {}), page=0)


def click(user: str = "U1", ephemeral: bool = False, value: str | None = HEALTH) -> dict:
    return {
        "user": {"id": user},
        "channel": {"id": "C1"},
        "container": {"channel_id": "C1", "is_ephemeral": ephemeral},
        "message": {"ts": "1.000"},
        "actions": [{"value": value}],
    }


def test_acknowledge_acks_at_once() -> None:
    ack = Mock()
    Buttons(Mock()).acknowledge(ack)
    ack.assert_called_once_with()


def test_a_page_replaces_the_message(deps: Deps) -> None:
    respond = Mock()
    Buttons(deps).page(click(), {"value": HEALTH}, respond)
    assert respond.call_args.kwargs["replace_original"] is True
    assert "111122223333" in texts(respond.call_args)


def test_refresh_is_for_admins_and_forgets_the_answer(deps: Deps) -> None:
    respond = Mock()
    Buttons(deps).refresh(click(user="U1"), {"value": HEALTH}, respond)
    deps.answerer.forget.assert_not_called()
    assert respond.call_args.kwargs["response_type"] == "ephemeral"
    assert "Only the bot's admins" in texts(respond.call_args)
    Buttons(deps).refresh(click(user=ADMIN), {"value": HEALTH}, respond)
    deps.answerer.forget.assert_called_once_with(Question("health", {}))


def test_a_private_answers_export_goes_to_the_asker_in_a_direct_message(deps: Deps) -> None:
    deps.slack.conversations_open.return_value = {"channel": {"id": "D1"}}
    Buttons(deps).export(click(ephemeral=True), {"value": HEALTH}, Mock())
    deps.slack.conversations_open.assert_called_once_with(users="U1")
    upload = deps.slack.files_upload_v2.call_args.kwargs
    assert upload["channel"] == "D1" and upload["content"].startswith("source_id,")


def test_a_broken_button_value_gets_a_polite_answer(deps: Deps) -> None:
    respond = Mock()
    Buttons(deps).drill(click(), {"value": "{not json"}, respond)
    assert respond.call_args.kwargs["replace_original"] is False
    assert "something went wrong on my side" in texts(respond.call_args)
