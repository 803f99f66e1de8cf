"""Text that came from AWS or a user, made safe for Slack's mrkdwn in one place. Pure.

A member account controls rule names, resource ids and names, annotations and tag values; a user
controls what they type. In mrkdwn, `<!channel>`, `<@U…>`, `<#C…>` and `<https://…|text>` are
control sequences and a backtick ends a code span. So every such string is escaped (`&`, `<`,
`>`, as Slack asks) and its backticks become a look-alike (ˋ, U+02CB) before any formatter sees it:
no formatter can post a ping, a link or a broken code span made of data, and the string stays
readable. `*`, `_` and `~` are left alone: they can style text, never act (Slack has no escape for
them, and a look-alike would break names people copy, like S3_BUCKET_VERSIONING_ENABLED).

Answers are neutralised whole (`neutralised`), field by field: enumerations the formatters compare
(compliance types, statuses...) are the bot's own words and stay as they are; URLs are
percent-encoded instead, so they stay links.
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import quote

from pydantic import BaseModel

T = TypeVar("T")
BACKTICK_LOOKALIKE = "\u02cb"
# Fields whose values are the bot's or AWS's fixed vocabulary, compared by the formatters.
VOCABULARY = frozenset(
    {"compliance_type", "status", "severity", "source_type", "group_by", "plan", "kind", "error_code"}
)
URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


def escape(text: str) -> str:
    """`&`, `<` and `>` as Slack asks them to be escaped in any text it parses."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """For plain_text objects, which Slack shows as they are."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def neutral(text: str) -> str:
    """A string of data as mrkdwn that can only be read: no control sequence, no code-span end."""
    return escape(text).replace("`", BACKTICK_LOOKALIKE)


def neutral_url(url: str) -> str:
    """A URL that stays one link: `<`, `>`, `|`, quotes, backticks and spaces percent-encoded,
    `&` escaped as Slack decodes it."""
    safe = quote(url, safe=URL_SAFE).replace("&", "&amp;")
    return url if safe == url else safe  # the same object when unchanged: `neutralised` copies less


def neutralised(value: T, field: str = "") -> T:
    """`value` with every string of data in it neutral (models, lists, tuples, dicts, keys too).
    What needs no change is returned as it is, not copied: an answer of thousands of resources
    is rendered on every page turn, and most of its text has nothing to escape."""
    if isinstance(value, str):
        if field in VOCABULARY:
            return value
        return neutral_url(value) if field.endswith("url") else neutral(value)  # type: ignore[return-value]
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            if (new := neutralised(old, name)) is not old:
                update[name] = new
        return value.model_copy(update=update) if update else value
    if isinstance(value, list | tuple):
        items = [neutralised(v, field) for v in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)  # type: ignore[return-value]
    if isinstance(value, dict):
        pairs = [(neutralised(k), neutralised(v, field)) for k, v in value.items()]
        if all(new[0] == old[0] and new[1] is old[1] for new, old in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)  # type: ignore[return-value]
    return value
