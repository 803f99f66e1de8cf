"""A lease in Redis: one holder at a time across processes, renewed while held, released only by
its holder, and gone by itself if the holder dies."""

from __future__ import annotations

import logging
import threading
import uuid
from types import TracebackType

import redis

REDIS_ERRORS = (redis.RedisError, OSError)

log = logging.getLogger(__name__)


class Lease:
    def __init__(self, client: redis.Redis, key: str, seconds: float) -> None:
        self.client = client
        self.key = key
        self.seconds = seconds
        self.token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def acquire(self) -> bool:
        """Take the lease if nobody holds it; renew it in the background while held."""
        if not self.client.set(self.key, self.token, nx=True, px=int(self.seconds * 1000)):
            return False
        self._renewer = threading.Thread(target=self._renew, daemon=True, name="lease-renewer")
        self._renewer.start()
        return True

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                if self.held():
                    self.client.pexpire(self.key, int(self.seconds * 1000))
            except REDIS_ERRORS as error:
                # Not silent: the holder goes on, but another process may take the lease over.
                log.warning("lease %s could not be renewed (%s): it may expire", self.key, error)
                return

    def held(self) -> bool:
        value = self.client.get(self.key)
        return value is not None and bytes(value).decode() == self.token  # type: ignore[arg-type]

    def release(self) -> None:
        """Delete the lease only if it is still ours (compare-and-delete in a transaction)."""
        self._stop.set()
        try:
            with self.client.pipeline() as pipe:
                pipe.watch(self.key)  # type: ignore[no-untyped-call]
                value = pipe.get(self.key)
                if value is not None and bytes(value).decode() == self.token:  # type: ignore[arg-type]
                    pipe.multi()
                    pipe.delete(self.key)
                    pipe.execute()
                else:
                    pipe.unwatch()
        except (redis.WatchError, *REDIS_ERRORS):
            pass  # it expires by itself

    def __enter__(self) -> Lease:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()
