"""AWS Config's advanced query language, parsed and evaluated for real.

    SELECT item[, item...] [WHERE condition] [GROUP BY path[, path...]]
        [ORDER BY key [ASC|DESC], ...]

item: `*`, a property path (`configuration.configRuleList.complianceType`), or COUNT/SUM/AVG/MIN/MAX
of one path (COUNT also of `*`). Conditions: =, !=, <>, <, <=, >, >=, IN, BETWEEN, LIKE, combined
with AND, OR, NOT and parentheses. LIKE has two wildcards, as AWS documents: `%` (any characters,
only at the end) and `_` (any one character, so a name with `_` in a pattern is not a literal),
with at least 3 characters before the first of them. A condition on a path through an array
matches if any element matches, element by element independently, as AWS documents. FROM, JOIN,
DISTINCT, AS, HAVING, UNION, LIMIT and NULL tests are InvalidExpressionException, as in AWS; so is
an expression over 4096 characters here, though the API rejects it first (ValidationException).

Pure: `parse()` turns text into a `Query`; `run()` evaluates it over documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from simulator.errors import InvalidExpressionException

MAX_EXPRESSION = 4096
MAX_GROUP_BY = 3
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


def _error(message: str) -> InvalidExpressionException:
    return InvalidExpressionException(message)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # string | number | name | keyword | op | punct | end
    text: str
    value: Any
    position: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_EXPRESSION:
        raise _error(f"The expression is {len(text)} characters long; the maximum is {MAX_EXPRESSION}.")
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
                raise _error(f"Unbalanced quote at position {position + 1}.")
            if text[position] == '"':
                raise _error(f"Quote values with single quotes (position {position + 1}).")
            raise _error(f"Unexpected character {text[position]!r} at position {position + 1}.")
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


@dataclass(frozen=True, slots=True)
class Path:
    text: str

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.text.split("."))


@dataclass(frozen=True, slots=True)
class Aggregate:
    function: str
    argument: Path | None  # None: COUNT(*)

    @property
    def name(self) -> str:
        return f"{self.function}({self.argument.text if self.argument else '*'})"


@dataclass(frozen=True, slots=True)
class Star:
    pass


SelectItem = Path | Aggregate | Star
Literal = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Compare:
    path: Path
    op: str
    value: Literal


@dataclass(frozen=True, slots=True)
class InList:
    path: Path
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class Between:
    path: Path
    low: Literal
    high: Literal


@dataclass(frozen=True, slots=True)
class Like:
    path: Path
    pattern: str

    @property
    def prefix(self) -> str:
        """The literal text before the first wildcard (all of it without one)."""
        return re.split("[%_]", self.pattern, maxsplit=1)[0]

    @property
    def wildcard(self) -> bool:
        return "%" in self.pattern or "_" in self.pattern


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # AND | OR
    left: Condition
    right: Condition


Condition = Compare | InList | Between | Like | Not | BoolOp
OrderKey = Path | Aggregate


@dataclass(frozen=True, slots=True)
class Query:
    select: tuple[SelectItem, ...]
    where: Condition | None
    group_by: tuple[Path, ...]
    order_by: tuple[tuple[OrderKey, bool], ...]  # (key, descending)

    @property
    def aggregated(self) -> bool:
        return bool(self.group_by) or any(
            isinstance(i, Aggregate) for i in (*self.select, *(k for k, _ in self.order_by))
        )

    @property
    def paginated(self) -> bool:
        """AWS does not paginate when ORDER BY sorts on an aggregate."""
        return not any(isinstance(k, Aggregate) for k, _ in self.order_by)

    @property
    def field_names(self) -> list[str]:
        names = []
        for item in self.select:
            names.append(
                "*" if isinstance(item, Star) else item.name if isinstance(item, Aggregate) else item.text
            )
        return names


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        for token in self.tokens:
            if token.kind == "keyword" and token.value in UNSUPPORTED:
                what = "NULL tests are" if token.value in ("IS", "NULL") else f"{token.value} is"
                raise _error(f"{what} not supported (position {token.position + 1}).")

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def accept(self, kind: str, value: Any = None) -> Token | None:
        token = self.token
        if token.kind == kind and (value is None or token.value == value):
            self.index += 1
            return token
        return None

    def expect(self, kind: str, value: Any = None, what: str | None = None) -> Token:
        token = self.accept(kind, value)
        if token is None:
            found = self.token.text or "the end of the expression"
            raise _error(
                f"Expected {what or value or kind} but found {found!r} at position {self.token.position + 1}."
            )
        return token

    def parse(self) -> Query:
        self.expect("keyword", "SELECT", "SELECT")
        select = [self.select_item()]
        while self.accept("punct", ","):
            select.append(self.select_item())
        where = self.condition() if self.accept("keyword", "WHERE") else None
        group_by: list[Path] = []
        if self.accept("keyword", "GROUP"):
            self.expect("keyword", "BY")
            group_by.append(self.path())
            while self.accept("punct", ","):
                group_by.append(self.path())
        order_by: list[tuple[OrderKey, bool]] = []
        if self.accept("keyword", "ORDER"):
            self.expect("keyword", "BY")
            order_by.append(self.order_item())
            while self.accept("punct", ","):
                order_by.append(self.order_item())
        if self.token.kind != "end":
            raise _error(f"Unexpected {self.token.text!r} at position {self.token.position + 1}.")
        query = Query(tuple(select), where, tuple(group_by), tuple(order_by))
        self.check(query)
        return query

    def check(self, query: Query) -> None:
        if len(query.group_by) > MAX_GROUP_BY:
            raise _error(f"GROUP BY takes at most {MAX_GROUP_BY} properties.")
        if not query.paginated and len(query.group_by) > 1:
            raise _error("GROUP BY takes one property when ORDER BY sorts on an aggregate.")
        if query.aggregated:
            grouped = {p.text for p in query.group_by}
            for item in query.select:
                if isinstance(item, Star):
                    raise _error("SELECT * cannot be combined with aggregates or GROUP BY.")
                if isinstance(item, Path) and item.text not in grouped:
                    raise _error(f"{item.text} must appear in GROUP BY or in an aggregate function.")
            for key, _ in query.order_by:
                if isinstance(key, Path) and key.text not in grouped:
                    raise _error(f"ORDER BY {key.text} must appear in GROUP BY.")

    def path(self) -> Path:
        return Path(self.expect("name", what="a property name").text)

    def select_item(self) -> SelectItem:
        if self.accept("punct", "*"):
            return Star()
        aggregate = self.aggregate()
        return aggregate if aggregate else self.path()

    def aggregate(self) -> Aggregate | None:
        token = self.token
        if token.kind != "keyword" or token.value not in AGGREGATES:
            return None
        self.advance()
        self.expect("punct", "(", "(")
        argument: Path | None
        argument = None if token.value == "COUNT" and self.accept("punct", "*") else self.path()
        if self.token.kind == "punct" and self.token.value == ",":
            raise _error(f"{token.value} takes one argument (position {self.token.position + 1}).")
        self.expect("punct", ")", ")")
        return Aggregate(token.value, argument)

    def order_item(self) -> tuple[OrderKey, bool]:
        key: OrderKey = self.aggregate() or self.path()
        descending = bool(self.accept("keyword", "DESC"))
        if not descending:
            self.accept("keyword", "ASC")
        return key, descending

    def condition(self) -> Condition:
        left = self.conjunction()
        while self.accept("keyword", "OR"):
            left = BoolOp("OR", left, self.conjunction())
        return left

    def conjunction(self) -> Condition:
        left = self.negation()
        while self.accept("keyword", "AND"):
            left = BoolOp("AND", left, self.negation())
        return left

    def negation(self) -> Condition:
        if self.accept("keyword", "NOT"):
            return Not(self.negation())
        if self.accept("punct", "("):
            inner = self.condition()
            self.expect("punct", ")", ")")
            return inner
        return self.predicate()

    def predicate(self) -> Condition:
        path = self.path()
        negated = bool(self.accept("keyword", "NOT"))
        condition: Condition
        if self.accept("keyword", "IN"):
            self.expect("punct", "(", "(")
            values = [self.literal()]
            while self.accept("punct", ","):
                values.append(self.literal())
            self.expect("punct", ")", ")")
            condition = InList(path, tuple(values))
        elif self.accept("keyword", "BETWEEN"):
            low = self.literal()
            self.expect("keyword", "AND")
            condition = Between(path, low, self.literal())
        elif self.accept("keyword", "LIKE"):
            token = self.expect("string", what="a quoted pattern")
            condition = self.like(path, token)
        elif not negated and (op := self.accept("op")) is not None:
            condition = Compare(path, "!=" if op.value == "<>" else op.value, self.literal())
        else:
            raise _error(f"Expected a comparison after {path.text} at position {self.token.position + 1}.")
        return Not(condition) if negated else condition

    def like(self, path: Path, token: Token) -> Like:
        like = Like(path, str(token.value))
        if "%" in like.pattern[:-1]:
            raise _error(
                f"LIKE supports a wildcard only at the end of the value (position {token.position + 1})."
            )
        if like.wildcard and len(like.prefix) < 3:
            raise _error(
                f"LIKE needs at least 3 characters before the wildcard (position {token.position + 1})."
            )
        return like

    def literal(self) -> Literal:
        token = self.token
        if token.kind in ("string", "number"):
            self.advance()
            value: Literal = token.value
            return value
        if token.kind == "keyword" and token.value in ("TRUE", "FALSE"):
            self.advance()
            return bool(token.value == "TRUE")
        raise _error(
            f"Expected a value but found {token.text or 'the end of the expression'!r} "
            f"at position {token.position + 1}."
        )


def parse(text: str) -> Query:
    try:
        return _Parser(text).parse()
    except RecursionError:  # AWS answers a validation error, not a crash, for absurd nesting
        raise InvalidExpressionException("The expression nests too deeply.") from None


# --- evaluation -------------------------------------------------------------------------------


def values(document: Any, parts: Sequence[str]) -> list[Any]:
    """Every leaf value at the path; arrays on the way are flattened, element by element."""
    current = [document]
    for part in parts:
        following: list[Any] = []
        for node in current:
            for item in node if isinstance(node, list) else [node]:
                if isinstance(item, dict) and part in item:
                    following.append(item[part])
        current = following
    leaves: list[Any] = []
    for node in current:
        if isinstance(node, list):
            leaves.extend(node)
        else:
            leaves.append(node)
    return leaves


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def compare(value: Any, literal: Literal) -> int | None:
    """-1, 0 or 1, or None when the two cannot be compared."""
    if isinstance(literal, bool) or isinstance(value, bool):
        if isinstance(literal, bool) and isinstance(value, bool):
            return (value > literal) - (value < literal)
        text = str(value).lower()
        return 0 if text == str(literal).lower() else None
    if isinstance(literal, int | float) or isinstance(value, int | float):
        a, b = _number(value), _number(literal)
        if a is None or b is None:
            return None
        return (a > b) - (a < b)
    if isinstance(value, str):
        return (value > literal) - (value < literal)
    return None


_OPS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def pinned(condition: Condition | None, field: str) -> frozenset[str] | None:
    """The string values `field` must equal for any document to match the condition, or None
    when the condition does not pin it: what lets a reader skip documents it knows cannot match.
    Only `=`, `IN` and wildcard-free `LIKE` pin; AND narrows, OR pins only if both sides do."""
    if condition is None:
        return None
    if isinstance(condition, BoolOp):
        left, right = pinned(condition.left, field), pinned(condition.right, field)
        if condition.op == "AND":
            return left if right is None else right if left is None else left & right
        return None if left is None or right is None else left | right
    if isinstance(condition, Not | Between) or condition.path.text != field:
        return None
    if isinstance(condition, Compare):
        value = condition.value
        return frozenset([value]) if condition.op == "=" and isinstance(value, str) else None
    if isinstance(condition, InList):
        texts = [v for v in condition.values if isinstance(v, str)]
        return frozenset(texts) if len(texts) == len(condition.values) else None
    return None if condition.wildcard else frozenset([condition.prefix])


def matches(condition: Condition, document: dict[str, Any]) -> bool:
    if isinstance(condition, BoolOp):
        if condition.op == "AND":
            return matches(condition.left, document) and matches(condition.right, document)
        return matches(condition.left, document) or matches(condition.right, document)
    if isinstance(condition, Not):
        return not matches(condition.operand, document)
    found = values(document, condition.path.parts)
    if isinstance(condition, Compare):
        test = _OPS[condition.op]
        return any((c := compare(v, condition.value)) is not None and test(c) for v in found)
    if isinstance(condition, InList):
        return any(compare(v, lit) == 0 for v in found for lit in condition.values)
    if isinstance(condition, Between):
        return any(
            (lo := compare(v, condition.low)) is not None
            and lo >= 0
            and (hi := compare(v, condition.high)) is not None
            and hi <= 0
            for v in found
        )
    if not condition.wildcard:
        return any(isinstance(v, str) and v == condition.pattern for v in found)
    if "_" not in condition.pattern:  # the common `prefix%`
        return any(isinstance(v, str) and v.startswith(condition.prefix) for v in found)
    regex = _like_regex(condition.pattern)
    return any(isinstance(v, str) and regex.fullmatch(v) is not None for v in found)


@lru_cache(maxsize=256)
def _like_regex(pattern: str) -> re.Pattern[str]:
    """`_` is any one character; `%` (only ever last) any characters."""
    body = "".join("." if c == "_" else re.escape(c) for c in pattern.removesuffix("%"))
    return re.compile(body + (".*" if pattern.endswith("%") else ""), re.DOTALL)


def project(node: Any, parts: Sequence[str]) -> Any:
    """The part of the document at the path, keeping its nesting; None if absent."""
    if not parts:
        return node
    if isinstance(node, list):
        items = [project(item, parts) for item in node]
        kept = [item if item is not None else {} for item in items]
        return kept if any(item is not None for item in items) else None
    if isinstance(node, dict) and parts[0] in node:
        inner = project(node[parts[0]], parts[1:])
        return None if inner is None else {parts[0]: inner}
    return None


def merge(into: Any, other: Any) -> Any:
    if isinstance(into, dict) and isinstance(other, dict):
        for key, value in other.items():
            into[key] = merge(into[key], value) if key in into else value
        return into
    if isinstance(into, list) and isinstance(other, list):
        return (
            [merge(a, b) for a, b in zip(into, other, strict=False)] + into[len(other) :] + other[len(into) :]
        )
    return other


def _nest(parts: Sequence[str], value: Any) -> dict[str, Any]:
    result: Any = value
    for part in reversed(parts):
        result = {part: result}
    assert isinstance(result, dict)
    return result


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (3, "")
    number = _number(value) if not isinstance(value, str) else None
    if number is not None:
        return (0, number)
    return (1, str(value))


def _aggregate(aggregate: Aggregate, group: list[dict[str, Any]]) -> Any:
    if aggregate.argument is None:
        return len(group)
    found = [v for doc in group for v in values(doc, aggregate.argument.parts)]
    if aggregate.function == "COUNT":
        return sum(1 for doc in group if values(doc, aggregate.argument.parts))
    if aggregate.function in ("SUM", "AVG"):
        numbers = [n for v in found if (n := _number(v)) is not None]
        if not numbers:
            return None
        total = sum(numbers)
        result = total / len(numbers) if aggregate.function == "AVG" else total
        return int(result) if float(result).is_integer() and aggregate.function == "SUM" else result
    present = [v for v in found if v is not None and not isinstance(v, dict | list)]
    if not present:
        return None
    chosen = min(present, key=_sort_key) if aggregate.function == "MIN" else max(present, key=_sort_key)
    return chosen


def run(query: Query, documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The result rows, as AWS returns them before JSON encoding."""
    selected = [d for d in documents if query.where is None or matches(query.where, d)]
    if query.aggregated:
        return _run_aggregated(query, selected)
    rows_with_docs = [(_project_row(query, d), d) for d in selected]
    for key, descending in reversed(query.order_by):
        assert isinstance(key, Path)
        rows_with_docs.sort(
            key=lambda pair, k=key: _sort_key(next(iter(values(pair[1], k.parts)), None)),  # type: ignore[misc]
            reverse=descending,
        )
    return [row for row, _ in rows_with_docs]


