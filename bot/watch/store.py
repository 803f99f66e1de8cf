"""Watches and what each has seen, in Redis (every replica shares them; with Redis persistence
they survive restarts). Bounded: one hash of findings per watch, as many as its scope has
non-compliant resources; the counts, one per source; the mute expires by itself."""

from __future__ import annotations

from collections.abc import Sequence

import redis

from bot.watch.model import Seen, Watch

MUTE_SECONDS = 24 * 3600


class WatchStore:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = f"{prefix}:watch"

    def _key(self, watch: Watch, part: str) -> str:
        return f"{self.prefix}:{watch.id}:{part}"

    # --- the watches made in Slack ------------------------------------------------------------

    def all(self) -> list[Watch]:
        raw: dict[bytes, bytes] = self.redis.hgetall(f"{self.prefix}:subs")  # type: ignore[assignment]
        return [Watch.model_validate_json(v) for _, v in sorted(raw.items())]

    def put(self, watch: Watch) -> bool:
        """Add the watch; False when the channel already watches that scope."""
        return bool(self.redis.hsetnx(f"{self.prefix}:subs", watch.id, watch.model_dump_json()))

    def delete(self, watch: Watch) -> bool:
        removed = bool(self.redis.hdel(f"{self.prefix}:subs", watch.id))
        self.forget(watch)
        return removed

    def forget(self, watch: Watch) -> None:
        self.redis.delete(*(self._key(watch, part) for part in ("seen", "counts", "ready", "muted")))

    # --- what a watch has seen ----------------------------------------------------------------

    def ready(self, watch: Watch) -> bool:
        """Whether the watch has its baseline (else its next tick records one, alerting nothing)."""
        return bool(self.redis.exists(self._key(watch, "ready")))

    def seen(self, watch: Watch) -> dict[str, Seen]:
        raw: dict[bytes, bytes] = self.redis.hgetall(self._key(watch, "seen"))  # type: ignore[assignment]
        return {k.decode(): Seen.model_validate_json(v) for k, v in raw.items()}

    def counts(self, watch: Watch) -> dict[str, str]:
        raw: dict[bytes, bytes] = self.redis.hgetall(self._key(watch, "counts"))  # type: ignore[assignment]
        return {k.decode(): v.decode() for k, v in raw.items()}

    def record(
        self,
        watch: Watch,
        seen: dict[str, Seen],
        gone: Sequence[str] = (),
        counts: dict[str, str] | None = None,
        ready: bool = False,
    ) -> None:
        """Write findings' states (and drop the gone ones, and replace the counts) at once."""
        with self.redis.pipeline() as pipe:
            if seen:
                pipe.hset(self._key(watch, "seen"), mapping={k: v.model_dump_json() for k, v in seen.items()})
            if gone:
                pipe.hdel(self._key(watch, "seen"), *gone)
            if counts is not None:
                pipe.delete(self._key(watch, "counts"))
                if counts:
                    pipe.hset(self._key(watch, "counts"), mapping=counts)  # type: ignore[arg-type]
            if ready:
                pipe.set(self._key(watch, "ready"), "1")
            pipe.execute()

    # --- mute ---------------------------------------------------------------------------------

    def mute(self, watch_id: str) -> None:
        self.redis.set(f"{self.prefix}:{watch_id}:muted", "1", ex=MUTE_SECONDS)

    def muted(self, watch: Watch) -> bool:
        return bool(self.redis.exists(self._key(watch, "muted")))
