"""The `/compliance` grammar: one registry of subcommands, from which help (and, later, the
manifest's usage hint) are made, so they cannot disagree. Pure.

    <rule or alias> [account <id>] [region <r>]
    summary [by account|region]      rules        account <id>      resource <id|name|arn>
    resources [by type|account|region] [type <T>] [account <id>] [region <r>]
    health     packs [pack <name>] [account <id>] [region <r>]     query <SELECT ...>
    aggregators     doctor     refresh [question]     help [subcommand]

Any question takes `--aggregator <name>`; `public` posts the answer in the channel.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.errors import UnknownCommand, UserError, quoted

ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True)
class Question:
    kind: str
    params: dict[str, str] = field(default_factory=dict)
    aggregator: str | None = None
    public: bool = False

    def key(self) -> str:
        """A normalised form of the question (for caches and logs)."""
        parts = [self.kind, *(f"{k}={v}" for k, v in sorted(self.params.items()))]
        return " ".join(parts)


Parser = Callable[[list[str], str], dict[str, str]]


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    parse: Parser


REGISTRY: dict[str, Command] = {}


def command(name: str, usage: str, help: str) -> Callable[[Parser], Parser]:
    """Register a subcommand's parser; returns the function unchanged."""

    def register(parse: Parser) -> Parser:
        REGISTRY[name] = Command(name, usage, help, parse)
        return parse

    return register


def _options(words: list[str], allowed: Sequence[str], usage: str) -> dict[str, str]:
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


def _by(words: list[str], choices: Sequence[str], usage: str) -> tuple[str | None, list[str]]:
    if len(words) >= 2 and words[0].lower() == "by":
        if words[1].lower() not in choices:
            raise UserError(f"Group by {' or '.join(choices)}. Usage: {quoted(usage)}")
        return words[1].lower(), words[2:]
    return None, words


@command(
    "summary",
    "summary [by account|region]",
    "Compliant and non-compliant rules per account or region.",
)
def _summary(words: list[str], raw: str) -> dict[str, str]:
    group, rest = _by(words, ("account", "region"), REGISTRY["summary"].usage)
    if rest:
        raise UserError(f"Usage: {quoted(REGISTRY['summary'].usage)}")
    return {"by": group or "account"}


@command("rules", "rules", "Every rule with non-compliant resources, worst first.")
def _rules(words: list[str], raw: str) -> dict[str, str]:
    if words:
        raise UserError("Usage: `rules`")
    return {}


@command("account", "account <id>", "What is failing in one account.")
def _account(words: list[str], raw: str) -> dict[str, str]:
    if len(words) != 1 or not ACCOUNT_ID.match(words[0]):
        raise UserError("Usage: `account <12-digit account id>`")
    return {"account": words[0]}


@command("resource", "resource <id|name|arn>", "One resource: its configuration and compliance.")
def _resource(words: list[str], raw: str) -> dict[str, str]:
    if len(words) != 1:
        raise UserError("Usage: `resource <id|name|arn>`")
    return {"id": words[0]}


@command(
    "resources",
    "resources [by type|account|region] [type <T>] [account <id>] [region <r>]",
    "How many resources AWS Config records, grouped and filtered.",
)
def _resources(words: list[str], raw: str) -> dict[str, str]:
    usage = REGISTRY["resources"].usage
    group, rest = _by(words, ("type", "account", "region"), usage)
    return {"by": group or "type", **_options(rest, ("type", "account", "region"), usage)}


@command("health", "health", "Aggregator sources that FAILED or are OUTDATED.")
def _health(words: list[str], raw: str) -> dict[str, str]:
    if words:
        raise UserError("Usage: `health`")
    return {}


@command(
    "packs",
    "packs [pack <name>] [account <id>] [region <r>]",
    "Conformance pack compliance per pack, account and region.",
)
def _packs(words: list[str], raw: str) -> dict[str, str]:
    return _options(words, ("pack", "account", "region"), REGISTRY["packs"].usage)


@command("query", "query <SELECT ...>", "Run an AWS Config advanced query over the aggregator.")
def _query(words: list[str], raw: str) -> dict[str, str]:
    if not raw.strip():
        raise UserError(
            "Usage: `query SELECT resourceId, resourceType WHERE resourceType = 'AWS::S3::Bucket'`"
        )
    return {"expression": raw.strip()}