def _project_row(query: Query, document: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for item in query.select:
        if isinstance(item, Star):
            merge(row, {k: v for k, v in document.items() if not isinstance(v, dict | list)})
        elif isinstance(item, Path):
            fragment = project(document, item.parts)
            if fragment is not None:
                merge(row, fragment)
    return row


def _run_aggregated(query: Query, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for document in documents:
        key = tuple(next(iter(values(document, p.parts)), None) for p in query.group_by)
        groups.setdefault(_hashable(key), []).append(document)
    if not query.group_by and not groups:
        groups[()] = []
    results: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for key, group in groups.items():
        by_name: dict[str, Any] = {}
        for path, value in zip(query.group_by, key, strict=True):
            by_name[path.text] = value
        row: dict[str, Any] = {}
        for item in query.select:
            if isinstance(item, Aggregate):
                by_name[item.name] = _aggregate(item, group)
                row[item.name] = by_name[item.name]
            elif isinstance(item, Path) and by_name.get(item.text) is not None:
                merge(row, _nest(item.parts, by_name[item.text]))
        for order_key, _ in query.order_by:
            if isinstance(order_key, Aggregate) and order_key.name not in by_name:
                by_name[order_key.name] = _aggregate(order_key, group)
        results.append((row, by_name))
    results.sort(key=lambda pair: tuple(_sort_key(v) for v in pair[1].values()))
    for order_key, descending in reversed(query.order_by):
        name = order_key.name if isinstance(order_key, Aggregate) else order_key.text
        results.sort(key=lambda pair, n=name: _sort_key(pair[1].get(n)), reverse=descending)  # type: ignore[misc]
    return [row for row, _ in results]


def _hashable(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(repr(v) if isinstance(v, dict | list) else v for v in key)
