"""Waivers made in Slack, in Redis (every replica shares them; with Redis persistence they survive
restarts). Bounded: one hash entry per waived finding, dropped KEPT_AFTER_EXPIRY after it expires."""

from __future__ import annotations

from datetime import datetime

import redis

from bot.waivers.model import KEPT_AFTER_EXPIRY, Waiver


class WaiverStore:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.key = f"{prefix}:waiver:all"

    def all(self, now: datetime | None = None) -> list[Waiver]:
        """Every waiver kept (in force, or expired within KEPT_AFTER_EXPIRY of `now`); older ones
        are dropped as they are read."""
        raw: dict[bytes, bytes] = self.redis.hgetall(self.key)  # type: ignore[assignment]
        waivers = [Waiver.model_validate_json(v) for _, v in sorted(raw.items())]
        if now is None:
            return waivers
        old = [w for w in waivers if w.expires_at + KEPT_AFTER_EXPIRY <= now]
        if old:
            self.redis.hdel(self.key, *(w.id for w in old))
        return [w for w in waivers if w not in old]

    def put(self, waiver: Waiver) -> Waiver | None:
        """Record the waiver; the one it replaces (same finding), if any."""
        with self.redis.pipeline() as pipe:
            pipe.hget(self.key, waiver.id)
            pipe.hset(self.key, waiver.id, waiver.model_dump_json())
            before, _ = pipe.execute()
        return Waiver.model_validate_json(before) if before else None

    def delete(self, waiver_id: str) -> Waiver | None:
        """End a waiver now; the one ended, if there was one."""
        with self.redis.pipeline() as pipe:
            pipe.hget(self.key, waiver_id)
            pipe.hdel(self.key, waiver_id)
            before, _ = pipe.execute()
        return Waiver.model_validate_json(before) if before else None
