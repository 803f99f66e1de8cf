"""How one question kind is shown: as Block Kit blocks (Slack), as plain text (the terminal) and
as a table (Export CSV). Each kind's registry entry (bot/questions/kinds.py) names its
presenter; the generic parts (limits, escaping, the context line, buttons) are shared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_sdk.models.blocks import Block

from bot.answers.models import Answer
from bot.questions.question import Question

T = TypeVar("T")
Table = tuple[list[str], list[list[Any]]]


def _never_empty(data: Any) -> bool:
    return False


@dataclass(frozen=True)
class Presenter(Generic[T]):
    # The answer's blocks for Slack (page `int` of a long list; `Question` for the buttons).
    blocks: Callable[[Answer[T], Question | None, int], list[Block]]
    # The answer's lines for the terminal.
    text: Callable[[T], list[str]]
    # The answer as CSV rows (header, rows); None where an export makes no sense.
    table: Callable[[T], Table] | None = None
    # Whether the answer says "nothing is failing" (then it is an all-clear only if every source reported).
    empty: Callable[[T], bool] = _never_empty
