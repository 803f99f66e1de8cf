"""The audit trail: one structured JSON line per question (who asked what, where, what it cost,
how it ended), on stdout and, when configured, in a bounded Redis stream. Secrets never appear:
tokens and keys in the question text are redacted."""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import redis

from bot.cache.lease import REDIS_ERRORS

STREAM_MAXLEN = 100_000
_SECRETS = (
    re.compile(r"xox[a-z]-[A-Za-z0-9-]+"),  # Slack tokens
    re.compile(r"xapp-[A-Za-z0-9-]+"),  # Slack app-level tokens
    re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),  # AWS access key ids
    re.compile(r"(?i)\b(aws_secret_access_key|aws_session_token|secret|password|token)\s*[=:]\s*\S+"),
    # AWS secret keys (40 characters of base64 with upper, lower case and a digit or / +) and
    # session tokens (long base64)
    re.compile(
        r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]*[A-Z])(?=[A-Za-z0-9/+=]*[a-z])(?=[A-Za-z0-9/+=]*[0-9/+])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"
    ),
    re.compile(r"[A-Za-z0-9/+=]{100,}"),
    re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})"),  # GitHub tokens
    re.compile(r"(?i)https?://[^\s/]*hooks?\.[^\s]*|https?://\S*/(?:web)?hooks?/\S*"),  # webhook URLs
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),  # Authorization values
)


def redact(text: str) -> str:
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) + "=" if m.groups() else "") + "[redacted]", text)
    return text


class Audit:
    def __init__(
        self,
        client: redis.Redis | None,
        stream: str | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.stream = stream
        self.clock = clock
        self._lock = threading.Lock()

    def record(self, **fields: Any) -> dict[str, Any]:
        line = {"time": self.clock().isoformat(), **{k: v for k, v in fields.items() if v is not None}}
        if "text" in line:
            line["text"] = redact(str(line["text"]))
        text = json.dumps(line, default=str, sort_keys=True)
        with self._lock:  # one whole line at a time, whatever the threads
            print(text, file=sys.stdout, flush=True)
        if self.client is not None and self.stream:
            try:
                self.client.xadd(
                    self.stream,
                    {"line": json.dumps(line, default=str)},
                    maxlen=STREAM_MAXLEN,
                    approximate=True,
                )
            except REDIS_ERRORS as error:
                logging.getLogger(__name__).warning("audit stream unavailable: %s", error)
        return line
