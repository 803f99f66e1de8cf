"""Advanced queries checked before any AWS call, and literals quoted safely. Pure.

AWS Config's query language has no FROM, JOIN, DISTINCT, AS, HAVING or UNION, and takes at most
4096 characters; anything else reaches AWS, whose own InvalidExpressionException is passed on.
"""

from __future__ import annotations

import re

from bot.errors import InvalidQuery

MAX_LENGTH = 4096
MAX_NESTING = 32  # parentheses; deeper nesting is no query a person writes
FORBIDDEN = ("FROM", "JOIN", "DISTINCT", "AS", "HAVING", "UNION")
_WORD = re.compile(r"[A-Za-z_][\w.:-]*")


def quote(value: str) -> str:
    """A string literal of the query language: single quotes, embedded quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def _outside_literals(expression: str) -> list[tuple[int, str]]:
    """(position, character) of everything outside single-quoted literals; raises on an open one."""
    outside: list[tuple[int, str]] = []
    in_literal = False
    opened = 0
    index = 0
    while index < len(expression):
        char = expression[index]
        if in_literal:
            if char == "'" and expression[index + 1 : index + 2] == "'":
                index += 2
                continue
            if char == "'":
                in_literal = False
                outside.append((index, " "))  # a literal separates words like a space
        elif char == "'":
            in_literal, opened = True, index
        else:
            outside.append((index, char))
        index += 1
    if in_literal:
        raise InvalidQuery(f"the quote opened at character {opened + 1} is never closed.")
    return outside


def validate_query(expression: str) -> None:
    text = expression.strip()
    if not text:
        raise InvalidQuery("the query is empty. Start it with SELECT.")
    if len(text) > MAX_LENGTH:
        raise InvalidQuery(f"it is {len(text)} characters long; AWS Config takes at most {MAX_LENGTH}.")
    outside = _outside_literals(text)
    bare = "".join(char for _, char in outside)
    if bare.count('"') % 2:
        raise InvalidQuery("a double quote is never closed (quote values with single quotes).")
    depth = deepest = 0
    for char in bare:
        depth += (char == "(") - (char == ")")
        deepest = max(deepest, depth)
    if deepest > MAX_NESTING:
        raise InvalidQuery(f"parentheses nest {deepest} deep; at most {MAX_NESTING} are taken.")
    positions = [position for position, _ in outside]
    words = list(_WORD.finditer(bare))
    if not words or words[0].group().upper() != "SELECT":
        raise InvalidQuery("only SELECT queries are possible; start the query with SELECT.")
    for word in words:
        keyword = word.group().upper()
        if keyword in FORBIDDEN:
            at = positions[word.start()] + 1
            why = " (every query reads the aggregator's resources)" if keyword == "FROM" else ""
            raise InvalidQuery(
                f"{keyword} (at character {at}) is not part of AWS Config's query language{why}."
            )
    if bare.count("(") != bare.count(")"):
        raise InvalidQuery("the parentheses are unbalanced.")


def selected_fields(expression: str) -> list[str]:
    """The items of the SELECT list (outside literals), e.g. ["accountId", "COUNT(*)"]."""
    bare = "".join(char for _, char in _outside_literals(expression.strip()))
    match = re.match(r"\s*SELECT\s+(.*?)(?:\s+(?:WHERE|GROUP|ORDER)\b.*)?$", bare, re.IGNORECASE | re.DOTALL)
    if not match:
        return []
    items, depth, current = [], 0, ""
    for char in match.group(1):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        items.append(current.strip())
    return items
