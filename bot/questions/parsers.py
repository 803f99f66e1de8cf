"""Each question kind's parser: from the words after its name to its parameters, or a
UserError that says what is wrong and shows the usage. Pure. The registry entries
(bot/questions/kinds.py) name them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.errors import UserError, quoted

ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


def options(words: list[str], allowed: Sequence[str], usage: str) -> dict[str, str]:
    """`key value` pairs, each key from `allowed`."""
    params: dict[str, str] = {}
    index = 0
    while index < len(words):
        key = words[index].lower()
        if key not in allowed or index + 1 >= len(words):
            raise UserError(f"I couldn't read {quoted(' '.join(words[index:]))}. Usage: {quoted(usage)}")
        params[key] = words[index + 1]
        index += 2
    if "account" in params and not ACCOUNT_ID.match(params["account"]):
        raise UserError(f"{quoted(params['account'])} is not an AWS account id (12 digits).")
    return params


def grouped_by(words: list[str], choices: Sequence[str], usage: str) -> tuple[str | None, list[str]]:
    if len(words) >= 2 and words[0].lower() == "by":
        if words[1].lower() not in choices:
            raise UserError(f"Group by {' or '.join(choices)}. Usage: {quoted(usage)}")
        return words[1].lower(), words[2:]
    return None, words


def rule(words: list[str], raw: str, usage: str) -> dict[str, str]:
    """A rule's name or alias, then `account <id>` and `region <r>` in any order."""
    if not words:
        raise UserError(f"Usage: {quoted(usage)}")
    return {"rule": words[0], **options(words[1:], ("account", "region"), usage)}


def summary(words: list[str], raw: str, usage: str) -> dict[str, str]:
    group, rest = grouped_by(words, ("account", "region"), usage)
    if rest:
        raise UserError(f"Usage: {quoted(usage)}")
    return {"by": group or "account"}


def rules(words: list[str], raw: str, usage: str) -> dict[str, str]:
    if words:
        raise UserError("Usage: `rules`")
    return {}


def account(words: list[str], raw: str, usage: str) -> dict[str, str]:
    if len(words) != 1 or not ACCOUNT_ID.match(words[0]):
        raise UserError("Usage: `account <12-digit account id>`")
    return {"account": words[0]}


def failing(words: list[str], raw: str, usage: str) -> dict[str, str]:
    params = options(words, ("account", "region"), usage)
    if not params:
        raise UserError(f"Say where: an account, a region or both. Usage: {quoted(usage)}")
    return params


def resource(words: list[str], raw: str, usage: str) -> dict[str, str]:
    if len(words) != 1:
        raise UserError("Usage: `resource <id|name|arn>`")
    return {"id": words[0]}


def resources(words: list[str], raw: str, usage: str) -> dict[str, str]:
    group, rest = grouped_by(words, ("type", "account", "region"), usage)
    return {"by": group or "type", **options(rest, ("type", "account", "region"), usage)}


def health(words: list[str], raw: str, usage: str) -> dict[str, str]:
    if words:
        raise UserError("Usage: `health`")
    return {}


def packs(words: list[str], raw: str, usage: str) -> dict[str, str]:
    return options(words, ("pack", "account", "region"), usage)


def query(words: list[str], raw: str, usage: str) -> dict[str, str]:
    if not raw.strip():
        raise UserError(
            "Usage: `query SELECT resourceId, resourceType WHERE resourceType = 'AWS::S3::Bucket'`"
        )
    return {"expression": raw.strip()}


def aggregators(words: list[str], raw: str, usage: str) -> dict[str, str]:
    return {}


def doctor(words: list[str], raw: str, usage: str) -> dict[str, str]:
    return {}


def refresh(words: list[str], raw: str, usage: str) -> dict[str, str]:
    return {"question": raw.strip()} if raw.strip() else {}


def digest(words: list[str], raw: str, usage: str) -> dict[str, str]:
    action = words[0].lower() if words else "list"
    if action not in ("subscribe", "unsubscribe", "list", "now"):
        raise UserError(f"Usage: {quoted(usage)}")
    params = {"action": action}
    rest = words[1:]
    if action != "subscribe" and rest:
        raise UserError(f"Usage: {quoted(usage)}")
    for word in rest:
        if re.match(r"^\d{1,2}:\d{2}$", word) and "time" not in params:
            params["time"] = word
        elif "timezone" not in params:
            params["timezone"] = word
        else:
            raise UserError(f"Usage: {quoted(usage)}")
    return params


def help_topic(words: list[str], raw: str, usage: str) -> dict[str, str]:
    return {"topic": words[0].lower()} if words else {}


def watch(words: list[str], raw: str, usage: str) -> dict[str, str]:
    """`watch <rule> [account <id>] [region <r>]`, `watch account <id> [region <r>]`, `watch all
    [region <r>]` (and the same after `unwatch`)."""
    if not words:
        raise UserError(f"Usage: {quoted(usage)}")
    if words[0].lower() == "all":
        return options(words[1:], ("region",), usage)
    if words[0].lower() == "account":
        return options(words, ("account", "region"), usage)
    return {"rule": words[0], **options(words[1:], ("account", "region"), usage)}


def nothing(words: list[str], raw: str, usage: str) -> dict[str, str]:
    if words:
        raise UserError(f"Usage: {quoted(usage)}")
    return {}
