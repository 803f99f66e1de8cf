"""Answers cached in Redis, shared by every replica: repeated questions cost no AWS calls.

    get(key) --fresh--> answer (cached)
             --stale--> answer (cached) now, and one background refresh across all replicas
             --miss---> single flight: one process computes under a lease (renewed while it
                        computes, however long), the others wait for its result as long as it
                        lives, and take over if it dies
    get(key, cached_only) --miss--> NotCached (and whether another process is computing it):
                        the caller answers without blocking and computes elsewhere

Keys come from one template (`key()`); each entry carries its schema version and when it was
computed, and lives `ttl + max_stale` seconds in Redis. A corrupt or old-schema entry is a miss.
When Redis is down or slow, answers are computed uncached (degraded), the outage is logged once,
and Redis is tried again after a short pause, so the bot recovers by itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis

from bot import metrics
from bot.answers.models import Answer
from bot.cache.lease import REDIS_ERRORS, Lease

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
PREFIX = "cb"


@dataclass(frozen=True)
class CachePolicy:
    # Seconds an answer is fresh, per question kind (the registry's TTLs: bot/deps.policy_from).
    ttls: Mapping[str, int] = field(default_factory=dict)
    max_stale: int = 900  # seconds past the TTL an entry may still be served while refreshing
    lock_lease: float = 30.0  # seconds; renewed while the holder computes, gone soon after it dies
    # A waiter waits while the holder's lease lives, up to this bound (then computes uncached):
    # longer than any question may take (the lanes' question timeout), so one slow answer is
    # computed once however many ask for it.
    wait_timeout: float = 900.0
    poll_interval: float = 0.05
    retry_after: float = 5.0  # after a Redis failure, answer uncached this long before retrying
    prefix: str = PREFIX

    def ttl(self, kind: str) -> int:
        return int(self.ttls.get(kind, 300))


class NotCached(Exception):
    """No answer to serve without computing one; `waiting` when another process computes it now."""

    def __init__(self, waiting: bool) -> None:
        super().__init__("not cached" + (" (being computed)" if waiting else ""))
        self.waiting = waiting


def key(policy: CachePolicy, aggregator: str, scope: str, kind: str, args: Mapping[str, str]) -> str:
    """The one key template: prefix, schema version, aggregator, scope, question, arguments."""
    normalised = json.dumps({k: str(v).strip() for k, v in sorted(args.items())}, separators=(",", ":"))
    digest = hashlib.sha256(normalised.encode()).hexdigest()[:20]
    return f"{policy.prefix}:v{SCHEMA_VERSION}:{aggregator}:{scope}:{kind}:{digest}"


def pattern(policy: CachePolicy, aggregator: str = "*", kind: str = "*") -> str:
    return f"{policy.prefix}:v{SCHEMA_VERSION}:{aggregator}:*:{kind}:*"


def encode(answer: Answer[Any]) -> bytes:
    payload = {"v": SCHEMA_VERSION, "answer": answer.model_dump(mode="json")}
    return zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 6)


def decode(raw: bytes, model: type[Answer[Any]]) -> Answer[Any] | None:
    """The stored answer, or None for anything corrupt or of another schema version."""
    try:
        payload = json.loads(zlib.decompress(raw))
        if payload.get("v") != SCHEMA_VERSION:
            return None
        return model.model_validate(payload["answer"])
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError):
        return None


class Cache:
    """The cache in front of the query layer. `redis_client` may be real Redis or fakeredis."""

    def __init__(
        self,
        redis_client: redis.Redis,
        policy: CachePolicy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.redis = redis_client
        self.policy = policy or CachePolicy()
        self.clock = clock
        self.counters: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._degraded = False
        self._refresher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cache-refresh")

    # --- health -------------------------------------------------------------------------------

    @property
    def degraded(self) -> bool:
        return self._degraded

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {**self.counters, "degraded": int(self._degraded)}

    def _count(self, name: str) -> None:
        with self._lock:
            self.counters[name] += 1
        metrics.CACHE_EVENTS.labels(name).inc()

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: BaseException) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.policy.retry_after
            self.counters["redis_errors"] += 1
            first = not self._degraded
            self._degraded = True
        if first:
            log.error(
                "cache degraded: Redis unavailable (%s: %s); answering uncached", type(error).__name__, error
            )

    def _succeeded(self) -> None:
        if self._degraded:
            with self._lock:
                recovered, self._degraded = self._degraded, False
            if recovered:
                log.warning("cache recovered: Redis answers again")

    def ping(self) -> bool:
        try:
            self.redis.ping()
        except REDIS_ERRORS as error:
            self._failed(error)
            return False
        self._succeeded()
        return True

    # --- the read path ------------------------------------------------------------------------

    def get_or_compute(
        self,
        cache_key: str,
        kind: str,
        model: type[Answer[Any]],
        compute: Callable[[], Answer[Any]],
        cached_only: bool = False,
    ) -> Answer[Any]:
        """The answer under `cache_key`, computed once across replicas on a miss; with
        `cached_only`, a miss raises NotCached instead of computing or waiting."""
        if not self._available():
            if cached_only:
                raise NotCached(waiting=False)
            self._count("uncached")
            return compute()
        try:
            cached = self._read(cache_key, model)
        except REDIS_ERRORS as error:
            self._failed(error)
            if cached_only:
                raise NotCached(waiting=False) from error
            self._count("uncached")
            return compute()
        self._succeeded()
        if cached is not None and (self.clock() - cached.as_of).total_seconds() >= (
            self.policy.ttl(kind) + self.policy.max_stale
        ):
            cached = None  # too old to serve even while refreshing (clocks may disagree with Redis)
        if cached is not None:
            age = (self.clock() - cached.as_of).total_seconds()
            if age < self.policy.ttl(kind):
                self._count("hits")
                return cached.model_copy(update={"cached": True})
            self._count("stale")
            self._refresher.submit(self._refresh_quietly, cache_key, kind, compute)
            return cached.model_copy(update={"cached": True})
        if cached_only:
            raise NotCached(waiting=self.computing(cache_key))
        self._count("misses")
        return self._single_flight(cache_key, kind, model, compute)

    def computing(self, cache_key: str) -> bool:
        """Whether some process holds the lease of this answer (computes it now)."""
        try:
            return bool(self.redis.exists(self._lease(cache_key).key))
        except REDIS_ERRORS as error:
            self._failed(error)
            return False

    def _fresh(self, answer: Answer[Any], kind: str) -> bool:
        return (self.clock() - answer.as_of).total_seconds() < self.policy.ttl(kind)

    def _read(self, cache_key: str, model: type[Answer[Any]]) -> Answer[Any] | None:
        raw = self.redis.get(cache_key)
        if raw is None:
            return None
        answer = decode(bytes(raw), model)  # type: ignore[arg-type]
        if answer is None:
            self._count("corrupt")
            log.warning("cache entry %s is corrupt or of another schema: dropped, a miss", cache_key)
            self.redis.delete(cache_key)
        return answer

    def _store(self, cache_key: str, kind: str, answer: Answer[Any]) -> None:
        lifetime = self.policy.ttl(kind) + self.policy.max_stale
        self.redis.set(cache_key, encode(answer), ex=max(1, lifetime))

    def _single_flight(
        self, cache_key: str, kind: str, model: type[Answer[Any]], compute: Callable[[], Answer[Any]]
    ) -> Answer[Any]:
        deadline = time.monotonic() + self.policy.wait_timeout
        waited = False
        while True:
            lease = self._lease(cache_key)
            try:
                if not lease.acquire():
                    if not waited:
                        self._count("waits")
                        waited = True
                    found = self._read(cache_key, model)
                    if found is not None and self._fresh(found, kind):
                        return found.model_copy(update={"cached": True})
                    if time.monotonic() >= deadline:
                        self._count("wait_timeouts")
                        log.warning("cache wait for %s timed out; answering uncached", cache_key)
                        return compute()
                    time.sleep(self.policy.poll_interval)
                    continue
            except REDIS_ERRORS as error:
                self._failed(error)
                self._count("uncached")
                return compute()
            with lease:
                # Another process may have stored it between our read and our lease.
                try:
                    found = self._read(cache_key, model)
                except REDIS_ERRORS:
                    found = None
                if found is not None and self._fresh(found, kind):
                    return found.model_copy(update={"cached": True})
                return self._compute_and_store(cache_key, kind, compute)

    def _compute_and_store(
        self, cache_key: str, kind: str, compute: Callable[[], Answer[Any]]
    ) -> Answer[Any]:
        self._count("executions")
        answer = compute()
        try:
            self._store(cache_key, kind, answer)
        except REDIS_ERRORS as error:
            self._failed(error)
        return answer

    def _refresh_quietly(self, cache_key: str, kind: str, compute: Callable[[], Answer[Any]]) -> None:
        """Stale-while-revalidate: one refresh across replicas; the others keep serving stale."""
        try:
            lease = self._lease(cache_key)
            if not lease.acquire():
                return
            with lease:
                self._count("refreshes")
                self._compute_and_store(cache_key, kind, compute)
        except Exception:  # a background refresh must never take the process down
            log.exception("background refresh of %s failed; the stale answer stays", cache_key)

    def _lease(self, cache_key: str) -> Lease:
        return Lease(self.redis, f"{cache_key}:lock", self.policy.lock_lease)

    # --- refresh ------------------------------------------------------------------------------

    def drop(self, match: str) -> int:
        """Delete every entry whose key matches the glob pattern; returns how many."""
        dropped = 0
        try:
            batch = []
            for found in self.redis.scan_iter(match=match, count=500):
                batch.append(found)
                if len(batch) >= 500:
                    dropped += int(self.redis.delete(*batch))
                    batch = []
            if batch:
                dropped += int(self.redis.delete(*batch))
        except REDIS_ERRORS as error:
            self._failed(error)
        return dropped

    def close(self) -> None:
        self._refresher.shutdown(wait=True)


def connect(url: str | None) -> redis.Redis:
    """Redis at `url`, with short timeouts so a slow Redis degrades answers instead of stalling
    them; without a URL, an in-process fakeredis (the embedded default)."""
    if url:
        return redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
        )
    import fakeredis

    return fakeredis.FakeRedis()
