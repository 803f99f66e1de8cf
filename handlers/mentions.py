"""@compliance-bot in channels and threads: the answer goes into the thread, once per event."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.mentions import question_text
from handlers.common import reply_for

if TYPE_CHECKING:
    from slack_bolt import Ack, App

    from bot.app import Deps

log = logging.getLogger(__name__)
EVENT = "app_mention"


def _acknowledge(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    def answer(body: dict[str, Any], event: dict[str, Any]) -> None:
        event_id = str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}")
        if not deps.dedupe.first_time(event_id):
            log.info("event %s already answered (a retry or another replica's)", event_id)
            return
        message, _ = reply_for(
            deps,
            question_text(str(event.get("text") or "")),
            channel=event.get("channel"),
            user=event.get("user"),
            team=body.get("team_id"),
            surface="mention",
        )
        deps.slack.chat_postMessage(
            channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"], **message
        )

    app.event(EVENT)(ack=_acknowledge, lazy=[answer])
