"""Text for a terminal. Pure.

Slack's mrkdwn made readable where it has no meaning (`plain`: links as their text and URL, emoji
as words, Slack's escapes undone, code fences and bold/italic marks dropped), rows as an aligned
table (`table`), and data made harmless for a terminal (`printable`): text from AWS or a user may
hold escape sequences, which a terminal would obey."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from bot.slack.text import unescape

# The emoji the bot's messages use, as the words they stand for.
EMOJI = {
    "white_check_mark": "[ok]",
    "x": "[x]",
    "warning": "[!]",
    "red_circle": "[critical]",
    "large_orange_circle": "[outdated]",
    "information_source": "[i]",
    "grey_question": "[?]",
    "hourglass_flowing_sand": "[...]",
}
_LINK = re.compile(r"<([^<>|\s]+)(?:\|([^<>]*))?>")
# An emoji name between colons, not inside a word: so `arn:aws:iam::1` and `10:30:00` stay as they are.
_EMOJI = re.compile(r"(?<![\w:]):([a-z][a-z0-9_+-]*):(?![\w:])")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
# C0 controls but tab and newline, DEL and C1 controls (ESC among them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CELL_CHARS = 60


def printable(text: str) -> str:
    """`text` without anything a terminal would act on (escape sequences, carriage returns...)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _link(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith(("@", "#", "!")):  # a mention, a channel or a special mention
        name = label or target[1:].removeprefix("subteam^")
        return "@" + name if target[0] in "@!" else "#" + name
    url = target.replace("&amp;", "&")
    if not label or unescape(label) == url:
        return url
    return f"{label} ({url})"


def plain(mrkdwn: str) -> str:
    """A Slack message's text as a terminal shows it."""
    text = _LINK.sub(_link, mrkdwn.replace("```", ""))
    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), f"[{m.group(1).replace('_', ' ')}]"), text)
    text = _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))
    return printable(unescape(text))


def cell(value: Any) -> str:
    """One value in a table cell: nested values as compact JSON, long ones cut (--json has them whole)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict | list):
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    else:
        text = str(value)
    text = printable(text).replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """Rows as aligned columns under a header and a rule; numbers right-aligned."""
    header = [cell(c) for c in columns]
    body = [[cell(v) for v in row] for row in rows]
    widths = [max([len(header[i]), *(len(r[i]) for r in body)]) for i in range(len(header))]
    numeric = [
        bool(body) and all(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows)
        for i in range(len(header))
    ]

    def line(cells: Sequence[str], align: Sequence[bool]) -> str:
        return "  ".join(
            c.rjust(w) if right else c.ljust(w) for c, w, right in zip(cells, widths, align, strict=True)
        ).rstrip()

    return [
        line(header, numeric),
        line(["-" * w for w in widths], [False] * len(header)),
        *(line(r, numeric) for r in body),
    ]
