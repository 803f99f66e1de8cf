"""The `/compliance` grammar: from the text typed after the command to a `Question` of one of the
registry's kinds (bot/questions/kinds.py), with `--aggregator <name>` and `public` read here for
every kind. Pure.

    <rule or alias> [account <id>] [region <r>]
    summary [by account|region]      rules        account <id>      resource <id|name|arn>
    resources [by type|account|region] [type <T>] [account <id>] [region <r>]
    health     packs [pack <name>] [account <id>] [region <r>]     query <SELECT ...>
    aggregators     doctor     refresh [question]     help [subcommand]
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable

from bot.errors import UnknownCommand, UserError
from bot.questions import kinds
from bot.questions.question import Question
from bot.questions.registry import REGISTRY, RULE

KINDS = kinds  # the entries are registered when kinds.py is imported
RULE_USAGE = kinds.RULE_USAGE


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
    # A query's text and a waiver's reason end as they were typed ("...must stay public").
    elif re.search(r"\spublic$", raw, re.IGNORECASE) and not raw.lower().startswith(("query", "waive")):
        public, raw = True, raw[: -len("public")].strip()
    if not raw:
        return Question("help", {}, aggregator, public)
    head, _, rest = raw.partition(" ")
    name = head.lower()
    # A bare word that names no kind is a rule's name or alias (`/compliance s3-encryption`).
    names = [kind for kind in REGISTRY if kind != RULE]
    if name == RULE and rest:  # `rule <name> ...`: a rule whose name is also a word
        head, _, rest = rest.partition(" ")
        rule = REGISTRY[RULE]
        return Question(RULE, rule.parse([head, *_split(rest)], raw, rule.usage), aggregator, public)
    if name in names:
        kind = REGISTRY[name]
        return Question(name, kind.parse(_split(rest), rest, kind.usage), aggregator, public)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    if close and not (is_rule and is_rule(head)):
        raise UnknownCommand(head, f"{close[0]} {rest}".strip())
    rule = REGISTRY[RULE]
    return Question(RULE, rule.parse([head, *_split(rest)], raw, rule.usage), aggregator, public)
