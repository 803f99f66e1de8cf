"""Slack retries events (X-Slack-Retry-Num) and Bolt does not dedupe them: the first replica to
claim an event_id in Redis answers it; the others, and retries, do not. When Redis is down a
process-local memory still stops a retry reaching the same replica twice."""

from __future__ import annotations

import threading
from collections import OrderedDict

from bot.cache import Cache
from bot.lease import REDIS_ERRORS

TTL_SECONDS = 3600
LOCAL_MEMORY = 10_000


class Dedupe:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            while len(self._seen) > LOCAL_MEMORY:
                self._seen.popitem(last=False)
        try:
            claimed = self.cache.redis.set(
                f"{self.cache.policy.prefix}:event:{event_id}", "1", nx=True, ex=TTL_SECONDS
            )
        except REDIS_ERRORS:
            return True  # Redis down: the local memory above is all we have
        return bool(claimed)
