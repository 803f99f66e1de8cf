"""The Block Kit layer: blocks built with slack_sdk's models, each within Slack's limits (50
blocks, 3000-character sections, 10 fields of 2000 characters, 150-character headers,
2000-character button values), and the short messages (help, notices, errors). Pure.

Data reaches these blocks already neutral (`bot/slack/text.py`: presenters neutralise a whole
answer first); what a person or AWS said in a refusal is escaped here (`refusal_text`). This
layer knows Slack, not questions: nothing here imports `bot.questions` or `bot.presenters`.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.slack.text import BACKTICK_LOOKALIKE, escape, unescape

PAGE_SIZE = 10
TABLE_ROWS = 15
MAX_BLOCKS = 50
SECTION_CHARS = 3000
FIELD_CHARS = 2000
HEADER_CHARS = 150
BUTTON_VALUE_CHARS = 2000
TEXT_BUDGET = 12_000  # characters of text per message; Slack refuses around 13k


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    entity = cut.rfind("&")
    if entity >= 0 and ";" not in cut[entity:] and len(cut) - entity <= 5:
        cut = cut[:entity]  # never half an escape (&lt;) on show
    return cut + "…"


def header(text: str) -> HeaderBlock:
    # plain_text is shown as it is: the data in it (already neutral) is unescaped for reading.
    return HeaderBlock(text=PlainTextObject(text=clip(unescape(text), HEADER_CHARS)))


def _clip_mrkdwn(text: str, limit: int) -> str:
    """Clipped without cutting markup in two: at a line's end where it can be, never inside a
    link, and with every code span closed."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rindex("<")]
    if cut.count("`") % 2:
        cut += "`"
    return cut + "…"


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_clip_mrkdwn(text, SECTION_CHARS)))


def fields(pairs: list[tuple[str, str]]) -> SectionBlock:
    return SectionBlock(
        fields=[MarkdownTextObject(text=clip(f"*{k}*\n{v}", FIELD_CHARS)) for k, v in pairs[:10]]
    )


def table(rows: list[list[str]], total: int | None = None) -> SectionBlock:
    """A compact monospace table that reads on a phone: columns padded, at most TABLE_ROWS rows."""
    shown = rows[: TABLE_ROWS + 1]
    widths = [max(len(r[i]) for r in shown) for i in range(len(shown[0]))] if shown else []
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in shown]
    more = (total if total is not None else len(rows) - 1) - (len(shown) - 1)
    if more > 0:
        lines.append(f"… and {more} more")
    body = "\n".join(lines)
    return section(f"```{clip(body, SECTION_CHARS - 6)}```")


def caveat_section(text: str) -> SectionBlock:
    """What an answer could not see, flagged."""
    return section(f":warning: {text}")


def _text_size(block: dict[str, Any]) -> int:
    size = len(block.get("text", {}).get("text", "")) if isinstance(block.get("text"), dict) else 0
    size += sum(len(f.get("text", "")) for f in block.get("fields", []) or [])
    size += sum(
        len(e.get("text", "")) for e in block.get("elements", []) or [] if isinstance(e.get("text"), str)
    )
    return size


def fit(blocks: list[Block], context: str, caveat: str | None = None) -> list[dict[str, Any]]:
    """At most MAX_BLOCKS blocks and TEXT_BUDGET characters of text (Slack rejects messages with
    much more, `msg_blocks_too_long`); buttons, what the answer could not see, and the context
    line are always kept."""
    tail = [ContextBlock(elements=[MarkdownTextObject(text=clip(context, SECTION_CHARS))]).to_dict()]
    if caveat:
        tail.insert(0, caveat_section(caveat).to_dict())
    kept: list[dict[str, Any]] = []
    budget = TEXT_BUDGET - sum(_text_size(b) for b in tail)
    shortened = False
    for block in (b.to_dict() for b in blocks):
        size = _text_size(block)
        if block["type"] != "actions" and (size > budget or len(kept) >= MAX_BLOCKS - 3):
            shortened = True
            continue
        kept.append(block)
        budget -= size
    if shortened:
        note = "_Shortened to fit in Slack: Export CSV has all of it._"
        kept.append(section(note).to_dict())
    return kept[: MAX_BLOCKS - len(tail)] + tail


def text_message(text: str, title: str | None = None) -> dict[str, Any]:
    """A short message (help, errors, notices), within the limits."""
    blocks: list[Block] = [header(title)] if title else []
    blocks.append(section(text))
    return {"text": clip(text, 300), "blocks": [b.to_dict() for b in blocks]}


def refusal_text(text: str) -> str:
    """A refusal or an error as mrkdwn: it may quote what the user typed or AWS named (quoted with
    `errors.quoted`), so it is escaped (no ping, no link); its own code spans stay code unless one
    is left open, when no backtick stays."""
    text = escape(text)
    return text if text.count("`") % 2 == 0 else text.replace("`", BACKTICK_LOOKALIKE)


def error_message(text: str) -> dict[str, Any]:
    return text_message(refusal_text(text))


# How the notices that an answer later replaces begin ("working on it", "AWS is slow").
NOTICE_PREFIXES = (":hourglass_flowing_sand:", ":turtle:")


def working_message(waiting: bool = False) -> dict[str, Any]:
    """ "Working on it…", or, where someone else asked the same a moment ago, that this waits for
    their answer (computed once for both)."""
    if waiting:
        return text_message(
            ":hourglass_flowing_sand: Someone asked this a moment ago; I'm waiting for that answer…"
        )
    return text_message(":hourglass_flowing_sand: Working on it…")


def slow_message() -> dict[str, Any]:
    return text_message(":turtle: AWS is slow to answer this one. I'll post the answer here when it's ready.")


def prefaced(message: dict[str, Any], line: str) -> dict[str, Any]:
    """The message with a context line above it (already mrkdwn-safe), still within the block limit:
    if it was full, the block before its closing ones makes room."""
    preface = ContextBlock(elements=[MarkdownTextObject(text=clip(line, SECTION_CHARS))]).to_dict()
    body = list(message.get("blocks", []))
    if len(body) >= MAX_BLOCKS:
        del body[max(0, len(body) - 4)]
    return {**message, "blocks": [preface, *body]}
