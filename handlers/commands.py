"""/compliance: ack at once, then answer through response_url (lazy listener; answers that need
AWS in the slow lane)."""

from __future__ import annotations

import contextlib
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackClientError

from bot.deps import Deps
from bot.slack import blocks
from bot.slack.delivery import respond_or_post
from bot.slack.lanes import Notice
from handlers.common import Reply, reply_for

COMMAND = "/compliance"


class Command:
    """The listeners of /compliance: `acknowledge` within Slack's 3 seconds, then `answer` (lazy)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def acknowledge(self, ack: Ack) -> None:
        ack()

    def answer(self, body: dict[str, Any], respond: Respond) -> None:
        """A cheap answer at once; one that needs AWS in the slow lane (bot/slack/lanes.py), with
        "Working on it…" after a second and "AWS is slow…" after the lane's deadline."""
        deps = self.deps
        text = str(body.get("text") or "")
        channel, user = str(body.get("channel_id") or ""), str(body.get("user_id") or "")

        def ask(may_compute: bool) -> Reply:
            return reply_for(
                deps,
                text,
                channel=channel,
                user=user,
                team=body.get("team_id"),
                may_compute=may_compute,
                first=may_compute,
            )

        reply = ask(False)
        if reply.deferred is None:
            self._deliver(reply, respond, channel, user, replaces_notice=False)
            return
        waiting = reply.deferred.waiting
        working = Notice(
            lambda: respond(**blocks.working_message(waiting), response_type="ephemeral"),
            deps.working_after,
        )
        slow = Notice(
            lambda: respond(
                **blocks.slow_message(), response_type="ephemeral", replace_original=working.sent
            ),
            deps.lane.deadline,
        )

        def deliver(first: Reply) -> None:
            self._deliver(first, respond, channel, user, working.sent or slow.sent)
            if first.rest is not None:  # a first answer: the whole one replaces it, once
                deps.lane.run(
                    first.rest, lambda whole: self._deliver(whole, respond, channel, user, update=True)
                )

        deps.lane.run(lambda: ask(True), deliver, [working, slow])

    def _deliver(
        self,
        reply: Reply,
        respond: Respond,
        channel: str,
        user: str,
        replaces_notice: bool = False,
        update: bool = False,
    ) -> None:
        """Send the reply: a new message, one that replaces the notice, or (`update`) the whole
        answer in place of its first answer."""
        deps = self.deps
        message, question = reply.message, reply.question
        public = bool(question and question.public) or deps.settings.answer_in_channel
        context = {"surface": "command", "channel": channel, "user": user}
        if public:
            if replaces_notice:
                # If the notice cannot be deleted it stays; the answer must still go.
                with contextlib.suppress(SlackClientError, OSError):
                    respond(delete_original=True)
            respond_or_post(
                respond,
                message,
                lambda: deps.slack.chat_postMessage(channel=channel, **message),
                context,
                response_type="in_channel",
                replace_original=update,
            )
        else:
            respond_or_post(
                respond,
                message,
                lambda: deps.slack.chat_postEphemeral(channel=channel, user=user, **message),
                context,
                response_type="ephemeral",
                replace_original=replaces_notice or update,
            )


def register(app: App, deps: Deps) -> None:
    command = Command(deps)
    app.command(COMMAND)(ack=command.acknowledge, lazy=[command.answer])
