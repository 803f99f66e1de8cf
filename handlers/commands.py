"""/compliance: ack at once, then answer through response_url (lazy listener)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from bot import formatting
from handlers.common import reply_for
from handlers.delivery import respond_or_post

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond

    from bot.app import Deps

COMMAND = "/compliance"


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def answer(body: dict[str, Any], respond: Respond) -> None:
        text = str(body.get("text") or "")
        done = threading.Event()
        working = threading.Event()

        def notice() -> None:  # only when the answer takes longer than about a second
            if not done.is_set():
                respond(**formatting.working_message(), response_type="ephemeral")
                working.set()

        timer = threading.Timer(deps.working_after, notice)
        timer.daemon = True
        timer.start()
        try:
            message, question = reply_for(
                deps, text, channel=body.get("channel_id"), user=body.get("user_id"), team=body.get("team_id")
            )
        finally:
            done.set()
            timer.cancel()
        public = bool(question and question.public) or deps.settings.answer_in_channel
        channel, user = str(body.get("channel_id") or ""), str(body.get("user_id") or "")
        context = {"surface": "command", "channel": channel, "user": user}
        if public:
            if working.is_set():
                respond(delete_original=True)
            respond_or_post(
                respond,
                message,
                lambda: deps.slack.chat_postMessage(channel=channel, **message),
                context,
                response_type="in_channel",
            )
        else:
            respond_or_post(
                respond,
                message,
                lambda: deps.slack.chat_postEphemeral(channel=channel, user=user, **message),
                context,
                response_type="ephemeral",
                replace_original=working.is_set(),
            )

    app.command(COMMAND)(ack=acknowledge, lazy=[answer])
