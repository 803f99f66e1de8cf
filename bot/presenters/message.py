"""An answer as a Slack message, by its kind's presenter. Pure: the time and the page come in as
arguments; no clock, no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.answers.coverage import caveat_line
from bot.answers.models import Answer
from bot.presenters.common import context_line
from bot.presenters.presenter import Presenter
from bot.questions.question import Question
from bot.slack.blocks import clip, fit
from bot.slack.text import neutralised


def message(
    answer: Answer[Any],
    presenter: Presenter[Any],
    now: datetime,
    question: Question | None = None,
    page: int = 0,
) -> dict[str, Any]:
    """The Slack message for an answer: `text` (the notification) and `blocks`. Every string of
    data in the answer is made neutral first (`bot/slack/text.py`), so no presenter can forget;
    `fit` keeps the message within Slack's limits, with what the answer could not see and the
    context line always there."""
    answer = neutralised(answer)
    blocks = presenter.blocks(answer, question, page)
    return {
        "text": clip(answer.question, 300),
        "blocks": fit(blocks, context_line(answer, now), caveat_line(answer.coverage)),
    }
