"""What the bot remembers of a thread: the last question answered in it, so that a follow-up
mention ("and in eu-west-1?", "export that") refines it. In Redis for a day, shared by every
replica; best effort: without Redis, a follow-up is read on its own."""

from __future__ import annotations

import logging

import redis

from bot.cache.lease import REDIS_ERRORS
from bot.presenters.common import question_from_value, question_value
from bot.questions.question import Question

log = logging.getLogger(__name__)
KEPT_SECONDS = 24 * 3600


class ThreadMemory:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = f"{prefix}:thread"

    def _key(self, channel: str, thread_ts: str) -> str:
        return f"{self.prefix}:{channel}:{thread_ts}"

    def previous(self, channel: str, thread_ts: str) -> Question | None:
        try:
            raw = self.client.get(self._key(channel, thread_ts))
        except REDIS_ERRORS as error:
            log.warning(
                "thread %s:%s unreadable (%s): the follow-up is read on its own", channel, thread_ts, error
            )
            return None
        if raw is None:
            return None
        try:
            question, _ = question_from_value(bytes(raw).decode())  # type: ignore[arg-type]
            return question
        except (ValueError, KeyError, TypeError):
            return None

    def remember(self, channel: str, thread_ts: str, question: Question) -> None:
        value = question_value(question)
        if value is None:
            return
        try:
            self.client.set(self._key(channel, thread_ts), value, ex=KEPT_SECONDS)
        except REDIS_ERRORS as error:
            log.warning("thread %s:%s not remembered (%s)", channel, thread_ts, error)
