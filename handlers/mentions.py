"""@compliance-bot in channels and threads: the answer goes into the thread, once per event."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import Ack, App

from bot.answers.models import Answer
from bot.cache.lease import REDIS_ERRORS
from bot.deps import Deps
from bot.presenters.export import to_csv
from bot.questions.registry import presenter_of
from bot.slack import blocks
from bot.slack.delivery import post_or_give_up
from bot.slack.lanes import Notice
from bot.slack.mentions import question_text
from handlers.common import Reply, reply_for
from handlers.threads import ThreadMemory

log = logging.getLogger(__name__)
EVENT = "app_mention"


def _event_id(body: dict[str, Any]) -> str:
    event = body.get("event") or {}
    return str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}")


class Mention:
    """The listeners of app_mention: `claim` the event while acknowledging it, then `answer`
    it (lazy) in its thread, if this process claimed it."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.threads = ThreadMemory(deps.cache.redis, deps.cache.policy.prefix)
        self._mine: set[str] = set()  # events this process claimed and must answer
        self._lock = threading.Lock()

    def claim(self, ack: Ack, body: dict[str, Any]) -> None:
        """Claim the event while acknowledging it; if Redis is unreachable, fail the request so
        Slack retries it later, rather than risk a double or a lost answer."""
        event_id = _event_id(body)
        try:
            claimed = self.deps.dedupe.claim(event_id)
        except REDIS_ERRORS as error:
            log.warning("cannot claim event %s (%s): Slack will retry it", event_id, error)
            raise
        if claimed:
            with self._lock:
                self._mine.add(event_id)
        else:
            log.info("event %s already claimed (a retry or another replica's)", event_id)
        ack()

    def answer(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        deps = self.deps
        event_id = _event_id(body)
        with self._lock:
            if event_id not in self._mine:
                return
            self._mine.discard(event_id)
        channel, thread = str(event["channel"]), str(event.get("thread_ts") or event["ts"])
        # A mention inside a thread follows up on the thread's last question.
        previous = self.threads.previous(channel, thread) if event.get("thread_ts") else None
        text = question_text(str(event.get("text") or ""))
        where = {"surface": "mention", "event": event_id, "channel": channel, "user": event.get("user")}

        def ask(may_compute: bool) -> Reply:
            return reply_for(
                deps,
                text,
                channel=channel,
                user=event.get("user"),
                previous=previous,
                team=body.get("team_id"),
                surface="mention",
                may_compute=may_compute,
                first=may_compute,
            )

        reply = ask(False)
        if reply.deferred is None:
            self._deliver(reply, channel, thread, where, None)
            return
        # Slow: after the lane's deadline a notice in the thread, which the answer then replaces
        # (one message per mention either way).
        notice: dict[str, str] = {}

        def post_notice() -> None:
            posted = deps.slack.chat_postMessage(channel=channel, thread_ts=thread, **blocks.slow_message())
            notice["ts"] = str(posted["ts"])

        def deliver(first: Reply) -> None:
            ts = self._deliver(first, channel, thread, where, notice.get("ts"))
            if first.rest is not None and ts:  # a first answer: the whole one replaces it, once
                deps.lane.run(first.rest, lambda whole: self._deliver(whole, channel, thread, where, ts))

        deps.lane.run(lambda: ask(True), deliver, [Notice(post_notice, deps.lane.deadline)])

    def _deliver(
        self, reply: Reply, channel: str, thread: str, where: dict[str, Any], replacing: str | None
    ) -> str | None:
        """Post the reply in the thread, or put it in place of the message `replacing` (a notice, a
        first answer); the ts of the message it is in, None when it could not be sent."""
        deps = self.deps
        sent: dict[str, Any] = {}

        def send() -> None:
            if replacing:
                response = deps.slack.chat_update(channel=channel, ts=replacing, **reply.message)
            else:
                response = deps.slack.chat_postMessage(channel=channel, thread_ts=thread, **reply.message)
            sent["ts"] = response.get("ts")

        if reply.question is not None:  # before the post: a follow-up may come as soon as it is seen
            self.threads.remember(channel, thread, reply.question)
        posted = post_or_give_up(send, where)
        if (
            posted
            and reply.rest is None
            and reply.answer
            and reply.understanding
            and reply.understanding.export
        ):
            self._upload(reply.answer, channel, thread, where)
        return str(sent.get("ts") or replacing or "") or None if posted else None

    def _upload(self, answer: Answer[Any], channel: str, thread: str, where: dict[str, Any]) -> None:
        """ "export that": the answer as CSV, in the thread (where the kind has a CSV form)."""
        presenter = presenter_of(answer)
        if presenter.table is None:
            return
        post_or_give_up(
            lambda: self.deps.slack.files_upload_v2(
                channel=channel,
                thread_ts=thread,
                content=to_csv(answer, presenter),
                filename=f"compliance-{answer.as_of:%Y%m%d-%H%M}.csv",
                title=f"{answer.question} ({answer.aggregator})",
            ),
            {**where, "upload": "csv"},
        )


def register(app: App, deps: Deps) -> None:
    mention = Mention(deps)
    app.event(EVENT)(ack=mention.claim, lazy=[mention.answer])
