"""What the bot says about how it read a question: the "Reading this as" line, the choice of
readings when it is unsure, and the closest examples when it understood nothing. Pure."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.errors import quoted
from bot.presenters.common import ask_buttons
from bot.questions.question import Question
from bot.slack import blocks


def reading_line(form: str) -> str:
    """The line above an interpreted answer: the grammar form, so people learn and correct it."""
    return blocks.refusal_text(f"Reading this as: {quoted(form)}")


def choices_message(choices: list[tuple[str, Question]]) -> dict[str, Any]:
    text = "I can read this more than one way. Which did you mean?"
    listed = "\n".join(f"• {quoted(form)}" for form, _ in choices)
    body: list[Block] = [blocks.section(blocks.refusal_text(f"{text}\n{listed}"))]
    body += ask_buttons([(form, question) for form, question in choices])
    return {"text": text, "blocks": [b.to_dict() for b in body]}


def examples_message(text: str, examples: list[str]) -> dict[str, Any]:
    lead = f"I didn't understand {quoted(blocks.clip(text.strip(), 80))}. Questions I do understand:"
    listed = "\n".join(f"• {quoted(e)}" for e in examples)
    hint = "If it is a rule's name, ask `rule <name>`; `help` lists every question."
    return blocks.text_message(blocks.refusal_text(f"{lead}\n{listed}\n{hint}"))
