"""Answers as plain text, for the terminal (`compliance-bot ask`): the kind's lines (its
presenter's), then what the answer could not see and where it comes from. An advanced query's
rows are an aligned table of its selected columns. Pure."""

from __future__ import annotations

from typing import Any

from bot.answers.coverage import caveat_line
from bot.answers.models import Answer, QueryResult
from bot.presenters.common import not_reported, when
from bot.presenters.presenter import Presenter
from bot.presenters.terminal import printable, table


def _body(data: Any, presenter: Presenter[Any]) -> list[str]:
    if isinstance(data, QueryResult) and presenter.table is not None:
        columns, rows = presenter.table(data)
        shown = f"{len(rows)} row(s)" + (f" (the first {len(rows)}: capped)" if data.truncated else "")
        return [*table(columns, rows), shown]
    return [printable(line) for line in presenter.text(data)]


def render(answer: Answer[Any], presenter: Presenter[Any]) -> str:
    body = _body(answer.data, presenter)
    if presenter.empty(answer.data) and not_reported(answer):
        body.append("(only the sources that reported: not every source did, so this is not an all-clear)")
    caveat = caveat_line(answer.coverage)
    footer = (
        f"data as of {when(answer.as_of)}, aggregator {printable(answer.aggregator)}, "
        f"{answer.aws_calls} AWS call(s){', cached' if answer.cached else ''}"
    )
    return "\n".join([*body, *(["", printable(caveat)] if caveat else []), "", footer])
