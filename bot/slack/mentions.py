"""What an @mention says, without the mention: the text the grammar (or, in people's own words,
the interpreter) reads. Links keep their label (a pasted ARN or bucket name), or their address
when they have none. Pure.

    <@U0BOT> s3-encryption                                  -> s3-encryption
    <@U0BOT> is <https://console.aws.amazon.com/...|my-bucket> compliant?  -> is my-bucket compliant
"""

from __future__ import annotations

import re

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")


def question_text(text: str) -> str:
    """The mention's text as a question."""
    cleaned = _MENTION.sub(" ", text)
    cleaned = _LINK.sub(lambda m: m.group(2) or m.group(1), cleaned)
    cleaned = " ".join(cleaned.split()).strip()
    return cleaned if cleaned.lower().startswith("query") else cleaned.rstrip("?!. ")
