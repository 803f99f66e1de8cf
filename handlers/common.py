"""What the surfaces share: asking a question through the cache and the error boundary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import formatting
from bot.grammar import Question, help_text, parse
from bot.messages import describe

if TYPE_CHECKING:
    from bot.app import Deps


def reply_for(deps: Deps, text: str, page: int = 0, **context: Any) -> tuple[dict[str, Any], Question | None]:
    """The message that answers `text` (as typed after /compliance), or explains why not."""
    question: Question | None = None
    try:
        question = parse(text, is_rule=lambda word: _is_rule(deps, word))
        return message_for(deps, question, page), question
    except Exception as error:  # the error boundary: every failure becomes a polite reply
        return formatting.text_message(describe(error, question=text, **context)), question


def message_for(deps: Deps, question: Question, page: int = 0) -> dict[str, Any]:
    if question.kind == "help":
        return formatting.text_message(help_text(question.params.get("topic")), "compliance-bot")
    if question.kind == "refresh":
        dropped = deps.answerer.refresh(question.params.get("question", ""), question.aggregator)
        return formatting.text_message(
            f"Forgot {dropped} cached answer(s); the next question asks AWS again."
        )
    answer = deps.answerer.answer(question)
    return formatting.message(answer, deps.clock(), question, page)


def _is_rule(deps: Deps, word: str) -> bool:
    try:
        deps.catalog.resolve(word)
    except Exception:
        return False
    return True
