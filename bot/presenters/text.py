"""Answers as plain text, for the terminal (`compliance-bot ask`): the kind's lines (its
presenter's), then what the answer could not see and where it comes from. Pure."""

from __future__ import annotations

from typing import Any

from bot.answers.coverage import caveat_line
from bot.answers.models import Answer
from bot.presenters.common import not_reported, when
from bot.presenters.presenter import Presenter


def render(answer: Answer[Any], presenter: Presenter[Any]) -> str:
    body = list(presenter.text(answer.data))  # a copy: the note below is added to it
    if presenter.empty(answer.data) and not_reported(answer):
        body.append("(only the sources that reported: not every source did, so this is not an all-clear)")
    caveat = caveat_line(answer.coverage)
    footer = (
        f"data as of {when(answer.as_of)}, aggregator {answer.aggregator}, "
        f"{answer.aws_calls} AWS call(s){', cached' if answer.cached else ''}"
    )
    return "\n".join([*body, *(["", caveat] if caveat else []), "", footer])