@command("aggregators", "aggregators", "The aggregators in the bot's account and region.")
def _aggregators(words: list[str], raw: str) -> dict[str, str]:
    return {}


@command("doctor", "doctor", "Check the aggregator against AWS's best practices.")
def _doctor(words: list[str], raw: str) -> dict[str, str]:
    return {}


@command("refresh", "refresh [question]", "Forget the cached answer to a question (or all).")
def _refresh(words: list[str], raw: str) -> dict[str, str]:
    return {"question": raw.strip()} if raw.strip() else {}


@command(
    "digest",
    "digest subscribe [HH:MM] [timezone] | digest unsubscribe | digest list | digest now",
    "The daily compliance digest in this channel.",
)
def _digest(words: list[str], raw: str) -> dict[str, str]:
    usage = REGISTRY["digest"].usage
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


@command("help", "help [subcommand]", "What each subcommand does.")
def _help(words: list[str], raw: str) -> dict[str, str]:
    return {"topic": words[0].lower()} if words else {}


RULE_USAGE = "<rule or alias> [account <id>] [region <r>]"


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _outside_quotes(text: str) -> str:
    """The text with every character inside a single-quoted literal masked (same length)."""
    masked, inside = [], False
    for char in text:
        if char == "'":
            inside = not inside
            masked.append(char)
        else:
            masked.append("\0" if inside else char)
    return "".join(masked)


MAX_TEXT = 5000  # the longest question: an advanced query of AWS's 4,096 characters and its words


def parse(text: str, is_rule: Callable[[str], bool] | None = None) -> Question:
    """The question a `/compliance` text asks. `is_rule` tells whether a word names a rule,
    so that a near-miss of a subcommand (`sumary`) is not taken for an unknown rule."""
    raw = text.strip()
    if len(raw) > MAX_TEXT:
        raise UserError(
            f"That is {len(raw):,} characters long; a question takes at most {MAX_TEXT:,} "
            "(an advanced query at most 4,096)."
        )
    aggregator = None
    # The flag is looked for outside quoted literals: a query may say '--aggregator' in one.
    flag = re.search(r"(?:^|\s)--aggregator(?:\s+|=)(\S+)", _outside_quotes(raw))
    if flag:
        aggregator = raw[flag.start(1) : flag.end(1)]
        raw = (raw[: flag.start()] + " " + raw[flag.end() :]).strip()
    public = False
    if re.match(r"^public\b", raw, re.IGNORECASE):
        public, raw = True, raw[len("public") :].strip()
    elif re.search(r"\spublic$", raw, re.IGNORECASE) and not raw.lower().startswith("query"):
        public, raw = True, raw[: -len("public")].strip()
    if not raw:
        return Question("help", {}, aggregator, public)
    head, _, rest = raw.partition(" ")
    name = head.lower()
    if name in REGISTRY:
        params = REGISTRY[name].parse(_split(rest), rest)
        return Question(name, params, aggregator, public)
    close = difflib.get_close_matches(name, list(REGISTRY), n=1, cutoff=0.75)
    if close and not (is_rule and is_rule(head)):
        raise UnknownCommand(head, f"{close[0]} {rest}".strip())
    params = {"rule": head, **_options(_split(rest), ("account", "region"), RULE_USAGE)}
    return Question("rule", params, aggregator, public)


def help_text(topic: str | None = None) -> str:
    if topic and topic in REGISTRY:
        entry = REGISTRY[topic]
        return f"`/compliance {entry.usage}`\n{entry.help}"
    lines = [f"`/compliance {RULE_USAGE}` which resources break a rule, everywhere"]
    lines += [f"`/compliance {c.usage}` {c.help}" for c in REGISTRY.values()]
    lines.append("Any question takes `--aggregator <name>`; add `public` to post the answer in the channel.")
    return "\n".join(lines)


def usage_hint() -> str:
    """The manifest's one-line usage hint."""
    return (
        "<rule> [account <id>] [region <r>] | "
        + " | ".join(
            "digest ..." if c.name == "digest" else c.usage.split(" [")[0]
            for c in REGISTRY.values()
            if c.name not in ("refresh", "help")
        )
        + " | help"
    )
