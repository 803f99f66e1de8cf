"""What the background jobs (the digest, the watches) share: the parts of the bot's dependencies
they use, and finding a message a replica posted before it died (by its metadata), which makes
their posts exactly-once across replicas and restarts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.access.scopes import AccessConfig
from bot.cache.store import Cache
from bot.questions.plans.context import PlanContext
from bot.settings import Settings
from bot.waivers.desk import Waivers


class JobDesk(Protocol):
    """What a background job uses of the bot's dependencies (`bot.deps.Deps` has them)."""

    @property
    def cache(self) -> Cache: ...

    @property
    def plans(self) -> PlanContext: ...

    @property
    def slack(self) -> WebClient: ...

    @property
    def access(self) -> AccessConfig: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

    @property
    def waivers(self) -> Waivers | None: ...


class Ticker:
    """A job's loop: `tick()` every `interval` seconds in a thread of its own, until `stop()`."""

    name = "job"
    interval: float
    join_seconds = 5.0  # how long `stop()` waits for a tick in progress

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> Any:
        raise NotImplementedError

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"{self.name}-scheduler")
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=self.join_seconds)


def find_posted(
    slack: WebClient, channel: str, event_type: str, key: str, value: str, since: float
) -> str | None:
    """The ts of the message in `channel`, posted since `since` (epoch seconds, less a minute for
    clocks), whose metadata is `event_type` with `key` = `value`; None if there is none."""
    history = slack.conversations_history(
        channel=channel, oldest=str(since - 60), include_all_metadata=True, limit=200
    )
    messages: list[dict[str, Any]] = history.get("messages", []) or []
    for item in messages:
        metadata = item.get("metadata") or {}
        if (
            metadata.get("event_type") == event_type
            and (metadata.get("event_payload") or {}).get(key) == value
        ):
            return str(item.get("ts"))
    return None
