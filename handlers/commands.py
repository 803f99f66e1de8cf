"""/compliance: ack at once, then answer through response_url (lazy listener)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackClientError

from bot.deps import Deps
from bot.slack import blocks
from bot.slack.delivery import respond_or_post
from handlers.common import reply_for

COMMAND = "/compliance"


class WorkingNotice:
    """ "Working on it…" for an answer slower than `after` seconds, and whether it was sent. The
    notice is sent under a lock that the end of the answer takes too, so once the block is left,
    `sent` is final: a notice in flight is waited for, and the answer replaces it."""

    def __init__(self, respond: Callable[..., Any], after: float) -> None:
        self._respond = respond
        self._lock = threading.Lock()
        self._done = False
        self.sent = False
        self._timer = threading.Timer(after, self._notice)
        self._timer.daemon = True

    def _notice(self) -> None:
        with self._lock:
            if not self._done:
                self._respond(**blocks.working_message(), response_type="ephemeral")
                self.sent = True

    def __enter__(self) -> WorkingNotice:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()


class Command:
    """The listeners of /compliance: `acknowledge` within Slack's 3 seconds, then `answer` (lazy)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def acknowledge(self, ack: Ack) -> None:
        ack()

    def answer(self, body: dict[str, Any], respond: Respond) -> None:
        deps = self.deps
        text = str(body.get("text") or "")
        with WorkingNotice(respond, deps.working_after) as notice:
            reply = reply_for(
                deps, text, channel=body.get("channel_id"), user=body.get("user_id"), team=body.get("team_id")
            )
        message, question = reply.message, reply.question
        public = bool(question and question.public) or deps.settings.answer_in_channel
        channel, user = str(body.get("channel_id") or ""), str(body.get("user_id") or "")
        context = {"surface": "command", "channel": channel, "user": user}
        if public:
            if notice.sent:
                # If the notice cannot be deleted it stays; the answer must still go.
                with contextlib.suppress(SlackClientError, OSError):
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
                replace_original=notice.sent,
            )


def register(app: App, deps: Deps) -> None:
    command = Command(deps)
    app.command(COMMAND)(ack=command.acknowledge, lazy=[command.answer])
