"""The advanced query language's words: its keywords and the tokenizer that cuts an expression into
tokens (strings, numbers, property names, keywords, operators, punctuation), rejecting what cannot
be a token (an unbalanced or double quote, a stray character) and an over-long expression with
AWS's InvalidExpressionException."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from simulator.errors import InvalidExpressionException

MAX_EXPRESSION = 4096
AGGREGATES = ("COUNT", "SUM", "AVG", "MIN", "MAX")
UNSUPPORTED = ("FROM", "JOIN", "DISTINCT", "AS", "HAVING", "UNION", "LIMIT", "OFFSET", "IS", "NULL")
KEYWORDS = frozenset(
    (
        "SELECT",
        "WHERE",
        "GROUP",
        "BY",
        "ORDER",
        "ASC",
        "DESC",
        "AND",
        "OR",
        "NOT",
        "IN",
        "BETWEEN",
        "LIKE",
        "TRUE",
        "FALSE",
        *AGGREGATES,
        *UNSUPPORTED,
    )
)

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
      | (?P<name>[A-Za-z_][\w:-]*(?:\.[A-Za-z_][\w:-]*)*)
      | (?P<op><>|!=|<=|>=|=|<|>)
      | (?P<punct>[(),*])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # string | number | name | keyword | op | punct | end
    text: str
    value: Any
    position: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_EXPRESSION:
        raise InvalidExpressionException(
            f"The expression is {len(text)} characters long; the maximum is {MAX_EXPRESSION}."
        )
    tokens: list[Token] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position] == "'":
                raise InvalidExpressionException(f"Unbalanced quote at position {position + 1}.")
            if text[position] == '"':
                raise InvalidExpressionException(
                    f"Quote values with single quotes (position {position + 1})."
                )
            raise InvalidExpressionException(
                f"Unexpected character {text[position]!r} at position {position + 1}."
            )
        kind = match.lastgroup or "punct"
        raw = match.group(kind)
        start = match.start(kind)
        value: Any = raw
        if kind == "string":
            value = raw[1:-1].replace("''", "'")
        elif kind == "number":
            value = float(raw) if "." in raw else int(raw)
        elif kind == "name" and raw.upper() in KEYWORDS:
            kind, value = "keyword", raw.upper()
        tokens.append(Token(kind, raw, value, start))
        position = match.end()
    tokens.append(Token("end", "", None, len(text)))
    return tokens
