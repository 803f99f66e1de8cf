"""Answers as Slack Block Kit messages. Pure: no clock, no I/O.

For now a faithful plain layout (header, the text in sections, a context line); the Slack app
issue (#5) replaces it with per-question formatters.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.models import Answer
from bot.render_text import render

SECTION_LIMIT = 3000
MAX_BLOCKS = 50


def _chunks(text: str, size: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        line = line[: size - 10]
        if len(current) + len(line) + 1 > size - 8:
            chunks.append(current)
            current = ""
        current += line + "\n"
    if current.strip():
        chunks.append(current)
    return chunks


def message(answer: Answer[Any]) -> dict[str, Any]:
    text = render(answer)
    body, _, footer = text.rpartition("\n\n")
    blocks: list[Any] = [HeaderBlock(text=answer.question[:150])]
    sections = _chunks(body or text, SECTION_LIMIT)
    for chunk in sections[: MAX_BLOCKS - 2]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"```{chunk}```")))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer or answer.aggregator)]))
    return {"text": answer.question, "blocks": [b.to_dict() for b in blocks]}
