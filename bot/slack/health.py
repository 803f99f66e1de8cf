"""What GET /healthz says: each dependency's state (Redis, AWS, Slack) from what the bot already
knows, never from an AWS or Slack call per probe, and never a secret (fixed words, error class
names and counters only).

- redis: "ok" | "unreachable": a PING with the cache's short timeouts (what answers do anyway; it
  also lets the cache notice that Redis is back).
- aws: "ok" | "failing": an AWS failure in the last RECENT seconds, read from the error counters in
  bot/metrics.py (AWS's errors by kind, and questions that ended in an AWS error, which also counts
  an unreachable endpoint or a call cut for time).
- slack: "ok" | "failing" | "disconnected": an answer given up in the last RECENT seconds
  (bot/slack/delivery.py's `answer_given_up` line, counted here), or, in Socket Mode, no socket.

The HTTP status is 503 only when the bot cannot work at all: a Socket Mode socket that is down (the
bot then hears nothing, and a restart is a remedy if Slack's client does not reconnect by itself).
Redis down degrades answers (computed uncached) and AWS or Slack failing is outside the pod, where a
restart helps nobody: those say "degraded" with 200, so probes do not restart every replica."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from bot import errors, metrics
from bot.cache.store import Cache

RECENT = 300.0  # seconds a failure keeps its dependency "failing"
QUESTION_FAILED = "question_aws_error"  # the kind when only a question's outcome saw it


class RecentFailures:
    """When a failure count last rose, and of which kind: counts are compared at each probe, so a
    failure's age is known to within one probe period, for no work between probes."""

    def __init__(
        self, counts: Callable[[], Mapping[str, float]], clock: Callable[[], float] = time.monotonic
    ):
        self._counts = counts
        self._clock = clock
        self._lock = threading.Lock()
        self._seen = dict(counts())  # what happened before this watch began is not its news
        self._last: tuple[str, float] | None = None

    def latest(self) -> tuple[str, float] | None:
        """The newest failure's kind and its age in seconds, if it is younger than RECENT."""
        with self._lock:
            now, counts = self._clock(), dict(self._counts())
            risen = [kind for kind, count in counts.items() if count > self._seen.get(kind, 0.0)]
            if risen:
                # The generic kind only when nothing more telling rose with it.
                self._last = (min(risen, key=lambda kind: (kind == QUESTION_FAILED, kind)), now)
            self._seen = counts
            if self._last is None or now - self._last[1] > RECENT:
                return None
            return self._last[0], now - self._last[1]


def _aws_outage(kind: str) -> bool:
    """An AWS error that is AWS failing the bot (denied, throttled, unavailable), not a question
    about something that does not exist (those are the asker's, `UserError`s)."""
    found = getattr(errors, kind, None)
    return isinstance(found, type) and issubclass(found, errors.AwsError)


def aws_failures() -> dict[str, float]:
    counts = {k: v for k, v in metrics.totals(metrics.AWS_ERRORS, "kind").items() if _aws_outage(k)}
    counts[QUESTION_FAILED] = metrics.totals(metrics.QUESTIONS, "outcome").get("aws_error", 0.0)
    return counts


class GivenUp(logging.Handler):
    """Counts `answer_given_up` lines: Slack failing the bot after every retry and fallback. The
    delivery code logs them already; counting them here keeps the health marker in one place."""

    LOGGER = "bot.slack.delivery"

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            event = json.loads(record.getMessage()).get("event")
        except (ValueError, AttributeError):
            return
        if event == "answer_given_up":
            self.count += 1


GIVEN_UP = GivenUp()
logging.getLogger(GivenUp.LOGGER).addHandler(GIVEN_UP)


class Health:
    """The /healthz report for one server: Redis pinged, AWS and Slack from their recent failures,
    and in Socket Mode whether the socket is connected (`connected`)."""

    def __init__(self, cache: Cache, connected: Callable[[], bool] | None = None) -> None:
        self.cache = cache
        self.connected = connected
        self.aws = RecentFailures(aws_failures)
        self.slack = RecentFailures(lambda: {"answer_given_up": float(GIVEN_UP.count)})

    def report(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body)."""
        failures: dict[str, dict[str, Any]] = {}
        for name, watch in (("aws", self.aws), ("slack", self.slack)):
            if (latest := watch.latest()) is not None:
                failures[name] = {"kind": latest[0], "seconds_ago": round(latest[1])}
        socket_down = self.connected is not None and not self.connected()
        states = {
            "redis": "ok" if self.cache.ping() else "unreachable",
            "aws": "failing" if "aws" in failures else "ok",
            "slack": "disconnected" if socket_down else "failing" if "slack" in failures else "ok",
        }
        body = {
            "status": "ok" if set(states.values()) == {"ok"} else "degraded",
            "mode": "http" if self.connected is None else "socket",
            "dependencies": states,
            "recent_failures": failures,
            "cache": self.cache.stats(),
        }
        return (503 if socket_down else 200), body
