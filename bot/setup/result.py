"""One set-up check's result. Pure.

`fail` is kept for what stops `serve` (a setting it cannot start without); everything else that
is wrong is a `warn`, so the bot still starts and says what it will not be able to do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail"]
MARKS: dict[Status, str] = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        """The check as one line: its mark, what was found, and what to do about it."""
        text = f"[{MARKS[self.status]}] {self.name}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text


def ok(name: str, message: str) -> Check:
    return Check(name, "ok", message)


def warn(name: str, message: str, fix: str = "") -> Check:
    return Check(name, "warn", message, fix)


def fail(name: str, message: str, fix: str = "") -> Check:
    return Check(name, "fail", message, fix)


def failed(checks: Sequence[Check]) -> list[Check]:
    return [c for c in checks if c.status == "fail"]


def one_line(text: str) -> str:
    """Messages from libraries may span lines; a check is one line."""
    return " ".join(text.split())
