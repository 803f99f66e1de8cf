"""An advanced query's rows (`query`): a page of them as JSON lines in Slack, every row in the
terminal, and one CSV column per selected property (nested ones looked up by their dotted
name). Pure."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block

from bot.answers.models import Answer, QueryResult
from bot.presenters.common import buttons
from bot.presenters.presenter import Presenter, Table
from bot.questions.question import Question
from bot.slack.blocks import PAGE_SIZE, SECTION_CHARS, clip, header, section


def _blocks(answer: Answer[QueryResult], question: Question | None, page: int) -> list[Block]:
    data = answer.data
    pages = max(1, -(-len(data.rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = data.rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    body = (
        "\n".join(json.dumps(row, separators=(",", ":"), ensure_ascii=False) for row in shown) or "(no rows)"
    )
    note = f"{len(data.rows)} row(s)" + (" (capped)" if data.truncated else "")
    return [
        header("Advanced query"),
        section(f"`{clip(data.expression, 500)}`\n{note}"),
        section(f"```{clip(body, SECTION_CHARS - 6)}```"),
        *buttons(question, page, pages),
    ]


def _text(data: QueryResult) -> list[str]:
    lines = [" | ".join(data.columns)]
    lines += [str(row) for row in data.rows]
    if data.truncated:
        lines.append(f"(first {len(data.rows)} rows)")
    return lines


def _table(data: QueryResult) -> Table:
    return data.columns, [[_cell(_lookup(row, column)) for column in data.columns] for row in data.rows]


def _lookup(row: dict[str, Any], column: str) -> Any:
    if column in row:
        return row[column]
    node: Any = row
    for part in column.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return ""
    return node


def _cell(value: Any) -> Any:
    return json.dumps(value, separators=(",", ":")) if isinstance(value, dict | list) else value


QUERY: Presenter[QueryResult] = Presenter(blocks=_blocks, text=_text, table=_table)
