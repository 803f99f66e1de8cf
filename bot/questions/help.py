"""Help and the manifest's usage hint, made from the registry so they cannot disagree with it."""

from __future__ import annotations

from bot.questions.question import Question
from bot.questions.registry import REGISTRY, RULE, Desk, Reply


def help_text(topic: str | None = None) -> str:
    if topic and topic in REGISTRY and topic != RULE:
        entry = REGISTRY[topic]
        return f"`/compliance {entry.usage}`\n{entry.help}"
    lines = [f"`/compliance {kind.usage}` {kind.help}" for kind in REGISTRY.values()]
    lines.append("Any question takes `--aggregator <name>`; add `public` to post the answer in the channel.")
    return "\n".join(lines)


def usage_hint() -> str:
    """The manifest's one-line usage hint."""
    return " | ".join(kind.hint for kind in REGISTRY.values() if kind.hint)


def help_command(desk: Desk, question: Question, channel: str | None, user: str | None) -> Reply:
    return Reply(help_text(question.params.get("topic")), "compliance-bot")
