"""Whole answers as CSV, for "Export CSV": the rows are the kind's presenter's, every cell made
inert for spreadsheets here. Pure."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.answers.models import Answer
from bot.presenters.presenter import Presenter, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def table(answer: Answer[Any], presenter: Presenter[Any]) -> Table:
    """The answer's header and rows; a ValueError for a kind without a CSV form."""
    if presenter.table is None:
        raise ValueError(f"{type(answer.data).__name__} has no CSV form")
    return presenter.table(answer.data)


def inert(value: Any) -> Any:
    """A cell a spreadsheet will not run: text that starts like a formula gets a leading `'`
    (OWASP's advice for CSV injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(answer: Answer[Any], presenter: Presenter[Any]) -> str:
    return csv_text(table(answer, presenter))


def csv_text(data: Table) -> str:
    """A header and rows as CSV, every cell inert."""
    header, rows = data
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert(cell) for cell in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return buffer.getvalue()
