"""What several presenters share: the context line, the buttons and the question they carry, the
all-clear that is one only when every source reported (and says what waivers left out of it), and
lines grouped into sections. Pure."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.answers.models import Answer
from bot.questions.question import Question
from bot.slack.blocks import BUTTON_VALUE_CHARS, SECTION_CHARS, section

ACTION_PAGE = "compliance_page"
ACTION_EXPORT = "compliance_export"
ACTION_REFRESH = "compliance_refresh"
ACTION_ASK = "compliance_ask"  # a button that asks its question (an interpretation, a match to pick)


def context_line(answer: Answer[Any], now: datetime) -> str:
    as_of = answer.as_of.strftime("%H:%M UTC")
    if answer.cached:
        minutes = max(0, int((now - answer.as_of).total_seconds() // 60))
        age = "cached just now" if minutes == 0 else f"cached {minutes} min ago"
    elif answer.limited:  # the count would tell of the accounts outside the channel's scope
        age = "fresh"
    else:
        age = f"fresh, {answer.aws_calls} AWS call{'s' if answer.aws_calls != 1 else ''}"
    return f"data as of {as_of}, {age}, aggregator {answer.aggregator}"


def when(moment: datetime | None) -> str:
    """A moment for the terminal."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def question_value(question: Question, page: int = 0) -> str | None:
    """What a button carries: the question and the page (state lives here, not in memory)."""
    value = json.dumps(
        {"k": question.kind, "p": question.params, "a": question.aggregator, "n": page},
        separators=(",", ":"),
        ensure_ascii=False,  # Slack counts characters: "ü" is one, not the six of "\u00fc"
    )
    return value if len(value) <= BUTTON_VALUE_CHARS else None


def question_from_value(value: str) -> tuple[Question, int]:
    data = json.loads(value)
    return Question(str(data["k"]), {str(k): str(v) for k, v in data["p"].items()}, data.get("a")), int(
        data["n"]
    )


def buttons(question: Question | None, page: int, pages: int, export: bool = True) -> list[Block]:
    """Previous and next (on a long list), Export CSV (where the kind has a CSV form) and Refresh;
    none without a question to carry, or when it is too long for a button."""
    if question is None:
        return []
    elements = []
    if pages > 1 and page > 0 and (value := question_value(question, page - 1)):
        elements.append(ButtonElement(text="◀ Previous", action_id=f"{ACTION_PAGE}_prev", value=value))
    if pages > 1 and page < pages - 1 and (value := question_value(question, page + 1)):
        elements.append(ButtonElement(text="Next ▶", action_id=f"{ACTION_PAGE}_next", value=value))
    current = question_value(question, page)
    if current is None:
        return []
    if export:
        elements.append(ButtonElement(text="Export CSV", action_id=ACTION_EXPORT, value=current))
    elements.append(ButtonElement(text="Refresh", action_id=ACTION_REFRESH, value=current))
    return [ActionsBlock(elements=elements)]


def ask_buttons(choices: list[tuple[str, Question]]) -> list[Block]:
    """One button per (label, question), each asking its question when clicked (at most 5: a
    choice of more is no help)."""
    elements = [
        ButtonElement(text=label[:75], action_id=f"{ACTION_ASK}_{index}", value=value)
        for index, (label, question) in enumerate(choices[:5])
        if (value := question_value(question)) is not None
    ]
    return [ActionsBlock(elements=elements)] if elements else []


def nothing_failing(answer: Answer[Any], what: str, waived: int = 0) -> str:
    """The all-clear, only when every source in scope reported; else what it rests on. Where
    waivers left resources out of it, it says how many: never a bare all-clear hiding them."""
    but = except_waived(waived)
    if not_reported(answer):
        return (
            f":warning: {what} in the sources that reported{but}, but not every source did (below): "
            "this is not an all-clear."
        )
    return f":white_check_mark: {what} in any account or region{but}."


def except_waived(count: int) -> str:
    """What an all-clear adds where waivers left resources out of it (nothing where none)."""
    return f", except {count} waived resource{'s' if count != 1 else ''} (accepted risks)" if count else ""


def not_reported(answer: Answer[Any]) -> bool:
    """Whether some source in the answer's scope did not report (so nothing found is no all-clear)."""
    return bool(answer.coverage.failed or answer.coverage.outdated)


def sections(lines: list[str]) -> list[Block]:
    """Lines as sections of whole lines, each within Slack's section size."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + 1 + len(line) <= SECTION_CHARS:
            texts[-1] += "\n" + line
        else:
            texts.append(line)
    return [section(t) for t in texts]
