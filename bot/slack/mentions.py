"""What an @mention asks, in the /compliance grammar. Pure.

@compliance-bot s3-encryption                  -> s3-encryption
@compliance-bot is i-0abc123 compliant?        -> resource i-0abc123
@compliance-bot what is failing in 123456789012? -> account 123456789012
@compliance-bot health                         -> health
"""

from __future__ import annotations

import re

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|[^>]*)?>")
_IS_COMPLIANT = re.compile(r"^is\s+(?P<what>\S+)\s+compliant\b", re.IGNORECASE)
_FAILING_IN = re.compile(
    r"^what(?:'s|\s+is|\s+are)?\s+(?:failing|broken|non-compliant)\s+in\s+(?:account\s+)?(?P<account>[0-9]{12})\b",
    re.IGNORECASE,
)


def question_text(text: str) -> str:
    """The mention's text as a /compliance question."""
    cleaned = _MENTION.sub(" ", text)
    cleaned = _LINK.sub(lambda m: m.group(1), cleaned)
    cleaned = " ".join(cleaned.split()).strip()
    if not cleaned.lower().startswith("query"):
        cleaned = cleaned.rstrip("?!. ")
    if match := _IS_COMPLIANT.match(cleaned):
        return f"resource {match.group('what').strip('`<>')}"
    if match := _FAILING_IN.match(cleaned):
        return f"account {match.group('account')}"
    return cleaned
