"""Buttons: next/previous page, Export CSV, Refresh. Their state is in the button's value."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot import formatting
from bot.digest import ACTION_DRILL
from bot.export import to_csv
from bot.messages import describe
from handlers.common import message_for

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond

    from bot.app import Deps


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def page(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            question, number = formatting.question_from_value(action["value"])
            respond(**message_for(deps, question, number), replace_original=True)
        except Exception as error:
            respond(
                **formatting.text_message(describe(error, action=action.get("action_id"))),
                response_type="ephemeral",
                replace_original=False,
            )

    def refresh(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            question, number = formatting.question_from_value(action["value"])
            deps.answerer.forget(question)
            respond(**message_for(deps, question, number), replace_original=True)
        except Exception as error:
            respond(
                **formatting.text_message(describe(error, action="refresh")),
                response_type="ephemeral",
                replace_original=False,
            )

    def export(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            question, _ = formatting.question_from_value(action["value"])
            answer = deps.answerer.answer(question)
            channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
            message = body.get("message") or {}
            thread = message.get("thread_ts") or message.get("ts")
            name = f"compliance-{question.kind}-{answer.as_of:%Y%m%d-%H%M}.csv"
            deps.slack.files_upload_v2(
                channel=channel,
                thread_ts=thread,
                content=to_csv(answer),
                filename=name,
                title=f"{answer.question} ({answer.aggregator})",
            )
        except Exception as error:
            respond(
                **formatting.text_message(describe(error, action="export")),
                response_type="ephemeral",
                replace_original=False,
            )

    def drill(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            question, _ = formatting.question_from_value(action["value"])
            respond(**message_for(deps, question), response_type="ephemeral", replace_original=False)
        except Exception as error:
            respond(
                **formatting.text_message(describe(error, action="drill")),
                response_type="ephemeral",
                replace_original=False,
            )

    app.action(re.compile(f"^{formatting.ACTION_PAGE}_(next|prev)$"))(ack=acknowledge, lazy=[page])
    app.action(re.compile(f"^{ACTION_DRILL}_"))(ack=acknowledge, lazy=[drill])
    app.action(formatting.ACTION_REFRESH)(ack=acknowledge, lazy=[refresh])
    app.action(formatting.ACTION_EXPORT)(ack=acknowledge, lazy=[export])
