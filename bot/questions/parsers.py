"""Each question kind's parser: from the words after its name to its parameters, or a
UserError that says what is wrong and shows the usage. Pure. The registry entries
(bot/questions/kinds.py) name them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.errors import UserError, quoted
from bot.waivers.model import MAX_DAYS, REASON_CHARS, days

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


def waive(words: list[str], raw: str, usage: str) -> dict[str, str]:
    """`waive <resource> <rule> [account <id>] [region <r>] <days>d <reason...>`: the reason is the
    rest of the text as typed."""
    if len(words) < 3:
        raise UserError(f"Usage: {quoted(usage)}")
    at = next((i for i, w in enumerate(words) if i >= 2 and re.fullmatch(r"[0-9]+d", w.lower())), None)
    if at is None:
        raise UserError(f"Say for how long, in days (`30d`, at most {MAX_DAYS}d). Usage: {quoted(usage)}")
    try:
        n = days(words[at].lower())
    except ValueError:
        raise UserError(f"A waiver lasts 1 to {MAX_DAYS} days (`30d`). Usage: {quoted(usage)}") from None
    params = {"resource": words[0], "rule": words[1], **options(words[2:at], ("account", "region"), usage)}
    # The reason as typed (spacing kept): everything after the days.
    reason = raw.split(None, at + 1)[at + 1].strip() if len(words) > at + 1 else ""
    if not reason:
        raise UserError(f"Say why it is accepted: the reason is kept with the waiver. Usage: {quoted(usage)}")
    if len(reason) > REASON_CHARS:
        raise UserError(f"Keep the reason under {REASON_CHARS} characters (a ticket link says the rest).")
    return {**params, "days": str(n), "reason": reason}


def unwaive(words: list[str], raw: str, usage: str) -> dict[str, str]:
    """`unwaive <resource> <rule> [account <id>] [region <r>]`."""
    if len(words) < 2:
        raise UserError(f"Usage: {quoted(usage)}")
    return {"resource": words[0], "rule": words[1], **options(words[2:], ("account", "region"), usage)}


def waivers(words: list[str], raw: str, usage: str) -> dict[str, str]:
    """`waivers [rule]`."""
    if len(words) > 1:
        raise UserError(f"Usage: {quoted(usage)}")
    return {"rule": words[0]} if words else {}


def nothing(words: list[str], raw: str, usage: str) -> dict[str, str]:
    if words:
        raise UserError(f"Usage: {quoted(usage)}")
    return {}
