"""Slack retries events (X-Slack-Retry-Num) and Bolt does not dedupe them: the first replica to
claim an event_id in Redis answers it; the others, and retries, do not.

An event is claimed while it is being acknowledged. If Redis cannot be reached then, the request
is answered 500 instead, so Slack retries it later: an event is never answered without its claim
(which could double it) and never dropped (which would lose it)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from bot.cache.lease import REDIS_ERRORS
from bot.cache.store import Cache

TTL_SECONDS = 3600
LOCAL_MEMORY = 10_000


class Dedupe:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def _seen_here(self, key: str) -> bool:
        with self._lock:
            if key in self._seen:
                return True
            self._seen[key] = None
            while len(self._seen) > LOCAL_MEMORY:
                self._seen.popitem(last=False)
            return False

    def _claim_in_redis(self, key: str) -> bool:
        return bool(
            self.cache.redis.set(f"{self.cache.policy.prefix}:event:{key}", "1", nx=True, ex=TTL_SECONDS)
        )

    def claim(self, event_id: str) -> bool:
        """True for the first claim of the event across replicas; raises if Redis is unreachable
        (the caller then fails the request so that Slack retries it)."""
        if self._seen_here(event_id):
            return False
        try:
            return self._claim_in_redis(event_id)
        except REDIS_ERRORS:
            with self._lock:
                self._seen.pop(event_id, None)  # not claimed: a retry here must try again
            raise

    def first_time(self, key: str) -> bool:
        """Best effort, for replay refusal: when Redis is down, the local memory is all we have."""
        if self._seen_here(key):
            return False
        try:
            return self._claim_in_redis(key)
        except REDIS_ERRORS:
            return True

    def once_within(self, key: str, seconds: int) -> bool:
        """True at most once per `seconds` across replicas (a rate limit, not a dedupe: no local
        memory, so the window ends when it says); when Redis is down, allowed."""
        try:
            return bool(
                self.cache.redis.set(f"{self.cache.policy.prefix}:once:{key}", "1", nx=True, ex=seconds)
            )
        except REDIS_ERRORS:
            return True
