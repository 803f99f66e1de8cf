"""The advanced query parser: a recursive descent over the lexer's tokens that builds a
`syntax.Query`, and the checks AWS makes of a query's shape (unsupported keywords, GROUP BY's
limits, select items outside GROUP BY, LIKE's wildcards), each an InvalidExpressionException
that names the position of the offending token."""

from __future__ import annotations

from typing import Any

from simulator.errors import InvalidExpressionException
from simulator.sql.lexer import AGGREGATES, UNSUPPORTED, Token, tokenize
from simulator.sql.syntax import (
    Aggregate,
    Between,
    BoolOp,
    Compare,
    Condition,
    InList,
    Like,
    Literal,
    Not,
    OrderKey,
    Path,
    Query,
    SelectItem,
    Star,
)

MAX_GROUP_BY = 3


def _error(message: str) -> InvalidExpressionException:
    return InvalidExpressionException(message)


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
